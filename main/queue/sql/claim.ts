// claim: promotes due jobs and leases the head of one kind's queue, in one IMMEDIATE transaction.
import { randomUUID } from 'node:crypto';
import { CLAIM_RETURNING, jobFromClaim, type ClaimRow } from '../rows.ts';
import type { ClaimOptions } from '../interface.ts';
import type { ClaimedJob } from '../types.ts';
import { DUE, type QueueContext } from './common.ts';

/** The claim path's two reads, exported so a test can check they run on the partial indexes. */
export const CLAIM_PICK_SQL = `SELECT id FROM jobs WHERE status = 'queued' AND kind = ? ORDER BY priority DESC, id LIMIT ?`;
export const DUE_PICK_SQL = `SELECT id FROM jobs WHERE ${DUE} AND run_at <= ? ORDER BY run_at LIMIT ?`;
const PROMOTE_BATCH = 1000;

/** Builds claim. */
export function claimOps(ctx: QueueContext) {
  const { db, clock, owner, leaseMs, emit } = ctx;
  const stmt = {
    isPaused: db.prepare(`SELECT value FROM queue_state WHERE key = 'paused'`).pluck(),
    hasWork: db
      .prepare(
        `SELECT EXISTS (${CLAIM_PICK_SQL.replace('id LIMIT ?', 'id')}) OR EXISTS (${DUE_PICK_SQL.replace('run_at LIMIT ?', 'run_at')})`,
      )
      .pluck(),
    promote: db.prepare(
      `UPDATE jobs SET status = 'queued', updated_at = ?
       WHERE id IN (${DUE_PICK_SQL.replace('LIMIT ?', `LIMIT ${PROMOTE_BATCH}`)})`,
    ),
    claim: db
      .prepare(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = ?, lease_token = ?, lease_expires_at = ?,
              started_at = COALESCE(started_at, ?), updated_at = ?
       WHERE id IN (${CLAIM_PICK_SQL})
       RETURNING ${CLAIM_RETURNING}`,
      )
      .raw(true),
  };

  const claimTx = db.transaction((kind: string, limit: number, ownerId: string, lease: number, now: number) => {
    if (stmt.isPaused.get() === '1') return [];
    stmt.promote.run(now, now);
    const token = randomUUID();
    const rows = stmt.claim.all(ownerId, token, now + lease, now, now, kind, limit) as ClaimRow[];
    const jobs = rows.map((row) => jobFromClaim(row, { owner: ownerId, expiresAt: now + lease, now }));
    jobs.sort((a, b) => b.priority - a.priority || a.id - b.id);
    return jobs.map((job) => ({ job, lease: { jobId: job.id, token } }));
  });

  /** Atomically leases up to `limit` ready jobs of one kind, highest priority first. */
  function claim(kind: string, opts: ClaimOptions = {}): ClaimedJob[] {
    const limit = Math.max(1, Math.min(1000, Math.floor(opts.limit ?? 1)));
    const now = clock.now();
    // A read first: with nothing to claim, never wait for the write lock a worker may hold (a main-thread stall).
    if (!stmt.hasWork.get(kind, now)) return [];
    // IMMEDIATE: take the write lock up front so two processes never both read the same head of the queue.
    const claimed = claimTx.immediate(kind, limit, owner, opts.leaseMs ?? leaseMs, now);
    for (const c of claimed) emit({ type: 'started', job: c.job });
    return claimed;
  }

  return { claim };
}
