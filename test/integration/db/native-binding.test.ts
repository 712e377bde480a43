// PALLET_SQLITE_BINDING reaches every process and thread that opens the database: a good build opens as usual, a bad
// path fails there with a message naming the file.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBackgroundCheckpoints } from '../../../main/db/checkpoints.ts';
import { openDatabase } from '../../../main/db/open.ts';
import { createProductReader } from '../../../main/products/reader.ts';
import type { AnyKinds } from '../../../main/queue/kinds.ts';
import { createQueue, systemClock } from '../../../main/queue/queue.ts';
import { createScheduler } from '../../../main/queue/scheduler.ts';
import { createRecurring } from '../../../main/queue/recurring.ts';
import { createWorkerPool } from '../../../main/workers/pool.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { testSupervisor, waitFor } from '../../support/workers.ts';

const nodeBuild = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');

describe('PALLET_SQLITE_BINDING in threads and worker processes', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  const saved = process.env.PALLET_SQLITE_BINDING;
  afterEach(async () => {
    if (saved === undefined) delete process.env.PALLET_SQLITE_BINDING;
    else process.env.PALLET_SQLITE_BINDING = saved;
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A database made with the default build, and paths beside it: a copy of the Node build, and one that does not exist. */
  function setup() {
    const tmp = tempDbPath();
    const db = openDatabase(tmp.path);
    const good = join(tmp.dir, 'native', 'better_sqlite3.node');
    mkdirSync(join(tmp.dir, 'native'));
    copyFileSync(nodeBuild, good);
    cleanups.push(
      () => tmp.cleanup(),
      () => void db.close(),
    );
    return { tmp, db, good, bad: join(tmp.dir, 'missing', 'better_sqlite3.node') };
  }

  it('checkpoint thread: a good build runs; a bad path stops the thread with the file named', async () => {
    const { tmp, db, good, bad } = setup();
    process.env.PALLET_SQLITE_BINDING = good;
    const working = startBackgroundCheckpoints(db, tmp.path, { onError: (m) => expect.fail(m) });
    await working.ready;
    expect(working.running).toBe(true);
    expect(await working.now()).not.toBeNull();
    await working.stop();

    process.env.PALLET_SQLITE_BINDING = bad;
    const errors: string[] = [];
    const failing = startBackgroundCheckpoints(db, tmp.path, { onError: (m) => errors.push(m) });
    await failing.ready;
    await waitFor(() => errors.length > 0, 'the thread to fail');
    expect(failing.running).toBe(false);
    expect(errors[0]).toContain(`${bad} does not exist`);
    expect(errors[0]).toContain('npm run rebuild:electron');
    await failing.stop();
  });

  it('products reader thread: a good build answers; a bad path fails its calls with the file named', async () => {
    const { tmp, good, bad } = setup();
    process.env.PALLET_SQLITE_BINDING = good;
    const working = createProductReader(tmp.path);
    expect(await working.count({})).toBe(0);
    await working.close();

    process.env.PALLET_SQLITE_BINDING = bad;
    const failing = createProductReader(tmp.path);
    cleanups.push(() => failing.close());
    await expect(failing.count({})).rejects.toThrow(`${bad} does not exist`);
  });

  it('forked worker process: a good build runs a database job; a bad path fails it with the file named', async () => {
    const { tmp, db, good, bad } = setup();
    const queue = createQueue<AnyKinds>({ db, clock: systemClock, backoff: { baseMs: 50, maxMs: 200 } });
    const run = async (binding: string) => {
      // Only the worker gets the binding (through the allowlisted environment, as the app passes it).
      const sup = testSupervisor({}, { ...process.env, PALLET_SQLITE_BINDING: binding });
      const pool = createWorkerPool([sup]);
      await pool.start();
      const recurring = createRecurring({ db, queue, clock: systemClock });
      const scheduler = createScheduler({
        queue,
        executor: pool,
        recurring,
        tickMs: 50,
        leaseMs: 1_500,
        defaultConcurrency: 2,
      });
      scheduler.start();
      try {
        const job = queue.enqueue({ kind: 'ledger', payload: { n: 2, dbPath: tmp.path }, maxAttempts: 1 });
        await waitFor(() => ['completed', 'failed'].includes(queue.get(job.id).status), 'the job to end');
        return queue.get(job.id);
      } finally {
        await scheduler.drain(2_000);
      }
    };
    expect((await run(good)).result).toEqual({ steps: 2 });
    const failed = await run(bad);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toContain(`${bad} does not exist`);
  });
});
