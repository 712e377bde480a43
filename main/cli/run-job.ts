import { createEngine, type EngineOptions } from '../app/engine.ts';
import { FINISHED_STATUSES, type EnqueueInput, type Job, type JobProgress } from '../queue/types.ts';
import { createNodeLauncher } from '../workers/node-launcher.ts';

/** Runs jobs of one kind to their end on a private engine (one worker per job, only that kind); Ctrl-C cancels them. */
export async function runJobsToEnd(dbPath: string, inputs: readonly EnqueueInput[], onProgress?: (p: JobProgress) => void, engineOptions: Partial<EngineOptions> = {}): Promise<Job[]> {
  const kinds = [...new Set(inputs.map((i) => i.kind))];
  const engine = await createEngine({ dbPath, launcher: createNodeLauncher(), workers: inputs.length, kinds, concurrency: Object.fromEntries(kinds.map((k) => [k, inputs.length])), ...engineOptions });
  try {
    const jobs = inputs.map((input) => engine.queue.enqueue(input));
    const ids = new Set(jobs.map((j) => j.id));
    const onSigint = () => jobs.forEach((j) => engine.queue.cancel(j.id));
    process.once('SIGINT', onSigint);
    try {
      return await new Promise<Job[]>((resolve) => {
        const check = () => {
          const now = jobs.map((j) => engine.queue.find(j.id) ?? j);
          if (now.every((j) => FINISHED_STATUSES.includes(j.status))) {
            engine.queue.events.off('event', onEvent);
            clearInterval(poll);
            resolve(now);
          }
        };
        const onEvent = (e: { type: string; jobId?: number; job?: Job; progress?: JobProgress }) => {
          if (e.type === 'progress' && e.jobId !== undefined && ids.has(e.jobId) && e.progress) onProgress?.(e.progress);
          if (e.job && ids.has(e.job.id)) check();
        };
        engine.queue.events.on('event', onEvent);
        // Another process (the app) may run them instead: poll too.
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

/** Runs one job to its end on a private engine; Ctrl-C cancels it. */
export async function runJobToEnd(dbPath: string, input: EnqueueInput, onProgress?: (p: JobProgress) => void, engineOptions: Partial<EngineOptions> = {}): Promise<Job> {
  return (await runJobsToEnd(dbPath, [input], onProgress, engineOptions))[0]!;
}
