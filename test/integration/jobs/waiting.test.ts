// What a job waits for, derived from a real queue's state on a SQLite file: schedule, backoff, network, a paused job
// or queue, its kind's concurrency, the jobs ahead of it, a free worker, a stop under way.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyKinds } from '../../../main/queue/kinds.ts';
import { createJobLogStore } from '../../../main/queue/job-log.ts';
import { createWaitFacts, jobWait, THROTTLE_FRESH_MS } from '../../../main/queue/waiting.ts';
import { RATE_LIMITED } from '../../../main/workers/runtime/throttle.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

let t: TestQueue<AnyKinds>;
let facts: ReturnType<typeof createWaitFacts>;
beforeEach(() => {
  t = openTestQueue<AnyKinds>();
  facts = createWaitFacts(t.db);
});
afterEach(() => t.close());

/** The wait of job `id` as the IPC handler derives it. */
function waitOf(id: number, o: { online?: boolean; limit?: number } = {}) {
  const job = t.queue.get(id);
  return jobWait(
    job,
    facts(job, { now: t.clock.now(), queuePaused: t.queue.isPaused(), online: o.online ?? true, limit: o.limit }),
  );
}

describe('what a job waits for', () => {
  it('a delayed job waits for its start time, a failed attempt for its backoff', () => {
    const later = t.queue.enqueue({ kind: 'work', delayMs: 60_000 });
    expect(waitOf(later.id)).toEqual({
      reason: 'schedule',
      text: 'Scheduled to start later.',
      until: t.clock.now() + 60_000,
    });
    const flaky = t.queue.enqueue({ kind: 'flaky', maxAttempts: 3 });
    const [c] = t.queue.claim('flaky');
    const failed = t.queue.fail(c!.lease, { code: 'x', message: 'boom', retryable: true });
    expect(waitOf(flaky.id)).toMatchObject({ reason: 'retry', until: failed.runAt });
    expect(waitOf(flaky.id)!.text).toMatch(/attempt 1 of 3 failed/);
  });

  it('a job parked for the network says whether the computer is offline', () => {
    const j = t.queue.enqueue({ kind: 'net' });
    const [c] = t.queue.claim('net');
    t.queue.waitForNetwork(c!.lease);
    expect(waitOf(j.id, { online: false })).toMatchObject({ reason: 'network' });
    expect(waitOf(j.id, { online: false })!.text).toMatch(/offline/);
    expect(waitOf(j.id, { online: true })!.text).toMatch(/it is back/);
  });

  it('a paused job waits for the user; a queued one for a paused queue', () => {
    const a = t.queue.enqueue({ kind: 'work' });
    const b = t.queue.enqueue({ kind: 'work' });
    t.queue.pause(a.id);
    expect(waitOf(a.id)?.reason).toBe('paused');
    t.queue.pauseAll();
    expect(waitOf(b.id)?.reason).toBe('queue_paused');
    t.queue.resumeAll();
    expect(waitOf(b.id)).toBeNull();
  });

  it('a queued job waits for its kind’s limit, for the jobs ahead of it, then for a free worker', () => {
    const first = t.queue.enqueue({ kind: 'lookup' });
    const second = t.queue.enqueue({ kind: 'lookup' });
    const third = t.queue.enqueue({ kind: 'lookup' });
    const urgent = t.queue.enqueue({ kind: 'lookup', priority: 10 });
    // Nothing runs: the urgent one is next, the others wait their turn (claim order: priority, then age).
    expect(waitOf(urgent.id)).toBeNull();
    expect(waitOf(third.id)).toMatchObject({ reason: 'turn', text: '3 jobs of this kind ahead of it in the queue.' });
    t.queue.claim('lookup', { limit: 1 });
    expect(t.queue.get(urgent.id).status).toBe('running');
    expect(waitOf(first.id, { limit: 1 })).toMatchObject({ reason: 'concurrency' });
    expect(waitOf(first.id, { limit: 1 })!.text).toMatch(/^1 job of this kind running, the most allowed at once \(1\)/);
    // Without a limit for the kind: next in line, but a worker is busy.
    expect(waitOf(first.id)).toMatchObject({ reason: 'worker' });
    expect(waitOf(second.id)).toMatchObject({ reason: 'turn', text: '1 job of this kind ahead of it in the queue.' });
  });

  it('a running job waits for nothing, unless a cancel or pause is under way; a finished one for nothing', () => {
    const j = t.queue.enqueue({ kind: 'work' });
    const [c] = t.queue.claim('work');
    expect(waitOf(j.id)).toBeNull();
    t.queue.cancel(j.id);
    expect(waitOf(j.id)).toMatchObject({
      reason: 'stopping',
      text: 'Cancelling: the task stops at its next checkpoint.',
    });
    t.queue.release(c!.lease);
    expect(t.queue.get(j.id).status).toBe('cancelled');
    expect(waitOf(j.id)).toBeNull();
  });

  it('a running job whose calls Amazon throttled waits for the rate limit, until its last 429 is 30 s old', () => {
    const j = t.queue.enqueue({ kind: 'lookup' });
    t.queue.claim('lookup');
    const log = createJobLogStore(t.db);
    // A line without the code says nothing about the rate limit, whatever its words.
    log.append([{ jobId: j.id, level: 'warn', message: 'Amazon is slow today.', at: t.clock.now() }]);
    expect(waitOf(j.id)).toBeNull();
    log.append([
      { jobId: j.id, level: 'warn', message: 'Amazon is rate-limiting…', code: RATE_LIMITED, at: t.clock.now() },
    ]);
    expect(waitOf(j.id)).toMatchObject({ reason: 'rate_limit', until: null });
    t.clock.advance(THROTTLE_FRESH_MS - 1);
    expect(waitOf(j.id)?.reason).toBe('rate_limit');
    t.clock.advance(1);
    expect(waitOf(j.id)).toBeNull();
  });
});
