import { createEngine } from '../app/engine.ts';
import { openDatabase } from '../db/open.ts';
import { createQueue } from '../queue/queue.ts';
import type { Job, JobProgress, QueueEvent } from '../queue/types.ts';
import { createNodeLauncher } from '../workers/node-launcher.ts';
import { cliSecrets } from './lookup-commands.ts';
import { cliRetentionMs, describeRecovered } from './run-job.ts';

interface Out {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** A retry due within this long is waited for; a later one is left for the next run (or the app). */
const SOON_MS = 30_000;

const pctOf = (p: JobProgress | null) => (p?.total ? ` ${Math.min(100, Math.floor((p.done / p.total) * 100))}%` : '');
const clock = (ms: number) => new Date(ms).toLocaleTimeString('en-GB');

/**
 * `pallet work`: an engine for every kind that runs whatever is runnable (queued, recovered from a dead owner, a
 * retry due soon) until nothing is left, printing progress; Ctrl-C drains (running jobs keep their checkpoint).
 * Exits 1 when a job it ran failed.
 */
export async function workCommand(dbPath: string, o: Out, opts: { pollMs?: number } = {}): Promise<number> {
  // Lookups among the jobs get the SP-API credentials from the environment, as `pallet lookup` does.
  const engine = await createEngine({
    dbPath,
    launcher: createNodeLauncher(),
    workers: 2,
    secrets: () => cliSecrets(),
    scheduler: { retentionMs: cliRetentionMs(dbPath) },
  });
  const { queue } = engine;
  const ran = new Map<number, Job>();
  const lastProgress = new Map<number, number>();
  let stopping = false;
  const onEvent = (e: QueueEvent) => {
    if (e.type === 'progress') {
      if (o.json || Date.now() - (lastProgress.get(e.jobId) ?? 0) < 1000) return;
      lastProgress.set(e.jobId, Date.now());
      const kind = (ran.get(e.jobId) ?? queue.find(e.jobId))?.kind ?? '';
      o.err(`… #${e.jobId} ${kind}${pctOf(e.progress)} ${e.progress.note ?? ''}`);
      return;
    }
    if (!('job' in e)) return;
    const job = e.job;
    // This queue object emits only what this process did: an outcome here is of a job this engine ran.
    if (!['completed', 'failed', 'retry_scheduled', 'cancelled', 'waiting_network'].includes(e.type)) return;
    ran.set(job.id, job);
    if (o.json) return;
    if (e.type === 'completed') o.out(`#${job.id} ${job.kind} completed`);
    else if (e.type === 'failed') o.err(`#${job.id} ${job.kind} failed: ${job.error?.message ?? 'unknown error'}`);
    else if (e.type === 'retry_scheduled')
      o.err(`#${job.id} ${job.kind} retries at ${clock(job.runAt)}: ${job.error?.message ?? ''}`);
    else if (e.type === 'cancelled') o.err(`#${job.id} ${job.kind} cancelled`);
    else if (e.type === 'waiting_network') o.err(`#${job.id} ${job.kind} waits for the network`);
  };
  queue.events.on('event', onEvent);
  // A claim emits no event: runs still going at a stop are found by their lease.
  const noteRunning = () => {
    for (const j of queue.list({ status: 'running', limit: 1000 }))
      if (j.leaseOwner === queue.owner && !ran.has(j.id)) ran.set(j.id, j);
  };
  const onSigint = () => {
    stopping = true;
    o.err('Stopping: running jobs keep their checkpoint and go back to the queue.');
  };
  process.once('SIGINT', onSigint);
  try {
    if (!o.json) for (const line of describeRecovered(engine)) o.err(line);
    if (queue.isPaused()) {
      o.err('The queue is paused: nothing runs until pallet resume.');
      return 0;
    }
    const runnable = () => {
      noteRunning();
      if (engine.scheduler.runningCount() > 0) return true;
      // Paused meanwhile (pallet pause, the app): the running jobs have yielded and nothing more will be claimed.
      if (queue.isPaused()) return false;
      const kinds = new Set(engine.workers.flatMap((w) => w.kinds()));
      const queued = queue.queuedByKind();
      // A kind no worker runs would keep this loop alive forever: it is not runnable here.
      if (queued.some((q) => kinds.size === 0 || kinds.has(q.kind))) return true;
      const due = queue.nextDueAt();
      return due !== null && due <= Date.now() + SOON_MS;
    };
    await new Promise<void>((resolve) => {
      // Two idle looks in a row: a job just claimed or just completed is never mistaken for an empty queue.
      let idle = 0;
      const timer = setInterval(() => {
        idle = runnable() ? 0 : idle + 1;
        if (stopping || idle >= 2) {
          clearInterval(timer);
          resolve();
        }
      }, opts.pollMs ?? 250);
    });
  } finally {
    process.off('SIGINT', onSigint);
    await engine.stop();
    queue.events.off('event', onEvent);
  }
  return report([...ran.values()], o, dbPath, stopping);
}

/** The closing summary: what ran, and what is left and why. */
function report(ran: Job[], o: Out, dbPath: string, stopped: boolean): number {
  // The engine's connection is closed by now: the outcome is read afresh.
  const db = openDatabase(dbPath);
  try {
    const queue = createQueue({ db });
    const jobs = ran.map((j) => queue.find(j.id) ?? j);
    const counts = queue.counts();
    const next = queue.nextDueAt();
    const done = jobs.filter((j) => j.status === 'completed').length;
    const failed = jobs.filter((j) => j.status === 'failed').length;
    if (o.json) {
      o.out(
        JSON.stringify(
          {
            ran: jobs.map((j) => ({ id: j.id, kind: j.kind, status: j.status })),
            completed: done,
            failed,
            stopped,
            left: counts,
          },
          null,
          2,
        ),
      );
    } else {
      o.out(
        jobs.length
          ? `Ran ${jobs.length} job${jobs.length === 1 ? '' : 's'}: ${done} completed, ${failed} failed.`
          : 'Nothing to run.',
      );
      const left = counts.queued + counts.running;
      if (stopped && left) o.out(`${left} job${left === 1 ? '' : 's'} left in the queue: run pallet work to go on.`);
      if (counts.waiting_network) o.out(`${counts.waiting_network} wait for the network.`);
      if (counts.paused) o.out(`${counts.paused} paused (pallet resume ID).`);
      const later = counts.retry_pending + counts.scheduled;
      if (later && next !== null) o.out(`${later} due later (next at ${clock(next)}): run pallet work again then.`);
    }
    return failed ? 1 : 0;
  } finally {
    db.close();
  }
}
