// Reads of the jobs table that change nothing: one job, a page of jobs, counts.
import type { Db } from '../../db/open.ts';
import { jobFromRow, type JobRow } from '../rows.ts';
import type { KindCount, ListOptions } from '../interface.ts';
import { JOB_STATUSES, type Job, type JobStatus } from '../types.ts';
import { ACTIVE, DUE, type QueueContext } from './common.ts';

const ACTIVE_OF_KIND_SQL = `SELECT * FROM jobs WHERE kind = ? AND ${ACTIVE} ORDER BY id DESC`;
const COMPLETED_BETWEEN_SQL = `SELECT * FROM jobs WHERE kind = ? AND status = 'completed' AND id > ? AND id < ? ORDER BY id DESC`;

/** Unfinished jobs of one kind, newest first; for code that holds the database but no queue. */
export function activeJobsOfKind(db: Db, kind: string): Job[] {
  return (db.prepare(ACTIVE_OF_KIND_SQL).all(kind) as JobRow[]).map(jobFromRow);
}

/** Completed jobs of one kind with ids strictly between `afterId` and `beforeId`, newest first; as activeJobsOfKind. */
export function completedJobsBetween(db: Db, kind: string, afterId: number, beforeId: number): Job[] {
  return (db.prepare(COMPLETED_BETWEEN_SQL).all(kind, afterId, beforeId) as JobRow[]).map(jobFromRow);
}

/** Builds get, find, list, counts, queuedByKind, nextDueAt, activeOfKind and completedOfKindBetween. */
export function readOps(ctx: QueueContext) {
  const { db, shared } = ctx;
  const stmt = {
    counts: db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status'),
    queuedByKind: db.prepare(`SELECT kind, COUNT(*) AS n FROM jobs WHERE status = 'queued' GROUP BY kind`),
    nextDue: db.prepare(`SELECT MIN(run_at) FROM jobs WHERE ${DUE}`).pluck(),
    activeOfKind: db.prepare(ACTIVE_OF_KIND_SQL),
    completedBetween: db.prepare(COMPLETED_BETWEEN_SQL),
  };

  /** Lists jobs, newest first. */
  function list(opts: ListOptions = {}): Job[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.status) {
      where.push('status = ?');
      params.push(opts.status);
    }
    if (opts.kind) {
      where.push('kind = ?');
      params.push(opts.kind);
    }
    if (opts.beforeId !== undefined) {
      where.push('id < ?');
      params.push(opts.beforeId);
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    params.push(Math.max(1, Math.min(10_000, opts.limit ?? 100)));
    return (db.prepare(sql).all(...params) as JobRow[]).map(jobFromRow);
  }

  /** Job counts per status. */
  function counts(): Record<JobStatus, number> {
    const out = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    for (const r of stmt.counts.all() as { status: JobStatus; n: number }[]) out[r.status] = r.n;
    return out;
  }

  /** Queued jobs counted per kind. */
  function queuedByKind(): KindCount[] {
    return stmt.queuedByKind.all() as KindCount[];
  }

  /** When the earliest delayed job becomes due, or null; lets the scheduler sleep until then. */
  function nextDueAt(): number | null {
    return (stmt.nextDue.get() as number | null) ?? null;
  }

  /** Unfinished jobs of one kind, newest first. */
  function activeOfKind(kind: string): Job[] {
    return (stmt.activeOfKind.all(kind) as JobRow[]).map(jobFromRow);
  }

  /** Completed jobs of one kind with ids strictly between `afterId` and `beforeId`, newest first. */
  function completedOfKindBetween(kind: string, afterId: number, beforeId: number): Job[] {
    return (stmt.completedBetween.all(kind, afterId, beforeId) as JobRow[]).map(jobFromRow);
  }

  return {
    get: (id: number) => shared.mustGet(id),
    find: (id: number) => {
      const row = shared.get.get(id) as JobRow | undefined;
      return row ? jobFromRow(row) : null;
    },
    list,
    counts,
    queuedByKind,
    nextDueAt,
    activeOfKind,
    completedOfKindBetween,
  };
}
