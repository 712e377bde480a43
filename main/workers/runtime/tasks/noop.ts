import { z } from 'zod';
import { defineJobKind } from '../../../queue/kinds.ts';
import type { Task } from '../task.ts';

declare module '../../../queue/kinds.ts' {
  interface JobKinds {
    /** Measures the queue and protocol overhead in benchmarks; any payload. */
    noop: { payload: unknown; result: null };
  }
}

export const noopKind = defineJobKind({ kind: 'noop', payload: z.unknown(), label: 'No-op (benchmark)' });

/** Does nothing; measures the queue and protocol overhead in benchmarks. */
export const noopTask: Task<'noop'> = async () => null;
