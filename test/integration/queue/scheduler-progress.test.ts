import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import type { AnyKinds } from '../../../main/queue/kinds.ts';
import { createQueue, type Queue } from '../../../main/queue/queue.ts';
import { createScheduler } from '../../../main/queue/scheduler.ts';
import { createInProcessExecutor } from '../../../main/workers/in-process.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';
import { waitFor } from '../../support/workers.ts';

describe('scheduler: progress while another process holds the write lock', () => {
  let t: TestQueue<AnyKinds>;
  let queue: Queue<AnyKinds>;
  beforeEach(() => {
    t = openTestQueue();
    queue = createQueue<AnyKinds>({ db: t.db });
  });
  afterEach(() => t.close());

  it('does not block on the lock: the latest progress (merged with the skipped one) is saved once it is free', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    let reported!: () => void;
    const sent = new Promise<void>((r) => (reported = r));
    const scheduler = createScheduler({
      queue,
      tickMs: 20,
      executor: createInProcessExecutor({
        work: async (ctx) => {
          await lockTaken;
          ctx.progress({ total: 10, note: 'first' });
          ctx.progress({ done: 4 });
          reported();
          await gate;
          return 'ok';
        },
      }),
    });
    const job = queue.enqueue({ kind: 'work' });
    const other = openDatabase(t.path);
    scheduler.start();
    await waitFor(() => queue.get(job.id).status === 'running', 'the job to start', 5000);
    other.exec('BEGIN IMMEDIATE');
    const t0 = Date.now();
    locked();
    await sent;
    expect(Date.now() - t0).toBeLessThan(1000); // not the 5 s busy timeout
    expect(queue.get(job.id).progress).toBeNull();
    other.exec('COMMIT');
    other.close();
    await waitFor(() => queue.get(job.id).progress?.done === 4, 'the progress to be saved', 5000);
    expect(queue.get(job.id).progress).toMatchObject({ total: 10, done: 4, note: 'first' });
    release();
    await waitFor(() => queue.get(job.id).status === 'completed', 'the job to complete', 5000);
    await scheduler.drain(1000);
  });
});
