// What a run writes while it holds its lease: renewals, progress and checkpoints.
import { writeWaitingAtMost } from '../../db/busy.ts';
import type { Db } from '../../db/open.ts';
import { LeaseLostError } from '../errors.ts';
import type { WaitOptions } from '../interface.ts';
import type { JobRow } from '../rows.ts';
import type { JobProgress, Lease, ProgressUpdate } from '../types.ts';
import { json, type QueueContext } from './common.ts';

/** Builds renew, progress, checkpoint and checkpointAfter. */
export function leaseOps(ctx: QueueContext) {
  const { db, clock, leaseMs, emit, runStarts, shared } = ctx;
  const stmt = {
    renew: db.prepare(`UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_token = ? AND status = 'running'`),
    progress: db.prepare(
      `UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ? AND lease_token = ? AND status = 'running'`,
    ),
    checkpoint: db.prepare(
      `UPDATE jobs SET checkpoint = ?, updated_at = ? WHERE id = ? AND lease_token = ? AND status = 'running'`,
    ),
  };

  const renewTx = db.transaction((leases: readonly Lease[], until: number) =>
    leases.reduce((n, l) => n + stmt.renew.run(until, l.jobId, l.token).changes, 0),
  );

  /** Extends the leases of jobs still held; returns how many were renewed ('busy' as for progress with `waitMs`). */
  function renew(leases: readonly Lease[], ms = leaseMs, opts: WaitOptions = {}): number | 'busy' {
    if (leases.length === 0) return 0;
    const until = clock.now() + ms;
    return writeWaitingAtMost(db, opts.waitMs, () => renewTx(leases, until));
  }

  /**
   * Persists progress; derives rate and ETA from this run's start. Returns false if the lease is gone, and 'busy'
   * (nothing saved) when another process held the write lock for longer than `waitMs`.
   */
  function progress(lease: Lease, update: ProgressUpdate, opts: WaitOptions = {}): boolean | 'busy' {
    const now = clock.now();
    const row = shared.leased.get(lease.jobId, lease.token) as JobRow | undefined;
    if (!row) return false;
    const prev = row.progress ? (JSON.parse(row.progress) as JobProgress) : null;
    const p: JobProgress = {
      total: update.total !== undefined ? update.total : (prev?.total ?? null),
      done: update.done ?? prev?.done ?? 0,
      succeeded: update.succeeded ?? prev?.succeeded ?? 0,
      failed: update.failed ?? prev?.failed ?? 0,
      skipped: update.skipped ?? prev?.skipped ?? 0,
      note: update.note !== undefined ? update.note : (prev?.note ?? null),
      ratePerSec: null,
      etaMs: null,
      updatedAt: now,
    };
    const key = `${lease.jobId}:${lease.token}`;
    let start = runStarts.get(key);
    if (!start) {
      start = { at: now, done: p.done };
      runStarts.set(key, start);
    }
    const elapsed = now - start.at;
    if (elapsed > 0 && p.done > start.done) {
      p.ratePerSec = ((p.done - start.done) * 1000) / elapsed;
      if (p.total !== null) p.etaMs = Math.max(0, Math.round(((p.total - p.done) / p.ratePerSec) * 1000));
    }
    const text = JSON.stringify(p);
    if (writeWaitingAtMost(db, opts.waitMs, () => stmt.progress.run(text, now, lease.jobId, lease.token)) === 'busy')
      return 'busy';
    emit({ type: 'progress', jobId: lease.jobId, progress: p });
    return true;
  }

  const checkpointTx = db.transaction((lease: Lease, writes: (db: Db) => unknown) => {
    const state = writes(db);
    const info = stmt.checkpoint.run(json(state), clock.now(), lease.jobId, lease.token);
    // Throwing rolls back the caller's writes too: rows and checkpoint land together or not at all.
    if (info.changes !== 1) throw new LeaseLostError(lease.jobId);
    return state;
  });

  /** Saves resume state, optionally in the same transaction as the rows it covers. Throws LeaseLostError. */
  function checkpoint(lease: Lease, state: unknown, writes?: (db: Db) => void): void {
    checkpointTx.immediate(lease, (tx) => (writes?.(tx), state));
    emit({ type: 'checkpoint', jobId: lease.jobId });
  }

  /** Runs `writes` and saves the resume state it returns in one transaction (state that depends on the writes). */
  function checkpointAfter<T>(lease: Lease, writes: (db: Db) => T): T {
    const state = checkpointTx.immediate(lease, writes) as T;
    emit({ type: 'checkpoint', jobId: lease.jobId });
    return state;
  }

  return { renew, progress, checkpoint, checkpointAfter };
}
