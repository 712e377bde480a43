import type { Task } from '../task.ts';

/** Does nothing; measures the queue and protocol overhead in benchmarks. */
export const noopTask: Task = async () => null;
