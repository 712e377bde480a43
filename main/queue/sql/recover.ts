// Recovery of runs their runner lost: leases that ran out, and jobs of owners gone when the app starts again.
import { ownerLooksAlive } from '../owner.ts';
import { jobFromRow, type JobRow } from '../rows.ts';
import type { Job, JobError } from '../types.ts';
import { json, type QueueContext } from './common.ts';

type Recovered = { job: Job; reason: 'lease_expired' | 'owner_gone' };

/** Builds recoverExpired and recoverAtBoot. */
export function recoverOps(ctx: QueueContext) {
  const { db, clock, owner, emit, runStarts, shared } = ctx;
  const stmt = {
    expired: db.prepare(
      `SELECT * FROM jobs WHERE status = 'running' AND lease_expires_at < ? ORDER BY lease_expires_at LIMIT 500`,
    ),
    anyExpired: db
      .prepare(`SELECT EXISTS (SELECT 1 FROM jobs WHERE status = 'running' AND lease_expires_at < ?)`)
      .pluck(),
    running: db.prepare(`SELECT * FROM jobs WHERE status = 'running'`),
    otherOwners: db
      .prepare(
        `SELECT DISTINCT lease_owner FROM jobs WHERE status = 'running' AND lease_owner IS NOT NULL AND lease_owner <> ?`,
      )
      .pluck(),
    runningOf: db.prepare(`SELECT * FROM jobs WHERE status = 'running' AND lease_owner = ?`),
  };

  function settleOrphan(row: JobRow, now: number, countsAsAttempt: boolean): Recovered {
    const reason = countsAsAttempt ? 'lease_expired' : 'owner_gone';
    if (row.cancel_requested)
      return { job: jobFromRow(shared.release.get('cancelled', now, now, row.id) as JobRow), reason };
    if (row.pause_requested)
      return { job: jobFromRow(shared.release.get('paused', null, now, row.id) as JobRow), reason };
    if (!countsAsAttempt) return { job: jobFromRow(shared.release.get('queued', null, now, row.id) as JobRow), reason };
    if (row.attempts >= row.max_attempts) {
      const error: JobError = {
        code: 'lease_expired',
        message: `The worker stopped responding on each of ${row.attempts} attempts.`,
        retryable: false,
      };
      return { job: jobFromRow(shared.toFailed.get(json(error), now, now, row.id) as JobRow), reason };
    }
    return { job: jobFromRow(shared.setStatus.get('queued', null, now, row.id) as JobRow), reason };
  }

  function announceRecovered(results: Recovered[]): void {
    for (const { job, reason } of results) {
      // The lost run never reports again: drop its rate baseline so the map cannot grow with crashes.
      for (const key of runStarts.keys()) if (key.startsWith(`${job.id}:`)) runStarts.delete(key);
      if (job.status === 'queued') emit({ type: 'requeued', job, reason });
      else if (job.status === 'failed') emit({ type: 'failed', job });
      else if (job.status === 'cancelled') emit({ type: 'cancelled', job });
      else if (job.status === 'paused') emit({ type: 'paused', job });
    }
  }

  const recoverExpiredTx = db.transaction((now: number, deadOwners: readonly string[]) => [
    ...deadOwners.flatMap((o) => (stmt.runningOf.all(o) as JobRow[]).map((row) => settleOrphan(row, now, false))),
    ...(stmt.expired.all(now) as JobRow[]).map((row) => settleOrphan(row, now, true)),
  ]);

  /**
   * Returns running jobs whose lease ran out to the queue (the attempt counts), and those of an owner process of this
   * machine that no longer exists (it does not: the job was not at fault); they resume from their checkpoint. The
   * owner check does not trust the wall clock: after the clock went back, a dead owner's lease would look fresh for
   * as long as the clock jumped.
   */
  function recoverExpired(isAlive: (owner: string) => boolean = ownerLooksAlive): number {
    const now = clock.now();
    const deadOwners = (stmt.otherOwners.all(owner) as string[]).filter((o) => !isAlive(o));
    // Housekeeping runs on main's event loop: with nothing to recover, never wait for a worker's write lock.
    if (deadOwners.length === 0 && !stmt.anyExpired.get(now)) return 0;
    const results = recoverExpiredTx.immediate(now, deadOwners);
    announceRecovered(results);
    return results.length;
  }

  const recoverBootTx = db.transaction((isAlive: (owner: string) => boolean, now: number) =>
    (stmt.running.all() as JobRow[])
      .filter((row) => row.lease_owner !== owner && (row.lease_owner === null || !isAlive(row.lease_owner)))
      .map((row) => settleOrphan(row, now, false)),
  );

  /**
   * At start-up: jobs leased by a process of this machine that no longer exists go straight back to `queued`
   * without spending an attempt (the app was killed, not the job); others wait for their lease to expire.
   */
  function recoverAtBoot(isAlive: (owner: string) => boolean = ownerLooksAlive): number {
    const results = recoverBootTx.immediate(isAlive, clock.now());
    announceRecovered(results);
    return results.length + recoverExpired(isAlive);
  }

  return { recoverExpired, recoverAtBoot };
}
