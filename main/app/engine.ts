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
}

/** The job engine the app (and later the CLI) runs: database, queue, recurring jobs, worker pool and scheduler. */
export async function createEngine(opts: EngineOptions): Promise<{ db: Db; queue: Queue; scheduler: Scheduler; stop(): Promise<void> }> {
  const db = openDatabase(opts.dbPath);
  const queue = createQueue({ db });
  const recurring = createRecurring({ db, queue, clock: { now: () => Date.now() } });
  const { entry, execArgv } = opts.workerEntry ?? defaultWorkerEntry();
  const pool = createWorkerPool(
    Array.from({ length: opts.workers ?? 2 }, (_, i) =>
      createSupervisor({ launcher: opts.launcher, spec: { name: `pallet-worker-${i}`, entry, execArgv, env: allowlistEnv(process.env) } }),
    ),
  );
  await pool.start();
  const scheduler = createScheduler({ queue, executor: pool, recurring });
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
