import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';
import { openDatabase } from '../../../main/db/open.ts';
import { LeaseLostError, JobStateError } from '../../../main/queue/errors.ts';
import type { AnyKinds } from '../../../main/queue/kinds.ts';
import { CLAIM_PICK_SQL, createQueue, DUE_PICK_SQL } from '../../../main/queue/queue.ts';
import { createRecurring } from '../../../main/queue/recurring.ts';
import type { QueueEvent } from '../../../main/queue/types.ts';

describe('job queue on a real SQLite file', () => {
  let t: TestQueue<AnyKinds>;
  let events: QueueEvent[];
  beforeEach(() => {
    t = openTestQueue<AnyKinds>();
    events = [];
    t.queue.events.on('event', (e) => events.push(e));
  });
  afterEach(() => t.close());

  it.each(['cancel', 'pause'] as const)(
    'a %s of a running job asks its runner to stop before saving the request: a worker holding the write lock lets go',
    (action) => {
      const { queue, db } = t;
      const job = queue.enqueue({ kind: 'work', payload: {} });
      queue.claim('work');
      // Another connection (the worker) holds the write lock, and lets go only once asked to stop.
      const worker = openDatabase(t.path);
      db.pragma('busy_timeout = 200');
      try {
        worker.prepare('BEGIN IMMEDIATE').run();
        const onEvent = (e: QueueEvent) => {
          if (e.type === 'stop_requested' && worker.inTransaction) worker.prepare('COMMIT').run();
        };
        queue.events.on('event', onEvent);
        const after = action === 'cancel' ? queue.cancel(job.id) : queue.pause(job.id);
        queue.events.off('event', onEvent);
        expect(after).toMatchObject(action === 'cancel' ? { cancelRequested: true } : { pauseRequested: true });
        // Asked once, not again when the request is saved.
        expect(events.filter((e) => e.type === 'stop_requested')).toEqual([
          { type: 'stop_requested', jobId: job.id, reason: action },
        ]);
      } finally {
        worker.close();
      }
    },
  );

  it('claims by priority, then by age, with a lease and token', () => {
    const { queue } = t;
    const low = queue.enqueue({ kind: 'work', payload: { n: 1 } });
    const high = queue.enqueue({ kind: 'work', payload: { n: 2 }, priority: 5 });
    const low2 = queue.enqueue({ kind: 'work', payload: { n: 3 } });
    const got = queue.claim('work', { limit: 3 });
    expect(got.map((c) => c.job.id)).toEqual([high.id, low.id, low2.id]);
    expect(got[0]!.job.status).toBe('running');
    expect(got[0]!.job.attempts).toBe(1);
    expect(got[0]!.job.leaseExpiresAt).toBe(t.clock.now() + 30_000);
    expect(queue.claim('work')).toEqual([]);
    expect(events.some((e) => e.type === 'enqueued')).toBe(true);
  });

  it('the job a claim returns equals the stored row, also for a job resumed after a failed attempt', () => {
    const { queue, clock } = t;
    const parent = queue.enqueue({ kind: 'other' });
    const j = queue.enqueue({
      kind: 'work',
      payload: { file: 'a.csv', n: [1, 2] },
      priority: 3,
      maxAttempts: 4,
      parentId: parent.id,
      dedupeKey: 'd1',
    });
    let [c] = queue.claim('work');
    expect(c!.job).toEqual(queue.get(j.id));
    queue.progress(c!.lease, { total: 10, done: 4, note: 'half' });
    queue.checkpoint(c!.lease, { offset: 99 });
    queue.fail(c!.lease, { code: 'flaky', message: 'try again', retryable: true });
    clock.advance(10 * 60_000);
    [c] = queue.claim('work');
    expect(c!.job.attempts).toBe(2);
    expect(c!.job.checkpoint).toEqual({ offset: 99 });
    expect(c!.job.error).toEqual({ code: 'flaky', message: 'try again', retryable: true });
    expect(c!.job).toEqual(queue.get(j.id));
  });

  it('completeMany finishes a batch in one statement: each returned job equals the stored row; a lost lease gives null', () => {
    const { queue, clock } = t;
    queue.enqueueMany(Array.from({ length: 5 }, (_, i) => ({ kind: 'work', payload: i })));
    const claimed = queue.claim('work', { limit: 5 });
    queue.progress(claimed[1]!.lease, { done: 7 });
    queue.checkpoint(claimed[1]!.lease, { at: 7 });
    queue.cancel(claimed[2]!.job.id);
    clock.advance(5);
    const stale = { jobId: claimed[3]!.job.id, token: 'not-the-token' };
    const done = queue.completeMany([
      { lease: claimed[0]!.lease, result: { rows: 3, skipped: undefined }, job: claimed[0]!.job },
      { lease: claimed[1]!.lease, result: 'ok', job: claimed[1]!.job },
      { lease: claimed[2]!.lease, job: claimed[2]!.job },
      { lease: stale, result: 1, job: claimed[3]!.job },
      { lease: claimed[4]!.lease, result: [1, 'two'] },
    ]);
    expect(done[3]).toBeNull();
    for (const i of [0, 1, 2, 4]) expect(done[i]).toEqual(queue.get(claimed[i]!.job.id));
    expect(done.map((j) => j?.result ?? null)).toEqual([{ rows: 3 }, 'ok', null, null, [1, 'two']]);
    expect(done[1]!.progress!.done).toBe(7);
    expect(done[2]!.cancelRequested).toBe(true);
    expect(queue.get(claimed[3]!.job.id).status).toBe('running');
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(4);
  });

  it('never waits on the main thread for a write lock another process holds: empty claims and housekeeping read first, progress and renewals can skip', () => {
    const { queue, db, path } = t;
    db.pragma('busy_timeout = 3000');
    const j = queue.enqueue({ kind: 'work' });
    const [c] = queue.claim('work');
    const other = openDatabase(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const t0 = Date.now();
      expect(queue.claim('work')).toEqual([]); // nothing queued: no write transaction at all
      expect(queue.progress(c!.lease, { done: 3, note: 'busy' }, { waitMs: 0 })).toBe('busy');
      expect(queue.renew([c!.lease], 60_000, { waitMs: 0 })).toBe('busy');
      expect(queue.recoverExpired()).toBe(0); // nothing expired, nothing old to purge: reads only
      expect(queue.purgeFinished()).toBe(0);
      expect(Date.now() - t0).toBeLessThan(2000); // any one of them waiting would take the 3 s busy timeout
      const t1 = Date.now();
      expect(queue.progress(c!.lease, { done: 3 }, { waitMs: 60 })).toBe('busy'); // waits that long, no longer
      expect(Date.now() - t1).toBeGreaterThanOrEqual(40);
      expect(Date.now() - t1).toBeLessThan(2000);
      expect(queue.get(j.id).progress).toBeNull();
      expect(() => queue.enqueue({ kind: 'work' })).toThrow(/locked/); // a real write still waits, then says so
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(queue.progress(c!.lease, { done: 3, note: 'free' }, { waitMs: 0 })).toBe(true);
    expect(queue.get(j.id).progress).toMatchObject({ done: 3, note: 'free' });
    expect(db.pragma('busy_timeout', { simple: true })).toBe(3000);
  });

  it('does not start a job before run_at and promotes it when due', () => {
    const { queue, clock } = t;
    const j = queue.enqueue({ kind: 'work', delayMs: 5000 });
    expect(j.status).toBe('scheduled');
    expect(queue.claim('work')).toEqual([]);
    clock.advance(5000);
    expect(queue.claim('work').map((c) => c.job.id)).toEqual([j.id]);
  });

  it('batched enqueue inserts all in one transaction and returns ids in order', () => {
    const ids = t.queue.enqueueMany(Array.from({ length: 100 }, (_, i) => ({ kind: 'work', payload: i })));
    expect(ids).toHaveLength(100);
    expect(t.queue.get(ids[99]!).payload).toBe(99);
    expect(() => t.queue.enqueueMany([{ kind: 'work' }, { kind: 'Bad Kind!' }])).toThrow(/Job kind/);
    // Mixed chunks (multi-row inserts beside deduped single rows) still map every id to its own input.
    const mixed = Array.from({ length: 173 }, (_, i) => ({
      kind: 'work',
      payload: `m${i}`,
      ...(i === 60 ? { dedupeKey: 'k' } : {}),
    }));
    const mixedIds = t.queue.enqueueMany(mixed);
    mixedIds.forEach((id, i) => expect(t.queue.get(id).payload).toBe(`m${i}`));
    expect(new Set(mixedIds).size).toBe(173);
    expect(t.queue.counts().queued).toBe(273);
  });

  it('dedupe key: an unfinished job with the key is returned instead of a second one; after it finishes a new one is allowed', () => {
    const { queue } = t;
    const a = queue.enqueue({ kind: 'sweep', dedupeKey: 'sweep' });
    const b = queue.enqueue({ kind: 'sweep', dedupeKey: 'sweep' });
    expect(b.id).toBe(a.id);
    expect(b.deduped).toBe(true);
    const [c] = queue.claim('sweep');
    queue.complete(c!.lease, { ok: true });
    const d = queue.enqueue({ kind: 'sweep', dedupeKey: 'sweep' });
    expect(d.id).not.toBe(a.id);
  });

  it('a stale lease token can neither complete, fail, checkpoint nor report progress', () => {
    const { queue, clock } = t;
    queue.enqueue({ kind: 'work', maxAttempts: 5 });
    const [first] = queue.claim('work', { leaseMs: 1000 });
    clock.advance(1001);
    expect(queue.recoverExpired()).toBe(1);
    const [second] = queue.claim('work');
    expect(second!.job.id).toBe(first!.job.id);
    expect(() => queue.complete(first!.lease, 'stale')).toThrow(LeaseLostError);
    expect(() => queue.fail(first!.lease, { code: 'x', message: 'x', retryable: true })).toThrow(LeaseLostError);
    expect(() => queue.checkpoint(first!.lease, { at: 1 })).toThrow(LeaseLostError);
    expect(queue.progress(first!.lease, { done: 1 })).toBe(false);
    expect(queue.complete(second!.lease, 'fresh').result).toBe('fresh');
  });

  it('complete commits the job own writes and follow-ups in the same transaction, or none of them', () => {
    const { queue, db } = t;
    db.exec('CREATE TABLE effects (v TEXT)');
    queue.enqueue({ kind: 'work' });
    const [c] = queue.claim('work');
    expect(() =>
      queue.complete(c!.lease, null, {
        writes: (d) => {
          d.prepare('INSERT INTO effects VALUES (?)').run('a');
          throw new Error('write failed');
        },
      }),
    ).toThrow('write failed');
    expect(db.prepare('SELECT count(*) FROM effects').pluck().get()).toBe(0);
    expect(queue.get(c!.job.id).status).toBe('running');
    const done = queue.complete(
      c!.lease,
      { n: 1 },
      {
        writes: (d) => void d.prepare('INSERT INTO effects VALUES (?)').run('b'),
        followUps: [{ kind: 'next', payload: { from: c!.job.id } }],
      },
    );
    expect(done.status).toBe('completed');
    expect(db.prepare('SELECT v FROM effects').pluck().all()).toEqual(['b']);
    const [child] = queue.claim('next');
    expect(child!.job.parentId).toBe(c!.job.id);
  });

  it('checkpoint lands with its rows, and a stale lease rolls both back', () => {
    const { queue, db, clock } = t;
    db.exec('CREATE TABLE rows_ (v INTEGER)');
    queue.enqueue({ kind: 'work', maxAttempts: 3 });
    const [c] = queue.claim('work', { leaseMs: 1000 });
    queue.checkpoint(c!.lease, { offset: 10 }, (d) => void d.prepare('INSERT INTO rows_ VALUES (1)').run());
    clock.advance(2000);
    queue.recoverExpired();
    expect(() =>
      queue.checkpoint(c!.lease, { offset: 20 }, (d) => void d.prepare('INSERT INTO rows_ VALUES (2)').run()),
    ).toThrow(LeaseLostError);
    expect(db.prepare('SELECT v FROM rows_').pluck().all()).toEqual([1]);
    const [again] = queue.claim('work');
    expect(again!.job.checkpoint).toEqual({ offset: 10 });
  });

  it('retryable failures back off exponentially until max_attempts; non-retryable fail at once', () => {
    const { queue, clock } = t;
    const j = queue.enqueue({ kind: 'work', maxAttempts: 3 });
    const err = { code: 'flaky', message: 'try again', retryable: true };
    let [c] = queue.claim('work');
    let after = queue.fail(c!.lease, err);
    expect(after.status).toBe('retry_pending');
    expect(after.runAt - clock.now()).toBe(750); // base 1000, attempt 1, jitter 0.5 → 500 + 250
    expect(queue.claim('work')).toEqual([]);
    clock.advance(750);
    [c] = queue.claim('work');
    after = queue.fail(c!.lease, err);
    expect(after.runAt - clock.now()).toBe(1500);
    clock.advance(1500);
    [c] = queue.claim('work');
    after = queue.fail(c!.lease, err);
    expect(after.status).toBe('failed');
    expect(after.attempts).toBe(3);
    expect(after.error).toEqual(err);
    const k = queue.enqueue({ kind: 'work', maxAttempts: 3 });
    [c] = queue.claim('work');
    expect(queue.fail(c!.lease, { code: 'bad_input', message: 'no', retryable: false }).status).toBe('failed');
    expect(queue.get(k.id).attempts).toBe(1);
    expect(j.id).not.toBe(k.id);
  });

  it('cancel: waiting jobs at once; running jobs on request, ending cancelled with the checkpoint kept', () => {
    const { queue } = t;
    const waiting = queue.enqueue({ kind: 'work' });
    expect(queue.cancel(waiting.id).status).toBe('cancelled');
    const run = queue.enqueue({ kind: 'work' });
    const [c] = queue.claim('work');
    queue.checkpoint(c!.lease, { at: 7 });
    expect(queue.cancel(run.id).cancelRequested).toBe(true);
    expect(queue.stopRequests()).toEqual([{ jobId: run.id, reason: 'cancel' }]);
    const ended = queue.release(c!.lease);
    expect(ended.status).toBe('cancelled');
    expect(ended.checkpoint).toEqual({ at: 7 });
    expect(() => queue.cancel(run.id)).toThrow(JobStateError);
    expect(queue.retry(run.id).status).toBe('queued');
  });

  it('pause and resume one job, waiting or running; pause/resume the whole queue', () => {
    const { queue } = t;
    const a = queue.enqueue({ kind: 'work' });
    expect(queue.pause(a.id).status).toBe('paused');
    expect(queue.claim('work')).toEqual([]);
    expect(queue.resume(a.id).status).toBe('queued');
    const [c] = queue.claim('work');
    queue.pause(a.id);
    expect(queue.stopRequests()).toEqual([{ jobId: a.id, reason: 'pause' }]);
    const paused = queue.release(c!.lease);
    expect(paused.status).toBe('paused');
    expect(paused.attempts).toBe(0);
    queue.resume(a.id);
    queue.pauseAll();
    expect(queue.isPaused()).toBe(true);
    expect(queue.claim('work')).toEqual([]);
    queue.resumeAll();
    expect(queue.claim('work')).toHaveLength(1);
    expect(events.map((e) => e.type)).toContain('queue_paused');
  });

  it('waiting_network does not spend attempts and resumes when the network returns', () => {
    const { queue } = t;
    const j = queue.enqueue({ kind: 'lookup', maxAttempts: 1 });
    for (let i = 0; i < 3; i++) {
      const [c] = queue.claim('lookup');
      expect(queue.waitForNetwork(c!.lease).status).toBe('waiting_network');
      expect(queue.get(j.id).attempts).toBe(0);
      expect(queue.claim('lookup')).toEqual([]);
      expect(queue.resumeWaitingNetwork()).toBe(1);
    }
    expect(queue.get(j.id).status).toBe('queued');
  });

  it('progress persists counts and derives rate and ETA', () => {
    const { queue, clock } = t;
    queue.enqueue({ kind: 'work' });
    const [c] = queue.claim('work');
    queue.progress(c!.lease, { total: 1000, done: 0, note: 'starting' });
    clock.advance(1000);
    queue.progress(c!.lease, { done: 100, succeeded: 90, failed: 5, skipped: 5 });
    const p = queue.get(c!.job.id).progress!;
    expect(p).toMatchObject({
      total: 1000,
      done: 100,
      succeeded: 90,
      failed: 5,
      skipped: 5,
      note: 'starting',
      ratePerSec: 100,
      etaMs: 9000,
    });
  });

  it('recovery at boot requeues jobs of a dead owner at no attempt cost; expired leases count as an attempt', () => {
    const { queue, db, clock } = t;
    const other = createQueue<AnyKinds>({ db, clock, owner: 'somehost:1:dead' });
    const j = other.enqueue({ kind: 'work', maxAttempts: 2 });
    other.claim('work');
    expect(queue.recoverAtBoot(() => false)).toBe(1);
    expect(queue.get(j.id)).toMatchObject({ status: 'queued', attempts: 0 });
    other.claim('work', { leaseMs: 10 });
    clock.advance(11);
    queue.recoverExpired();
    expect(queue.get(j.id)).toMatchObject({ status: 'queued', attempts: 1 });
    other.claim('work', { leaseMs: 10 });
    clock.advance(11);
    queue.recoverExpired();
    expect(queue.get(j.id)).toMatchObject({ status: 'failed', error: { code: 'lease_expired' } });
  });

  it('retention removes finished jobs older than the window, and their errors', () => {
    const { queue, clock, db } = t;
    const old = queue.enqueue({ kind: 'work' });
    queue.addErrors(old.id, [{ rowNumber: 3, code: 'bad_gtin', message: 'check digit' }]);
    queue.cancel(old.id);
    clock.advance(8 * 24 * 3600_000);
    const fresh = queue.enqueue({ kind: 'work' });
    queue.cancel(fresh.id);
    const live = queue.enqueue({ kind: 'work' });
    expect(queue.purgeFinished()).toBe(1);
    expect(queue.find(old.id)).toBeNull();
    expect(queue.find(fresh.id)).not.toBeNull();
    expect(queue.find(live.id)).not.toBeNull();
    expect(db.prepare('SELECT count(*) FROM job_errors').pluck().get()).toBe(0);
  });

  it('recurring jobs enqueue once per interval and never twice while one is unfinished', () => {
    const { queue, db, clock } = t;
    const recurring = createRecurring({ db, queue, clock });
    recurring.define({ name: 'lookup-sweep', kind: 'sweep', intervalMs: 5 * 60_000 });
    expect(recurring.tick()).toHaveLength(1);
    expect(recurring.tick()).toHaveLength(0);
    clock.advance(5 * 60_000);
    expect(recurring.tick()).toHaveLength(0); // previous sweep still queued: deduped
    const [c] = queue.claim('sweep');
    queue.complete(c!.lease);
    clock.advance(5 * 60_000);
    expect(recurring.tick()).toHaveLength(1);
  });

  it("a recurring tick takes the write lock only when a job is due, and then need not wait for another process's", () => {
    const { queue, db, clock, path } = t;
    db.pragma('busy_timeout = 3000');
    const recurring = createRecurring({ db, queue, clock });
    recurring.define({ name: 'lookup-sweep', kind: 'sweep', intervalMs: 5 * 60_000 }, clock.now() + 60_000);
    const other = openDatabase(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const t0 = Date.now();
      expect(recurring.tick()).toEqual([]); // not due yet: reads only, even with the full busy timeout
      clock.advance(60_000);
      expect(recurring.tick({ waitMs: 0 })).toBe('busy'); // due, but the lock is taken: nothing enqueued
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(recurring.tick({ waitMs: 0 })).toHaveLength(1); // the next tick enqueues it
    expect(recurring.tick({ waitMs: 0 })).toEqual([]);
  });

  it('claims use the partial indexes, also beside many delayed jobs', () => {
    const { db, queue } = t;
    queue.enqueueMany(Array.from({ length: 2000 }, (_, i) => ({ kind: 'work', delayMs: 60_000 + i })));
    queue.enqueueMany(Array.from({ length: 10 }, () => ({ kind: 'work' })));
    db.exec('ANALYZE');
    const plan = (sql: string, ...args: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
    const claimPlan = plan(CLAIM_PICK_SQL, 'work', 1);
    expect(claimPlan).toMatch(/USING (COVERING )?INDEX jobs_claim/);
    expect(claimPlan).not.toMatch(/TEMP B-TREE/);
    const duePlan = plan(DUE_PICK_SQL, Date.now(), 10);
    expect(duePlan).toMatch(/USING (COVERING )?INDEX jobs_due/);
    expect(duePlan).not.toMatch(/TEMP B-TREE|MULTI-INDEX OR/);
    expect(queue.claim('work', { limit: 20 })).toHaveLength(10);
  });
});
