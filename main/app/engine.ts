import { openDatabase, type Db } from '../db/open.ts';
import { createQueue, type Queue } from '../queue/queue.ts';
import { createRecurring } from '../queue/recurring.ts';
import { createScheduler, type Scheduler } from '../queue/scheduler.ts';
import { defaultWorkerEntry } from '../workers/entry-path.ts';
import { allowlistEnv, type ProcessLauncher } from '../workers/launcher.ts';
import { createWorkerPool } from '../workers/pool.ts';
import { createSupervisor } from '../workers/supervisor.ts';

export interface EngineOptions {
  dbPath: string;
  launcher: ProcessLauncher;
  workers?: number;
  workerEntry?: { entry: string; execArgv: string[] };
  /** Restricts the kinds this engine claims; default all. */
  kinds?: readonly string[];
  concurrency?: Record<string, number>;
}

/** The job engine the app and the CLI run: database, queue, recurring jobs, worker pool and scheduler. */
export async function createEngine(opts: EngineOptions): Promise<{ db: Db; queue: Queue; scheduler: Scheduler; stop(): Promise<void> }> {
  const db = openDatabase(opts.dbPath);
  const queue = createQueue({ db });
  const recurring = createRecurring({ db, queue, clock: { now: () => Date.now() } });
  const { entry, execArgv } = opts.workerEntry ?? defaultWorkerEntry();
  const pool = createWorkerPool(
    Array.from({ length: opts.workers ?? 2 }, (_, i) =>
      createSupervisor({ launcher: opts.launcher, spec: { name: `pallet-worker-${i}`, entry, execArgv, env: { ...allowlistEnv(process.env), PALLET_DB_PATH: opts.dbPath } } }),
    ),
  );
  await pool.start();
  const scheduler = createScheduler({ queue, executor: pool, recurring, kinds: opts.kinds, concurrency: opts.concurrency });
  scheduler.start();
  return {
    db,
    queue,
    scheduler,
    async stop() {
      await scheduler.drain();
      db.close();
    },
  };
}
