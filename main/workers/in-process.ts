import type { JobExecutor, RunOutcome } from './executor.ts';
import { NetworkUnavailableError, TaskError, type Task } from './runtime/task.ts';

/** Runs tasks inside this process: for benchmarks and tests of the scheduler, never for heavy work in the app's main. */
export function createInProcessExecutor(tasks: Record<string, Task>, capacity = 64): JobExecutor {
  const running = new Map<number, AbortController>();
  return {
    kinds: () => Object.keys(tasks),
    freeSlots: (kind) => (tasks[kind] ? capacity - running.size : 0),
    async run(job, lease, handlers): Promise<RunOutcome> {
      const task = tasks[job.kind];
      if (!task) return { type: 'error', code: 'unknown_kind', message: `No task for "${job.kind}".`, retryable: false };
      const abort = new AbortController();
      running.set(job.id, abort);
      const quiet = () => {};
      try {
        const result = await task({
          job: { id: job.id, kind: job.kind, payload: job.payload, checkpoint: job.checkpoint, attempt: job.attempts, leaseToken: lease.token },
          signal: abort.signal,
          progress: handlers.onProgress,
          checkpoint: handlers.onCheckpoint,
          log: { info: quiet, warn: quiet, error: quiet },
        });
        return abort.signal.aborted ? { type: 'stopped' } : { type: 'done', result };
      } catch (err) {
        if (abort.signal.aborted) return { type: 'stopped' };
        if (err instanceof NetworkUnavailableError) return { type: 'waiting_network', message: err.message };
        if (err instanceof TaskError) return { type: 'error', code: err.code, message: err.message, retryable: err.retryable };
        return { type: 'error', code: 'task_crashed', message: err instanceof Error ? err.message : String(err), retryable: true };
      } finally {
        running.delete(job.id);
      }
    },
    stop: (jobId, reason) => running.get(jobId)?.abort(new Error(reason)),
    isAlive: (jobId) => running.has(jobId),
    shutdown: async () => {},
  };
}
