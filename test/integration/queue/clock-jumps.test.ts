// Wall-clock jumps (issue 24): a laptop's sleep and wake moves Date.now() forward at once, an NTP correction or a
// changed time zone setting can move it back. Leases and the recurring sweep read the clock; these tests move a
// shared manual clock under two queues (two connections to one real SQLite file, as two processes would hold) and
// show that no lease is stolen from a run that is alive here, no job's writes land twice, a dead owner's job is
// not stuck behind a lease that looks fresh, and the sweep fires once per due time in either direction.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { LeaseLostError } from '../../../main/queue/errors.ts';
import type { JobExecutor, RunOutcome } from '../../../main/queue/executor.ts';
import type { AnyKinds } from '../../../main/queue/kinds.ts';
import { createQueue, type Queue } from '../../../main/queue/queue.ts';
import { createRecurring } from '../../../main/queue/recurring.ts';
import { createScheduler } from '../../../main/queue/scheduler.ts';
import type { Lease } from '../../../main/queue/types.ts';
import { manualClock, tempDbPath } from '../../support/temp-db.ts';
import { waitFor } from '../../support/workers.ts';

const LEASE = 30_000;
const HOURS = 3600_000;

let tmp: ReturnType<typeof tempDbPath>;
let clock: ReturnType<typeof manualClock>;
let dbs: Db[];
beforeEach(() => {
  tmp = tempDbPath();
  clock = manualClock();
  dbs = [];
  const setup = openDatabase(tmp.path);
  setup.exec('CREATE TABLE effects (job_id INTEGER NOT NULL, step INTEGER NOT NULL, by TEXT NOT NULL)');
  setup.close();
});
afterEach(() => {
  for (const db of dbs) db.close();
  tmp.cleanup();
});

/** Another "process": its own connection and queue (its own owner id), on the shared file and clock. */
function owner(ownerId?: string): Queue<AnyKinds> {
  const db = openDatabase(tmp.path);
  dbs.push(db);
  return createQueue<AnyKinds>({ db, clock, leaseMs: LEASE, ...(ownerId ? { owner: ownerId } : {}) });
}

/** A checkpoint with the rows it covers, as tasks write them: both land or neither. */
function step(q: Queue<AnyKinds>, lease: Lease, n: number, by: string): void {
  q.checkpoint(lease, { step: n }, (db) =>
    db.prepare('INSERT INTO effects (job_id, step, by) VALUES (?, ?, ?)').run(lease.jobId, n, by),
  );
}

const effects = (q: Queue<AnyKinds>) => q.db.prepare('SELECT step, by FROM effects ORDER BY step').all();

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

/** An executor whose runs last until the test finishes or stops them; it counts runs and stop requests. */
function heldExecutor() {
  const runs: number[] = [];
  const stops: { jobId: number; reason: string }[] = [];
  const pending = new Map<number, (o: RunOutcome) => void>();
  const executor: JobExecutor = {
    kinds: () => ['work'],
    freeSlots: () => 4,
    run: (job) => {
      runs.push(job.id);
      return new Promise((resolve) => pending.set(job.id, resolve));
    },
    stop: (jobId, reason) => {
      stops.push({ jobId, reason });
      pending.get(jobId)?.({ type: 'stopped' });
    },
    isAlive: () => true,
    shutdown: async () => {},
  };
  return { executor, runs, stops, finish: (id: number) => pending.get(id)?.({ type: 'done', result: 'ok' }) };
}

