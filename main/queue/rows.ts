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
