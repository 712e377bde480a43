import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import type { AnyKinds } from '../../../main/queue/kinds.ts';
import { createQueue, systemClock } from '../../../main/queue/queue.ts';
import { createScheduler, type Scheduler } from '../../../main/queue/scheduler.ts';
import { createRecurring } from '../../../main/queue/recurring.ts';
import { createWorkerPool } from '../../../main/workers/pool.ts';
import type { Supervisor, SupervisorEvent } from '../../../main/workers/supervisor.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { testSupervisor, waitFor } from '../../support/workers.ts';

describe('supervised worker processes driven by the scheduler', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(
    supOpts: Parameters<typeof testSupervisor>[0] = {},
    leaseMs = 1_500,
    extra: Partial<Parameters<typeof createScheduler>[0]> = {},
  ) {
    const tmp = tempDbPath();
    const db = openDatabase(tmp.path);
    const queue = createQueue<AnyKinds>({ db, clock: systemClock, backoff: { baseMs: 50, maxMs: 200 } });
    const sup = testSupervisor(supOpts);
    const events: SupervisorEvent[] = [];
    sup.events.on('event', (e) => events.push(e));
    const pool = createWorkerPool([sup]);
    await pool.start();
    const recurring = createRecurring({ db, queue, clock: systemClock });
    const scheduler: Scheduler = createScheduler({
      queue,
      executor: pool,
      recurring,
      tickMs: 50,
      leaseMs,
      defaultConcurrency: 4,
      ...extra,
    });
    scheduler.start();
    cleanups.push(
      () => tmp.cleanup(),
      () => void db.close(),
      () => scheduler.drain(2_000),
    );
    return { queue, sup: sup as Supervisor, events, db, recurring };
  }

  it('runs jobs in a real worker process and reports progress', async () => {
    const { queue } = await setup();
    const job = queue.enqueue({ kind: 'count', payload: { n: 5, stepMs: 5 } });
    await waitFor(() => queue.get(job.id).status === 'completed', 'completion');
    const done = queue.get(job.id);
    expect(done.result).toEqual({ counted: 5, resumedFrom: 0, attempt: 1 });
    expect(done.progress).toMatchObject({ total: 5, done: 5 });
  });

  it('kill -9 of the worker mid-job: the job is retried, resumes from its checkpoint and completes once', async () => {
    const { queue, sup, events } = await setup();
    const job = queue.enqueue({ kind: 'count', payload: { n: 40, stepMs: 20 }, maxAttempts: 5 });
    await waitFor(() => ((queue.get(job.id).checkpoint as { i: number } | null)?.i ?? 0) >= 5, 'a checkpoint');
    process.kill(sup.pid!, 'SIGKILL');
    await waitFor(() => queue.get(job.id).status === 'completed', 'completion after the kill');
    const done = queue.get(job.id);
    const result = done.result as { counted: number; resumedFrom: number; attempt: number };
    expect(result.counted).toBe(40);
    expect(result.resumedFrom).toBeGreaterThanOrEqual(5);
    expect(result.attempt).toBe(2);
    expect(events.some((e) => e.type === 'crashed')).toBe(true);
    expect(queue.counts().completed).toBe(1);
  });

  it('cancel of a running job stops it in the worker and keeps its checkpoint', async () => {
    const { queue } = await setup();
    const job = queue.enqueue({ kind: 'count', payload: { n: 1000, stepMs: 10 } });
    await waitFor(() => queue.get(job.id).checkpoint !== null, 'a checkpoint');
    queue.cancel(job.id);
    await waitFor(() => queue.get(job.id).status === 'cancelled', 'cancellation');
    expect((queue.get(job.id).checkpoint as { i: number }).i).toBeGreaterThan(0);
  });

  it('a non-retryable task error fails the job at once with its message', async () => {
    const { queue } = await setup();
    const job = queue.enqueue({ kind: 'reject', maxAttempts: 5 });
    await waitFor(() => queue.get(job.id).status === 'failed', 'failure');
    expect(queue.get(job.id).error).toEqual({ code: 'bad_input', message: 'The file is not a CSV.', retryable: false });
  });

  it('a crash loop trips the breaker instead of restarting forever', async () => {
    const { queue, events } = await setup({ breakerCrashes: 3, breakerWindowMs: 60_000, breakerCooldownMs: 60_000 });
    queue.enqueueMany(Array.from({ length: 5 }, () => ({ kind: 'crash', maxAttempts: 10 })));
    await waitFor(() => events.some((e) => e.type === 'breaker_open'), 'the breaker');
    expect(events.filter((e) => e.type === 'crashed')).toHaveLength(3);
  });

  it('a worker that stops heartbeating is killed and its job retried', async () => {
    const { queue, events } = await setup({ heartbeatTimeoutMs: 500 });
    const job = queue.enqueue({ kind: 'hang', maxAttempts: 1 });
    await waitFor(() => queue.get(job.id).status === 'failed', 'the hung job to fail');
    expect(queue.get(job.id).error?.code).toBe('worker_crashed');
    expect(events.some((e) => e.type === 'crashed' && /heartbeat/.test(e.reason))).toBe(true);
  });

  it('passes workers an allowlisted environment, never secrets', async () => {
    process.env.PALLET_SPAPI_CLIENT_SECRET = 'shh';
    process.env.SOME_UNRELATED = 'x';
    const { queue } = await setup();
    const job = queue.enqueue({ kind: 'env' });
    await waitFor(() => queue.get(job.id).status === 'completed', 'completion');
    const keys = queue.get(job.id).result as string[];
    expect(keys).toContain('PALLET_HEARTBEAT_MS');
    expect(keys).not.toContain('PALLET_SPAPI_CLIENT_SECRET');
    expect(keys).not.toContain('SOME_UNRELATED');
    delete process.env.PALLET_SPAPI_CLIENT_SECRET;
    delete process.env.SOME_UNRELATED;
  });

  it('per-kind concurrency: never more running jobs of a kind than its limit', async () => {
    const { queue } = await setup({ capacity: 8 }, 1_500, { concurrency: { count: 2 } });
    let running = 0;
    let peak = 0;
    queue.events.on('event', (e) => {
      if (e.type === 'started') peak = Math.max(peak, ++running);
      if (e.type === 'completed') running--;
    });
    queue.enqueueMany(Array.from({ length: 6 }, () => ({ kind: 'count', payload: { n: 3, stepMs: 20 } })));
    await waitFor(() => queue.counts().completed === 6, 'all six');
    expect(peak).toBe(2);
  });

  it('pausing the whole queue makes running jobs yield with their checkpoint; resuming continues them', async () => {
    const { queue } = await setup();
    const job = queue.enqueue({ kind: 'count', payload: { n: 60, stepMs: 10 } });
    await waitFor(() => queue.get(job.id).checkpoint !== null, 'a checkpoint');
    queue.pauseAll();
    await waitFor(() => queue.get(job.id).status === 'queued', 'the yield');
    expect(queue.get(job.id).attempts).toBe(0);
    queue.resumeAll();
    await waitFor(() => queue.get(job.id).status === 'completed', 'completion');
    expect((queue.get(job.id).result as { resumedFrom: number }).resumedFrom).toBeGreaterThan(0);
  });

  it('a network failure parks the job without spending an attempt; it resumes when the network returns', async () => {
    const { queue } = await setup();
    const job = queue.enqueue({ kind: 'offline', maxAttempts: 1 });
    await waitFor(() => queue.get(job.id).status === 'waiting_network', 'waiting_network');
    expect(queue.get(job.id).attempts).toBe(0);
    queue.resumeWaitingNetwork();
    await waitFor(() => queue.get(job.id).status === 'completed', 'completion');
    expect(queue.get(job.id)).toMatchObject({ attempts: 1, result: { resumed: { half: true } } });
  });

  it('recurring jobs are enqueued by the scheduler and run', async () => {
    const { queue, recurring } = await setup();
    recurring.define({ name: 'sweep', kind: 'noop', intervalMs: 1_000 });
    await waitFor(
      () => queue.list({ status: 'completed' }).filter((j) => j.dedupeKey === 'recurring:sweep').length >= 2,
      'two sweeps',
      10_000,
    );
  });
});