describe('clock jumps forward (sleep and wake)', () => {
  it('a lease another process takes over after the jump leaves the old holder unable to save or finish', () => {
    const a = owner();
    const b = owner();
    const job = a.enqueue({ kind: 'work' });
    const [held] = a.claim('work');
    step(a, held!.lease, 1, 'a');

    clock.advance(5 * HOURS); // every lease now looks expired
    expect(b.recoverExpired()).toBe(1);
    const [taken] = b.claim('work');
    expect(taken!.job.id).toBe(job.id);
    expect(taken!.job.checkpoint).toEqual({ step: 1 }); // resumes where the old holder got to

    // The old holder wakes and carries on: its rows roll back with its checkpoint, its completion is refused.
    expect(() => step(a, held!.lease, 2, 'a')).toThrow(LeaseLostError);
    expect(() => a.complete(held!.lease, 'a')).toThrow(LeaseLostError);
    expect(a.progress(held!.lease, { done: 2 })).toBe(false);
    step(b, taken!.lease, 2, 'b');
    b.complete(taken!.lease, 'b');

    expect(effects(a)).toEqual([
      { step: 1, by: 'a' },
      { step: 2, by: 'b' },
    ]);
    expect(a.get(job.id)).toMatchObject({ status: 'completed', result: 'b', attempts: 2 });
  });

  it("the holder's own housekeeping after the wake renews its live leases instead of requeueing and re-running them", async () => {
    const q = owner();
    const held = heldExecutor();
    const scheduler = createScheduler({ queue: q, executor: held.executor, leaseMs: LEASE, tickMs: 60_000 });
    const job = q.enqueue({ kind: 'work' });
    scheduler.start();
    await waitFor(() => held.runs.length === 1, 'the job to start');
    const before = q.get(job.id);

    clock.advance(5 * HOURS);
    scheduler.housekeeping(); // what the housekeeping timer does when it fires first after the wake
    scheduler.tick();

    const after = q.get(job.id);
    expect(after).toMatchObject({ status: 'running', attempts: 1, leaseOwner: q.owner });
    expect(after.leaseExpiresAt).toBe(clock.now() + LEASE);
    expect(before.leaseExpiresAt).toBeLessThan(clock.now());
    expect(held.runs).toEqual([job.id]); // never started a second time
    held.finish(job.id);
    await waitFor(() => q.get(job.id).status === 'completed', 'the job to complete');
    await scheduler.drain(1000);
  });

  it('a holder whose lease another process took stops its run (it could not save it anyway)', async () => {
    const a = owner();
    const b = owner();
    const held = heldExecutor();
    const scheduler = createScheduler({ queue: a, executor: held.executor, leaseMs: LEASE, tickMs: 60_000 });
    const job = a.enqueue({ kind: 'work' });
    scheduler.start();
    await waitFor(() => held.runs.length === 1, 'the job to start');

    clock.advance(5 * HOURS);
    expect(b.recoverExpired()).toBe(1); // the other process's sweep fired first
    const [taken] = b.claim('work');
    scheduler.housekeeping();

    expect(held.stops).toEqual([{ jobId: job.id, reason: 'yield' }]);
    await waitFor(() => scheduler.runningCount() === 0, 'the stopped run to settle');
    // Its release was refused: the job stays b's, running, and ends once.
    expect(a.get(job.id)).toMatchObject({ status: 'running', leaseOwner: b.owner });
    b.complete(taken!.lease, 'b');
    expect(a.get(job.id)).toMatchObject({ status: 'completed', result: 'b' });
    await scheduler.drain(1000);
  });

  it('the recurring sweep fires once after the jump, however many intervals were missed and however many processes tick', () => {
    const a = owner();
    const b = owner();
    const ra = createRecurring({ db: a.db, queue: a, clock });
    const rb = createRecurring({ db: b.db, queue: b, clock });
    ra.define({ name: 'lookup-sweep', kind: 'sweep', intervalMs: 5 * 60_000 });
    rb.define({ name: 'lookup-sweep', kind: 'sweep', intervalMs: 5 * 60_000 });
    expect(ra.tick()).toHaveLength(1);
    expect(rb.tick()).toEqual([]);
    const [first] = a.claim('sweep');
    a.complete(first!.lease); // finished: its dedupe key no longer hides a second sweep

    clock.advance(10 * HOURS); // 120 intervals missed
    const fired = [...(rb.tick() as number[]), ...(ra.tick() as number[]), ...(rb.tick() as number[])];
    expect(fired).toHaveLength(1);
    expect(a.list({ kind: 'sweep' })).toHaveLength(2);
    expect(ra.nextRunAt()).toBe(clock.now() + 5 * 60_000);
  });
});

describe('clock jumps backward', () => {
  it('a live lease stays held: renewed against the new time, never claimable by another process', () => {
    const a = owner();
    const b = owner();
    const job = a.enqueue({ kind: 'work' });
    const [held] = a.claim('work');
    clock.advance(-2 * HOURS);
    expect(a.renew([held!.lease])).toBe(1);
    expect(a.get(job.id).leaseExpiresAt).toBe(clock.now() + LEASE);
    clock.advance(LEASE - 1);
    expect(b.recoverExpired()).toBe(0);
    expect(b.claim('work')).toEqual([]);
    step(a, held!.lease, 1, 'a');
    a.complete(held!.lease, 'a');
    expect(b.get(job.id)).toMatchObject({ status: 'completed', attempts: 1 });
    expect(effects(a)).toEqual([{ step: 1, by: 'a' }]);
  });

  it("a dead owner's job is recovered at once, not when its lease (pushed hours away by the jump) runs out", () => {
    const dead = owner(`${hostname()}:${deadPid()}:deadbeef`);
    const b = owner();
    const job = dead.enqueue({ kind: 'work' });
    const [held] = dead.claim('work');
    step(dead, held!.lease, 1, 'dead');
    clock.advance(-2 * HOURS); // its lease now looks good for two more hours

    expect(b.recoverExpired()).toBe(1);
    expect(b.get(job.id)).toMatchObject({ status: 'queued', attempts: 0, checkpoint: { step: 1 } });
    const [taken] = b.claim('work');
    expect(() => step(dead, held!.lease, 2, 'dead')).toThrow(LeaseLostError);
    step(b, taken!.lease, 2, 'b');
    b.complete(taken!.lease);
    expect(effects(b)).toEqual([
      { step: 1, by: 'dead' },
      { step: 2, by: 'b' },
    ]);
  });

  it('an owner that is alive keeps its lease through the same sweep', () => {
    const a = owner();
    const b = owner();
    a.enqueue({ kind: 'work' });
    a.claim('work');
    clock.advance(-2 * HOURS);
    expect(b.recoverExpired()).toBe(0);
  });

  it('the recurring sweep is not silenced for the hours the clock went back, and still fires once', () => {
    const a = owner();
    const b = owner();
    const ra = createRecurring({ db: a.db, queue: a, clock });
    const rb = createRecurring({ db: b.db, queue: b, clock });
    ra.define({ name: 'lookup-sweep', kind: 'sweep', intervalMs: 5 * 60_000 });
    expect(ra.tick()).toHaveLength(1);
    const [first] = a.claim('sweep');
    a.complete(first!.lease);

    clock.advance(-3 * HOURS);
    expect(ra.tick()).toEqual([]);
    expect(ra.nextRunAt()).toBe(clock.now() + 5 * 60_000); // pulled in from 3 h away
    clock.advance(5 * 60_000);
    const fired = [...(rb.tick() as number[]), ...(ra.tick() as number[])];
    expect(fired).toHaveLength(1);
    expect(a.list({ kind: 'sweep' })).toHaveLength(2);
  });
});
