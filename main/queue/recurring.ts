import { writeWaitingAtMost } from '../db/busy.ts';
import type { Db } from '../db/open.ts';
import type { Clock, Queue } from './interface.ts';
import { recurringKey, type AnyKinds } from './kinds.ts';

export interface RecurringDefinition {
  /** Stable name, e.g. `lookup-sweep`; also the dedupe key, so one sweep is never queued twice. */
  name: string;
  kind: string;
  payload?: unknown;
  priority?: number;
  intervalMs: number;
}

interface RecurringRow {
  name: string;
  kind: string;
  payload: string;
  priority: number;
  interval_ms: number;
  next_run_at: number;
}

/** Recurring jobs (e.g. the 5-minute lookup sweep), safe when several processes tick at once. */
export function createRecurring(deps: { db: Db; queue: Queue<AnyKinds>; clock: Clock }) {
  const { db, queue, clock } = deps;
  const upsert = db.prepare(
    `INSERT INTO recurring_jobs (name, kind, payload, priority, interval_ms, next_run_at, enabled) VALUES (?, ?, ?, ?, ?, ?, 1)
     ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, payload = excluded.payload, priority = excluded.priority,
       next_run_at = CASE WHEN interval_ms = excluded.interval_ms THEN next_run_at ELSE MIN(next_run_at, excluded.next_run_at) END,
       interval_ms = excluded.interval_ms, enabled = 1`,
  );
  const due = db.prepare('SELECT * FROM recurring_jobs WHERE enabled = 1 AND next_run_at <= ?');
  const advance = db.prepare('UPDATE recurring_jobs SET next_run_at = ? WHERE name = ? AND next_run_at = ?');
  const remove = db.prepare('DELETE FROM recurring_jobs WHERE name = ?');
  const nextAt = db.prepare('SELECT MIN(next_run_at) FROM recurring_jobs WHERE enabled = 1').pluck();
  // A next run further away than one interval can only come from a clock that went back (next_run_at was set from the
  // clock before the jump): left alone, the sweep would pause for as long as the clock jumped.
  const tooFar = db
    .prepare('SELECT EXISTS (SELECT 1 FROM recurring_jobs WHERE enabled = 1 AND next_run_at > ? + interval_ms)')
    .pluck();
  const pullIn = db.prepare(
    'UPDATE recurring_jobs SET next_run_at = ? + interval_ms WHERE enabled = 1 AND next_run_at > ? + interval_ms',
  );

  /**
   * Defines or updates a recurring job; the first run is due at once unless `firstRunAt` says otherwise (at most one
   * interval away: a later one is taken for a clock that went back, and pulled in).
   */
  function define(def: RecurringDefinition, firstRunAt = clock.now()): void {
    if (!/^[a-z0-9][a-z0-9_.:-]{0,99}$/i.test(def.name))
      throw new TypeError(`Invalid recurring job name ${JSON.stringify(def.name)}.`);
    if (!Number.isFinite(def.intervalMs) || def.intervalMs < 1000)
      throw new TypeError('A recurring interval must be at least 1 second.');
    upsert.run(
      def.name,
      def.kind,
      JSON.stringify(def.payload ?? null),
      def.priority ?? 0,
      Math.round(def.intervalMs),
      firstRunAt,
    );
  }

  const tickTx = db.transaction((now: number) => {
    const enqueued: number[] = [];
    for (const r of due.all(now) as RecurringRow[]) {
      // Compare-and-set on next_run_at: if another process advanced it first, it also enqueued.
      if (advance.run(now + r.interval_ms, r.name, r.next_run_at).changes !== 1) continue;
      const job = queue.enqueue({
        kind: r.kind,
        payload: JSON.parse(r.payload),
        priority: r.priority,
        dedupeKey: recurringKey(r.name),
      });
      if (!job.deduped) enqueued.push(job.id);
    }
    return enqueued;
  });

  return {
    define,
    undefine: (name: string) => remove.run(name).changes > 0,
    /**
     * Enqueues every recurring job that is due; returns the new job ids. Takes the write lock only when one is due,
     * and then waits at most `waitMs` for it ('busy': nothing enqueued, the next tick tries again).
     */
    tick: (opts: { waitMs?: number } = {}): number[] | 'busy' => {
      const now = clock.now();
      if (tooFar.get(now)) {
        if (writeWaitingAtMost(db, opts.waitMs, () => pullIn.run(now, now)) === 'busy') return 'busy';
      }
      const next = nextAt.get() as number | null;
      if (next === null || next > now) return [];
      return writeWaitingAtMost(db, opts.waitMs, () => tickTx.immediate(now));
    },
    nextRunAt: (): number | null => (nextAt.get() as number | null) ?? null,
  };
}

export type Recurring = ReturnType<typeof createRecurring>;
