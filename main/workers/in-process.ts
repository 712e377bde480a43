import { DISK_FULL_MESSAGE, isDiskFull } from '../files/write-errors.ts';
import type { Job, Lease } from '../queue/types.ts';
import type { JobExecutor, RunHandlers, RunOutcome } from '../queue/executor.ts';
import {
  dispatchTable,
  NetworkUnavailableError,
  TaskError,
  type TaskContext,
  type TasksByKind,
} from './runtime/task.ts';

const quiet = () => {};
const QUIET_LOG = { info: quiet, warn: quiet, error: quiet };

/**
 * One run's task context. A class rather than closures per run: a no-op job's whole cost is a few microseconds, and
 * the controller is made only if the task reads its signal or a stop arrives (making one per job was a tenth of it).
 */
class InProcessRun implements TaskContext {
  readonly job: TaskContext['job'];
  readonly progress: RunHandlers['onProgress'];
  readonly checkpoint: RunHandlers['onCheckpoint'];
  readonly log = QUIET_LOG;
  stopped: Error | null = null;
  private abort: AbortController | null = null;

  constructor(job: Job, lease: Lease, handlers: RunHandlers) {
    this.job = {
      id: job.id,
      kind: job.kind,
      payload: job.payload,
      checkpoint: job.checkpoint,
      attempt: job.attempts,
      leaseToken: lease.token,
    };
    this.progress = handlers.onProgress;
    this.checkpoint = handlers.onCheckpoint;
  }

  get signal(): AbortSignal {
    if (!this.abort) {
      this.abort = new AbortController();
      if (this.stopped) this.abort.abort(this.stopped);
    }
    return this.abort.signal;
  }

  stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = new Error(reason);
    this.abort?.abort(this.stopped);
  }
}

/** Runs tasks inside this process: for benchmarks and tests of the scheduler, never for heavy work in the app's main. */
export function createInProcessExecutor<T extends TasksByKind<T>>(byKind: T, capacity = 64): JobExecutor {
  const tasks = dispatchTable(byKind);
  const running = new Map<number, InProcessRun>();
  return {
    kinds: () => Object.keys(tasks),
    freeSlots: (kind) => (tasks[kind] ? capacity - running.size : 0),
    async run(job, lease, handlers): Promise<RunOutcome> {
      const task = tasks[job.kind];
      if (!task)
        return { type: 'error', code: 'unknown_kind', message: `No task for "${job.kind}".`, retryable: false };
      const run = new InProcessRun(job, lease, handlers);
      running.set(job.id, run);
      try {
        const result = await task(run);
        return run.stopped ? { type: 'stopped' } : { type: 'done', result };
      } catch (err) {
        if (run.stopped) return { type: 'stopped' };
        if (err instanceof NetworkUnavailableError) return { type: 'waiting_network', message: err.message };
        if (err instanceof TaskError)
          return { type: 'error', code: err.code, message: err.message, retryable: err.retryable };
        if (isDiskFull(err)) return { type: 'error', code: 'disk_full', message: DISK_FULL_MESSAGE, retryable: false };
        return {
          type: 'error',
          code: 'task_crashed',
          message: err instanceof Error ? err.message : String(err),
          retryable: true,
        };
      } finally {
        running.delete(job.id);
      }
    },
    stop: (jobId, reason) => running.get(jobId)?.stop(reason),
    isAlive: (jobId) => running.has(jobId),
    shutdown: async () => {},
  };
}
