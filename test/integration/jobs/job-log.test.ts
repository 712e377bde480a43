// Each job's log tail (job_logs, migration 014): the store's cap and tail on a real SQLite file, and the writer that
// fills it from the queue's lifecycle events and the workers' ctx.log lines, never blocking on another's write lock.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJobLogWriter, type JobLogWriter } from '../../../main/app/job-log-writer.ts';
import { openDatabase } from '../../../main/db/open.ts';
import { createJobLogStore, JOB_LOG_MESSAGE_MAX } from '../../../main/queue/job-log.ts';
import type { AnyKinds } from '../../../main/queue/kinds.ts';
import type { SupervisorEvent } from '../../../main/workers/supervisor.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';
import { waitFor } from '../../support/workers.ts';

let t: TestQueue<AnyKinds>;
beforeEach(() => {
  t = openTestQueue<AnyKinds>();
});
afterEach(() => t.close());

describe('the job log store', () => {
  it('keeps the newest `cap` lines per job, oldest first, and leaves other jobs alone', () => {
    const a = t.queue.enqueue({ kind: 'work' });
    const b = t.queue.enqueue({ kind: 'work' });
    const store = createJobLogStore(t.db, 5);
    store.append(
      Array.from({ length: 12 }, (_, i) => ({ jobId: a.id, level: 'info' as const, message: `a${i}`, at: i })),
    );
    store.append([{ jobId: b.id, level: 'warn', message: 'b0', at: 100 }]);
    expect(store.tail(a.id, 50).map((l) => l.message)).toEqual(['a7', 'a8', 'a9', 'a10', 'a11']);
    expect(store.tail(a.id, 2).map((l) => l.message)).toEqual(['a10', 'a11']);
    expect(store.tail(b.id)).toEqual([{ level: 'warn', message: 'b0', at: 100 }]);
    expect(t.db.prepare('SELECT count(*) FROM job_logs WHERE job_id = ?').pluck().get(a.id)).toBe(5);
  });

  it('drops lines of a job that is gone, cuts long messages, and loses a job’s lines with the job', () => {
    const a = t.queue.enqueue({ kind: 'work' });
    const store = createJobLogStore(t.db);
    store.append([
      { jobId: 999_999, level: 'info', message: 'nobody', at: 1 },
      { jobId: a.id, level: 'error', message: 'x'.repeat(JOB_LOG_MESSAGE_MAX + 500), at: 2 },
    ]);
    const [line] = store.tail(a.id);
    expect(line!.message.length).toBe(JOB_LOG_MESSAGE_MAX + 1);
    expect(t.db.prepare('SELECT count(*) FROM job_logs').pluck().get()).toBe(1);
    const [c] = t.queue.claim('work');
    t.queue.complete(c!.lease);
    t.clock.advance(8 * 24 * 3600_000);
    expect(t.queue.purgeFinished()).toBe(1);
    expect(t.db.prepare('SELECT count(*) FROM job_logs').pluck().get()).toBe(0);
  });

  it('refuses a cap that is not a whole number ≥ 1', () => {
    expect(() => createJobLogStore(t.db, 0)).toThrow(/cap must be a whole number ≥ 1, not 0/);
  });
});

describe('the job log writer', () => {
  let writer: JobLogWriter;
  const worker = { events: new EventEmitter<{ event: [SupervisorEvent] }>() };
  afterEach(() => writer.stop());

  it('records a run’s lifecycle and its task’s ctx.log lines under the job', () => {
    writer = createJobLogWriter({ db: t.db, queue: t.queue, workers: [worker], clock: t.clock, flushMs: 60_000 });
    const job = t.queue.enqueue({ kind: 'work', maxAttempts: 2 });
    let [c] = t.queue.claim('work');
    worker.events.emit('event', {
      type: 'log',
      level: 'warn',
      message: 'Column "Cost" holds text in 3 rows.',
      jobId: job.id,
    });
    // A worker line about no job, and one of an unknown level, are not a job's log (the second is kept as info).
    worker.events.emit('event', { type: 'log', level: 'error', message: 'worker-wide' });
    worker.events.emit('event', { type: 'log', level: 'loud', message: 'odd level', jobId: job.id });
    worker.events.emit('event', {
      type: 'log',
      level: 'warn',
      message: 'Throttled.',
      jobId: job.id,
      code: 'rate_limited',
    });
    t.queue.fail(c!.lease, { code: 'flaky', message: 'The supplier server hung up.', retryable: true });
    t.clock.advance(60_000);
    [c] = t.queue.claim('work');
    t.queue.waitForNetwork(c!.lease);
    t.queue.resumeWaitingNetwork();
    [c] = t.queue.claim('work');
    t.queue.fail(c!.lease, { code: 'flaky', message: 'Still hung up.', retryable: true });
    writer.flush();
    expect(writer.store.lastOf(job.id, 'rate_limited')).toBe(t.clock.now() - 60_000);
    expect(writer.store.lastOf(job.id, 'other')).toBeNull();
    const lines = writer.store.tail(job.id).map((l) => `${l.level}: ${l.message}`);
    expect(lines).toEqual([
      'info: Attempt 1 of 2 started.',
      'warn: Column "Cost" holds text in 3 rows.',
      'info: odd level',
      'warn: Throttled.',
      expect.stringMatching(/^warn: Attempt 1 failed: The supplier server hung up\. Retrying in \d+ s\.$/),
      'info: Attempt 2 of 2 started.',
      'warn: The network is unreachable: waiting for it (this does not count as an attempt).',
      'info: Back in the queue: the network is back.',
      'info: Attempt 2 of 2 started.',
      'error: Failed: Still hung up.',
    ]);
  });

  it('keeps its lines while another connection holds the write lock, and writes them once it is free', async () => {
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    writer = createJobLogWriter({ db: t.db, queue: t.queue, workers: [worker], clock: t.clock, flushMs: 5, onError });
    const job = t.queue.enqueue({ kind: 'work' });
    t.queue.pause(job.id);
    // Taken before the flush timer fires: the flush finds it taken. Had it waited out the busy timeout instead, it
    // would have failed and lost the line (and held this thread, so the sleep below would not end first).
    const other = openDatabase(t.path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await new Promise((r) => setTimeout(r, 50));
      expect(other.prepare('SELECT count(*) FROM job_logs').pluck().get()).toBe(0);
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    await waitFor(() => writer.store.tail(job.id).length === 1, 'the paused line to be written');
    expect(writer.store.tail(job.id)[0]!.message).toBe('Paused.');
    expect(errors).toEqual([]);
  });
});
