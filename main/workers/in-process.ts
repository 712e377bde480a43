import type { JobExecutor, RunOutcome } from './executor.ts';
import { NetworkUnavailableError, TaskError, type Task } from './runtime/task.ts';

/** Runs tasks inside this process: for benchmarks and tests of the scheduler, never for heavy work in the app's main. */
export function createInProcessExecutor(tasks: Record<string, Task>, capacity = 64): JobExecutor {
  // A controller is made only when a task reads its signal or a stop arrives: most runs never need one, and making
  // one per job was a tenth of a no-op job's cost.
  const running = new Map<number, { abort: AbortController | null; stopped: Error | null }>();
  return {
    kinds: () => Object.keys(tasks),
    freeSlots: (kind) => (tasks[kind] ? capacity - running.size : 0),
    async run(job, lease, handlers): Promise<RunOutcome> {
      const task = tasks[job.kind];
      if (!task) return { type: 'error', code: 'unknown_kind', message: `No task for "${job.kind}".`, retryable: false };
      const run: { abort: AbortController | null; stopped: Error | null } = { abort: null, stopped: null };
      running.set(job.id, run);
      const controller = () => {
        if (!run.abort) {
          run.abort = new AbortController();
          if (run.stopped) run.abort.abort(run.stopped);
        }
        return run.abort;
      };
      const aborted = () => run.stopped !== null;
      const quiet = () => {};
      try {
        const result = await task({
          job: { id: job.id, kind: job.kind, payload: job.payload, checkpoint: job.checkpoint, attempt: job.attempts, leaseToken: lease.token },
          get signal() {
            return controller().signal;
          },
          progress: handlers.onProgress,
          checkpoint: handlers.onCheckpoint,
          log: { info: quiet, warn: quiet, error: quiet },
        });
        return aborted() ? { type: 'stopped' } : { type: 'done', result };
      } catch (err) {
        if (aborted()) return { type: 'stopped' };
        if (err instanceof NetworkUnavailableError) return { type: 'waiting_network', message: err.message };
        if (err instanceof TaskError) return { type: 'error', code: err.code, message: err.message, retryable: err.retryable };
        return { type: 'error', code: 'task_crashed', message: err instanceof Error ? err.message : String(err), retryable: true };
      } finally {
        running.delete(job.id);
      }
    },
    stop: (jobId, reason) => {
      const run = running.get(jobId);
      if (!run || run.stopped) return;
      run.stopped = new Error(reason);
      run.abort?.abort(run.stopped);
    },
    isAlive: (jobId) => running.has(jobId),
    shutdown: async () => {},
  };
}
