// What an unfinished job waits for, from what the queue knows: its status and run_at, the queue-wide pause, the
// network, Amazon's rate limit (the job log's throttle lines), its kind's concurrency and the jobs ahead of it. The
// Jobs view's detail says it in plain words.
import type { Db } from '../db/open.ts';
import { RATE_LIMITED } from '../workers/runtime/throttle.ts';
import { createJobLogStore } from './job-log.ts';
import type { Job } from './types.ts';

export type WaitReason =
  | 'network'
  | 'rate_limit'
  | 'schedule'
  | 'retry'
  | 'paused'
  | 'queue_paused'
  | 'stopping'
  | 'concurrency'
  | 'turn'
  | 'worker';

/** Why a job is not running (or, for `stopping`, not running much longer); `until`: when it becomes due, if known. */
export interface JobWait {
  reason: WaitReason;
  text: string;
  until: number | null;
}

/** The facts about the queue a job's wait is derived from. */
export interface WaitFacts {
  now: number;
  queuePaused: boolean;
  online: boolean;
  /** Jobs of this job's kind running now, in any process. */
  runningOfKind: number;
  /** The kind's concurrency limit, if it has one (main/job-kinds.ts). */
  limit: number | undefined;
  /** Queued jobs of the same kind that would be claimed before this one. */
  ahead: number;
  /** Jobs running now, of any kind. */
  runningAll: number;
  /** When the job's calls were last rate-limited by Amazon (its log's throttle line), or null. */
  throttledAt: number | null;
}

/** How long after Amazon's last 429 a running job still counts as slowed by the rate limit. */
export const THROTTLE_FRESH_MS = 30_000;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What `job` waits for given `f`, or null when it waits for nothing (running, finished, or about to be claimed). */
export function jobWait(job: Job, f: WaitFacts): JobWait | null {
  switch (job.status) {
    case 'waiting_network':
      return {
        reason: 'network',
        text: f.online
          ? 'Waiting for the network: it is back, so the job returns to the queue at the next check.'
          : 'Waiting for the network: the computer is offline. It resumes by itself when the connection returns.',
        until: null,
      };
    case 'scheduled':
      return { reason: 'schedule', text: 'Scheduled to start later.', until: job.runAt };
    case 'retry_pending':
      return {
        reason: 'retry',
        text: `Waiting to retry after attempt ${job.attempts} of ${job.maxAttempts} failed (backoff).`,
        until: job.runAt,
      };
    case 'paused':
      return { reason: 'paused', text: 'Paused: it waits for you to resume it.', until: null };
    case 'running':
      if (job.cancelRequested || job.pauseRequested)
        return {
          reason: 'stopping',
          text: `${job.cancelRequested ? 'Cancelling' : 'Pausing'}: the task stops at its next checkpoint.`,
          until: null,
        };
      if (f.throttledAt !== null && f.now - f.throttledAt < THROTTLE_FRESH_MS)
        return {
          reason: 'rate_limit',
          text: "Amazon's rate limit: its calls were throttled (HTTP 429), so they go out at a slower pace for now.",
          until: null,
        };
      return null;
    case 'queued':
      if (f.queuePaused)
        return {
          reason: 'queue_paused',
          text: 'The queue is paused: nothing starts until you resume it.',
          until: null,
        };
      if (f.limit !== undefined && f.runningOfKind >= f.limit)
        return {
          reason: 'concurrency',
          text: `${plural(f.runningOfKind, 'job')} of this kind running, the most allowed at once (${f.limit}): it starts when one ends.`,
          until: null,
        };
      if (f.ahead > 0)
        return {
          reason: 'turn',
          text: `${plural(f.ahead, 'job')} of this kind ahead of it in the queue.`,
          until: null,
        };
      if (f.runningAll > 0) return { reason: 'worker', text: 'Waiting for a free worker.', until: null };
      return null;
    default:
      return null;
  }
}

/** Reads the facts `jobWait` needs from the database: indexed counts, and the job's own log for a throttle. */
export function createWaitFacts(db: Db) {
  const log = createJobLogStore(db);
  const stmt = {
    runningOfKind: db.prepare(`SELECT count(*) FROM jobs WHERE status = 'running' AND kind = ?`).pluck(),
    runningAll: db.prepare(`SELECT count(*) FROM jobs WHERE status = 'running'`).pluck(),
    // The claim order (priority DESC, id) over the claim index (migration 001's jobs_claim).
    ahead: db
      .prepare(
        `SELECT count(*) FROM jobs WHERE status = 'queued' AND kind = ? AND (priority > ? OR (priority = ? AND id < ?))`,
      )
      .pluck(),
  };
  return (
    job: Job,
    o: { now: number; queuePaused: boolean; online: boolean; limit: number | undefined },
  ): WaitFacts => ({
    ...o,
    runningOfKind: stmt.runningOfKind.get(job.kind) as number,
    runningAll: stmt.runningAll.get() as number,
    ahead: job.status === 'queued' ? (stmt.ahead.get(job.kind, job.priority, job.priority, job.id) as number) : 0,
    throttledAt: job.status === 'running' ? log.lastOf(job.id, RATE_LIMITED) : null,
  });
}
