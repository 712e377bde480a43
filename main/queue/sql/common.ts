// What the operation files share: the state createQueue owns, the statements several of them use, and SQL fragments.
import type { Db } from '../../db/open.ts';
import type { BackoffPolicy } from '../backoff.ts';
import { JobNotFoundError, LeaseLostError } from '../errors.ts';
import type { Clock } from '../interface.ts';
import type { AnyKinds, EnqueueInputOf } from '../kinds.ts';
import { jobFromRow, type JobRow } from '../rows.ts';
import { ACTIVE_STATUSES, FINISHED_STATUSES, statusIsSql, type Job, type Lease, type QueueEvent } from '../types.ts';

export const ACTIVE = statusIsSql(ACTIVE_STATUSES);
export const DUE = statusIsSql(['scheduled', 'retry_pending']);
export const FINISHED = statusIsSql(FINISHED_STATUSES);
export const CLEAR_LEASE = 'lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL';

/** One job to enqueue as the operations see it: kinds are checked by the types only, at runtime each is a string. */
export type AnyEnqueueInput = EnqueueInputOf<AnyKinds>;

/** Serializes a value for a JSON column (undefined is stored as null). */
export function json(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}

/** The statements more than one operation file uses, prepared once per queue. */
export function prepareShared(db: Db) {
  const stmt = {
    get: db.prepare('SELECT * FROM jobs WHERE id = ?'),
    leased: db.prepare(`SELECT * FROM jobs WHERE id = ? AND lease_token = ? AND status = 'running'`),
    toFailed: db.prepare(
      `UPDATE jobs SET status = 'failed', error = ?, finished_at = ?, updated_at = ?, ${CLEAR_LEASE} WHERE id = ? RETURNING *`,
    ),
    // A stop, pause, yield or network wait is not the job's fault: the attempt counted at claim is refunded.
    release: db.prepare(
      `UPDATE jobs SET status = ?, attempts = MAX(0, attempts - 1), finished_at = ?, cancel_requested = 0, pause_requested = 0,
              updated_at = ?, ${CLEAR_LEASE} WHERE id = ? RETURNING *`,
    ),
    setStatus: db.prepare(
      `UPDATE jobs SET status = ?, finished_at = ?, cancel_requested = 0, pause_requested = 0, updated_at = ? WHERE id = ? RETURNING *`,
    ),
  };

  /** The job with this id; throws JobNotFoundError. */
  function mustGet(id: number): Job {
    const row = stmt.get.get(id) as JobRow | undefined;
    if (!row) throw new JobNotFoundError(id);
    return jobFromRow(row);
  }

  /** The row of the job this lease still holds; throws LeaseLostError. */
  function leasedRow(lease: Lease): JobRow {
    const row = stmt.leased.get(lease.jobId, lease.token) as JobRow | undefined;
    if (!row) throw new LeaseLostError(lease.jobId);
    return row;
  }

  return { ...stmt, mustGet, leasedRow };
}

export type SharedStatements = ReturnType<typeof prepareShared>;

/** What every operation file is built from: the database, the state createQueue owns and the shared statements. */
export interface QueueContext {
  db: Db;
  clock: Clock;
  owner: string;
  leaseMs: number;
  backoff: BackoffPolicy;
  defaultMaxAttempts: number;
  emit(e: QueueEvent): void;
  runStarts: Map<string, { at: number; done: number }>;
  shared: SharedStatements;
}
