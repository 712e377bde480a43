// Fills each job's log tail (main/queue/job-log.ts) from two sources: what a task writes through `ctx.log` (the
// worker's `log` messages, via its supervisor) and the queue's own lifecycle events. Lines are buffered and written
// in one short transaction every `flushMs`; the write never waits for a worker's lock on main's event loop (a busy
// moment keeps the lines for the next flush), and the buffer is bounded.
import type { EventEmitter } from 'node:events';
import { writeWaitingAtMost } from '../db/busy.ts';
import type { Db } from '../db/open.ts';
import { createJobLogStore, type JobLogEntry, type JobLogLevel } from '../queue/job-log.ts';
import type { Clock, QueueEvents } from '../queue/interface.ts';
import type { QueueEvent } from '../queue/types.ts';
import type { SupervisorEvent } from '../workers/supervisor.ts';

/** Lines held while the database is busy; past it the oldest go (counted in `dropped`). */
const BUFFER_MAX = 10_000;

const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];

/** "in 3 s", "in 2 min": how long until a delayed job is due. */
function inTime(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `in ${s} s` : `in ${Math.round(s / 60)} min`;
}

/** The log line a queue event leaves in its job's tail, or null for events that are not about one job's run. */
export function lifecycleLine(
  e: QueueEvent,
  now: number,
): { jobId: number; level: JobLogLevel; message: string } | null {
  switch (e.type) {
    case 'started':
      return { jobId: e.job.id, level: 'info', message: `Attempt ${e.job.attempts} of ${e.job.maxAttempts} started.` };
    case 'completed':
      return { jobId: e.job.id, level: 'info', message: 'Completed.' };
    case 'retry_scheduled':
      return {
        jobId: e.job.id,
        level: 'warn',
        message: `Attempt ${e.job.attempts} failed: ${e.job.error?.message ?? 'no reason given'} Retrying ${inTime(e.job.runAt - now)}.`,
      };
    case 'failed':
      return { jobId: e.job.id, level: 'error', message: `Failed: ${e.job.error?.message ?? 'no reason given'}` };
    case 'cancelled':
      return { jobId: e.job.id, level: 'info', message: 'Cancelled.' };
    case 'paused':
      return { jobId: e.job.id, level: 'info', message: 'Paused.' };
    case 'resumed':
      return { jobId: e.job.id, level: 'info', message: 'Resumed.' };
    case 'stop_requested':
      return { jobId: e.jobId, level: 'info', message: `${e.reason === 'cancel' ? 'Cancel' : 'Pause'} requested.` };
    case 'waiting_network':
      return {
        jobId: e.job.id,
        level: 'warn',
        message: 'The network is unreachable: waiting for it (this does not count as an attempt).',
      };
    case 'requeued': {
      const why = {
        lease_expired: 'its run stopped answering (lease expired)',
        owner_gone: 'the process running it ended',
        yield: 'it yielded to let others run',
        network: 'the network is back',
        retry: 'it is retried',
      }[e.reason];
      return {
        jobId: e.job.id,
        level: e.reason === 'yield' || e.reason === 'network' ? 'info' : 'warn',
        message: `Back in the queue: ${why}.`,
      };
    }
    default:
      return null;
  }
}

export interface JobLogWriterOptions {
  db: Db;
  queue: { events: QueueEvents };
  /** Supervisors whose workers' `ctx.log` lines (those naming a job) are kept. */
  workers: readonly { events: EventEmitter<{ event: [SupervisorEvent] }> }[];
  clock?: Clock;
  flushMs?: number;
  cap?: number;
  onError?: (err: unknown) => void;
}

/** Starts collecting; `stop()` detaches and writes what is left (waiting for the lock this once). */
export function createJobLogWriter(o: JobLogWriterOptions) {
  const store = createJobLogStore(o.db, o.cap);
  const clock = o.clock ?? { now: () => Date.now() };
  const flushMs = o.flushMs ?? 250;
  const onError = o.onError ?? ((err) => console.error('[job-log]', err));
  let buffer: JobLogEntry[] = [];
  let dropped = 0;
  let timer: NodeJS.Timeout | null = null;

  const arm = () => {
    if (timer) return;
    timer = setTimeout(() => flush(0), flushMs);
    timer.unref();
  };
  const bound = () => {
    if (buffer.length <= BUFFER_MAX) return;
    dropped += buffer.length - BUFFER_MAX;
    buffer = buffer.slice(-BUFFER_MAX);
  };
  const push = (line: JobLogEntry) => {
    buffer.push(line);
    bound();
    arm();
  };

  /** Writes the buffer; `waitMs` 0: give up at once if a worker holds the lock (the lines wait for the next flush). */
  function flush(waitMs: number | undefined): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!buffer.length) return;
    const batch = buffer;
    buffer = [];
    try {
      if (writeWaitingAtMost(o.db, waitMs, () => store.append(batch)) === 'busy') {
        buffer = [...batch, ...buffer];
        bound();
        arm();
      }
    } catch (err) {
      onError(err);
    }
  }

  const onQueue = (e: QueueEvent) => {
    const now = clock.now();
    const line = lifecycleLine(e, now);
    if (line) push({ ...line, at: now });
  };
  const onWorker = (e: SupervisorEvent) => {
    if (e.type !== 'log' || e.jobId === undefined) return;
    push({
      jobId: e.jobId,
      level: (LEVELS.includes(e.level) ? e.level : 'info') as JobLogLevel,
      message: e.message,
      code: e.code ?? null,
      at: clock.now(),
    });
  };
  o.queue.events.on('event', onQueue);
  for (const w of o.workers) w.events.on('event', onWorker);

  return {
    store,
    /** Writes buffered lines now (tests, and before the database closes). */
    flush: () => flush(undefined),
    /** Lines lost to a full buffer since start. */
    get dropped() {
      return dropped;
    },
    stop(): void {
      o.queue.events.off('event', onQueue);
      for (const w of o.workers) w.events.off('event', onWorker);
      flush(undefined);
    },
  };
}

export type JobLogWriter = ReturnType<typeof createJobLogWriter>;
