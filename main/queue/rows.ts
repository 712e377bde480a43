import type { Job, JobError, JobProgress, JobStatus } from './types.ts';

/** A jobs row as SQLite returns it. */
export interface JobRow {
  id: number;
  kind: string;
  status: JobStatus;
  priority: number;
  payload: string;
  progress: string | null;
  checkpoint: string | null;
  result: string | null;
  error: string | null;
  attempts: number;
  max_attempts: number;
  run_at: number;
  lease_owner: string | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  cancel_requested: number;
  pause_requested: number;
  parent_id: number | null;
  dedupe_key: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

function parse<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** Maps a row to the public Job shape; the lease token never leaves the queue this way. */
export function jobFromRow(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    priority: row.priority,
    payload: parse(row.payload),
    progress: parse<JobProgress>(row.progress),
    checkpoint: parse(row.checkpoint),
    result: parse(row.result),
    error: parse<JobError>(row.error),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    cancelRequested: row.cancel_requested === 1,
    pauseRequested: row.pause_requested === 1,
    parentId: row.parent_id,
    dedupeKey: row.dedupe_key,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
}

/**
 * What a claim returns: the columns a claim does not set itself. Status, lease, finish and update times are known
 * to the claimer, and converting fewer columns halves a claim's cost.
 */
export const CLAIM_RETURNING =
  'id, kind, priority, payload, progress, checkpoint, result, error, attempts, max_attempts, run_at, cancel_requested, pause_requested, parent_id, dedupe_key, created_at, started_at';
export type ClaimRow = [
  id: number,
  kind: string,
  priority: number,
  payload: string,
  progress: string | null,
  checkpoint: string | null,
  result: string | null,
  error: string | null,
  attempts: number,
  maxAttempts: number,
  runAt: number,
  cancelRequested: number,
  pauseRequested: number,
  parentId: number | null,
  dedupeKey: string | null,
  createdAt: number,
  startedAt: number | null,
];

/** Builds the running Job from a claim's row and the lease it was given. */
export function jobFromClaim(r: ClaimRow, lease: { owner: string; expiresAt: number; now: number }): Job {
  return {
    id: r[0],
    kind: r[1],
    status: 'running',
    priority: r[2],
    payload: parse(r[3]),
    progress: parse<JobProgress>(r[4]),
    checkpoint: parse(r[5]),
    result: parse(r[6]),
    error: parse<JobError>(r[7]),
    attempts: r[8],
    maxAttempts: r[9],
    runAt: r[10],
    leaseOwner: lease.owner,
    leaseExpiresAt: lease.expiresAt,
    cancelRequested: r[11] === 1,
    pauseRequested: r[12] === 1,
    parentId: r[13],
    dedupeKey: r[14],
    createdAt: r[15],
    startedAt: r[16],
    // A job is only ever queued with no finish time (release, retry and recovery clear it).
    finishedAt: null,
    updatedAt: lease.now,
  };
}

/** The columns a run can change while it holds the lease; a completion returns these. */
export const COMPLETE_RETURNING =
  'jobs.id, jobs.progress, jobs.checkpoint, jobs.cancel_requested, jobs.pause_requested';
export type CompleteRow = [
  id: number,
  progress: string | null,
  checkpoint: string | null,
  cancelRequested: number,
  pauseRequested: number,
];

/** The completed Job: the claim snapshot, what the run changed, and the completion itself. */
export function jobFromCompletion(claimed: Job, r: CompleteRow, result: unknown, now: number): Job {
  // As stored: through JSON (undefined and functions become null).
  const text = JSON.stringify(result);
  return {
    ...claimed,
    status: 'completed',
    progress: parse<JobProgress>(r[1]),
    checkpoint: parse(r[2]),
    result: text === undefined ? null : JSON.parse(text),
    error: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    cancelRequested: r[3] === 1,
    pauseRequested: r[4] === 1,
    finishedAt: now,
    updatedAt: now,
  };
}
