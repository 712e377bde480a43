import { createEngine, retentionMsOf, type Engine, type EngineOptions } from '../app/engine.ts';
import { describeWaiting, waitingByKind } from '../queue/orphans.ts';
import type { Queue } from '../queue/queue.ts';
import { FINISHED_STATUSES, type EnqueueInput, type Job, type JobProgress } from '../queue/types.ts';
import { createNodeLauncher } from '../workers/node-launcher.ts';
import { cliSettings } from './cli-settings.ts';

/** How a command runs its jobs: what it reports and how its engine is set up. */
export interface RunOptions {
  onProgress?: (p: JobProgress) => void;
  /** Lines for the user: jobs this engine recovered from a dead owner, jobs of other kinds left waiting. */
  notify?: (line: string) => void;
  engine?: Partial<EngineOptions>;
}

/** What to run: jobs to enqueue, or a function that finds or enqueues them on the engine's queue (to resume one). */
export type JobsToRun =
  readonly EnqueueInput[] | { kinds: readonly string[]; workers: number; start(queue: Queue): Job[] };

/**
 * How long finished jobs are kept, from the app's settings file beside the database (electron-store's settings.json in
 * the data folder): the CLI's engine purges too, and must not throw away what the user asked the app to keep.
 */
export function cliRetentionMs(dbPath: string): number {
  return retentionMsOf(cliSettings(dbPath).retentionDays);
}

/** "Recovered import #3 (52%), whose process died": one line per job this engine took over at start. */
export function describeRecovered(engine: Engine): string[] {
  return engine.recovered.map((j) => {
    const p = j.progress;
    const pct = p?.total ? ` (${Math.min(100, Math.floor((p.done / p.total) * 100))}%)` : '';
    return `Recovered ${j.kind} job #${j.id}${pct}: the process running it died; it resumes from its checkpoint.`;
  });
}

/**
 * Runs jobs of one kind to their end on a private engine (one worker per job, only that kind), new or found by
 * `what.start` (an unfinished run to resume); Ctrl-C cancels them. Says what it recovered and what it leaves waiting.
 */
export async function runJobsToEnd(dbPath: string, what: JobsToRun, opts: RunOptions = {}): Promise<Job[]> {
  const plan = Array.isArray(what)
    ? {
        kinds: [...new Set((what as readonly EnqueueInput[]).map((i) => i.kind))],
        workers: what.length,
        start: (q: Queue) => (what as readonly EnqueueInput[]).map((i) => q.enqueue(i)),
      }
    : (what as Exclude<JobsToRun, readonly EnqueueInput[]>);
  const { kinds, workers } = plan;
  const engine = await createEngine({
    dbPath,
    launcher: createNodeLauncher(),
    workers,
    kinds,
    concurrency: Object.fromEntries(kinds.map((k) => [k, workers])),
    ...opts.engine,
    scheduler: { retentionMs: cliRetentionMs(dbPath), ...opts.engine?.scheduler },
  });
  try {
    for (const line of describeRecovered(engine)) opts.notify?.(line);
    const jobs = plan.start(engine.queue);
    const ids = new Set(jobs.map((j) => j.id));
    const onSigint = () =>
      jobs.forEach((j) => {
        const now = engine.queue.find(j.id);
        if (now && !FINISHED_STATUSES.includes(now.status)) engine.queue.cancel(j.id);
      });
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
          if (e.type === 'progress' && e.jobId !== undefined && ids.has(e.jobId) && e.progress)
            opts.onProgress?.(e.progress);
          if (e.job && ids.has(e.job.id)) check();
        };
        engine.queue.events.on('event', onEvent);
        // Another process (the app) may run them instead: poll too.
        const poll = setInterval(check, 500);
        check();
      });
    } finally {
      process.off('SIGINT', onSigint);
      // This engine claims only its kinds: say what is left for `pallet work` (or the app) to run.
      for (const line of describeWaiting(waitingByKind(engine.db, kinds))) opts.notify?.(line);
    }
  } finally {
    await engine.stop();
  }
}

/** Runs one job to its end on a private engine; Ctrl-C cancels it. */
export async function runJobToEnd(dbPath: string, input: EnqueueInput, opts: RunOptions = {}): Promise<Job> {
  return (await runJobsToEnd(dbPath, [input], opts))[0]!;
}
