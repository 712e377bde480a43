import { createEngine, type EngineOptions } from '../app/engine.ts';
import { FINISHED_STATUSES, type EnqueueInput, type Job, type JobProgress } from '../queue/types.ts';
import { createNodeLauncher } from '../workers/node-launcher.ts';

/** Runs one job to its end on a private engine (one worker, only that kind); Ctrl-C cancels it. */
export async function runJobToEnd(dbPath: string, input: EnqueueInput, onProgress?: (p: JobProgress) => void, engineOptions: Partial<EngineOptions> = {}): Promise<Job> {
  const engine = await createEngine({ dbPath, launcher: createNodeLauncher(), workers: 1, kinds: [input.kind], ...engineOptions });
  try {
    const job = engine.queue.enqueue(input);
    const onSigint = () => engine.queue.cancel(job.id);
    process.once('SIGINT', onSigint);
    try {
      return await new Promise<Job>((resolve) => {
        const check = () => {
          const j = engine.queue.find(job.id);
          if (!j || FINISHED_STATUSES.includes(j.status)) {
            engine.queue.events.off('event', onEvent);
            clearInterval(poll);
            resolve(j ?? job);
          }
        };
        const onEvent = (e: { type: string; jobId?: number; job?: Job; progress?: JobProgress }) => {
          if (e.type === 'progress' && e.jobId === job.id && e.progress) onProgress?.(e.progress);
          if (e.job?.id === job.id) check();
        };
        engine.queue.events.on('event', onEvent);
        // Another process (the app) may run it instead: poll too.
        const poll = setInterval(check, 500);
        check();
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
  } finally {
    await engine.stop();
  }
}
