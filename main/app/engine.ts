import { openWithCheckpoints } from '../db/checkpoints.ts';
import type { Db } from '../db/open.ts';
import { releaseStagingOnEnd, sweepStaging } from '../imports/staging-files.ts';
import { kindConcurrency } from '../job-kinds.ts';
import { createQueue, systemClock, type Queue, type QueueOptions } from '../queue/queue.ts';
import { createRecurring, type Recurring } from '../queue/recurring.ts';
import { createScheduler, type Scheduler, type SchedulerOptions } from '../queue/scheduler.ts';
import { defaultWorkerEntry, type WorkerEntry } from '../workers/entry-path.ts';
import { allowlistEnv, type ProcessLauncher } from '../workers/launcher.ts';
import { createWorkerPool } from '../workers/pool.ts';
import { createSupervisor, type Supervisor, type SupervisorOptions } from '../workers/supervisor.ts';
import type { NetworkPort } from '../ports.ts';
import type { Job, QueueEvent } from '../queue/types.ts';
import { createJobLogWriter } from './job-log-writer.ts';
import { createNetworkWatch } from './network-watch.ts';

export interface EngineOptions {
  dbPath: string;
  launcher: ProcessLauncher;
  workers?: number;
  workerEntry?: WorkerEntry;
  /** An installed app: development-only endpoints are not passed to workers (see DEVELOPMENT_ONLY_ENV). */
  packaged?: boolean;
  /** Restricts the kinds this engine claims; default all. */
  kinds?: readonly string[];
  concurrency?: Record<string, number>;
  /** Tuning for tests and benchmarks (lease length, backoff, restart delays). */
  queue?: Partial<Omit<QueueOptions, 'db'>>;
  scheduler?: Partial<Omit<SchedulerOptions, 'queue' | 'executor' | 'recurring'>>;
  supervisor?: Partial<Omit<SupervisorOptions, 'launcher' | 'spec'>>;
  /** Credentials for workers (from the secrets port), sent over the protocol, never through env. */
  secrets?: () => Record<string, string>;
  /** The OS's online/offline signal; without it, jobs waiting for the network are brought back by probing alone. */
  network?: NetworkPort;
}

export interface Engine {
  db: Db;
  queue: Queue;
  scheduler: Scheduler;
  workers: readonly Supervisor[];
  recurring: Recurring;
  /** Jobs this engine put back in the queue at start because the process that ran them died (or its lease ran out). */
  recovered: readonly Job[];
  /** Hands every worker the current credentials (after the user stored or removed them in Settings). */
  refreshSecrets(): void;
  stop(): Promise<void>;
}

/** The "keep finished jobs (days)" setting as the scheduler's retention. */
export const retentionMsOf = (days: number): number => days * 24 * 3600_000;

/** The job engine the app and the CLI run: database, queue, recurring jobs, worker pool and scheduler. */
export async function createEngine(opts: EngineOptions): Promise<Engine> {
  // Checkpoints (and their fsyncs) run on a thread of their own, not inside this process's commits.
  const { db, checkpoints } = await openWithCheckpoints(opts.dbPath);
  const queue = createQueue({ db, ...opts.queue });
  // One clock for leases and recurring due times (a test's, through `queue.clock`), so both see the same jumps.
  const recurring = createRecurring({ db, queue, clock: opts.queue?.clock ?? systemClock });
  // Staging files beside the database: those of imports that ended while no engine watched (a crash, a cancel from
  // another process) go now, and each import's as it ends from here on.
  sweepStaging(db, opts.dbPath);
  const stopStagingRelease = releaseStagingOnEnd(queue, db, opts.dbPath);
  const { entry, execArgv, v8Flags } = opts.workerEntry ?? defaultWorkerEntry();
  // Workers open the same database file; they learn its path from their (allowlisted) environment.
  // glibc's per-thread malloc arenas fragment under libvips' many short-lived image buffers (sharp's docs advise
  // capping them): two arenas cut an images worker's peak RSS by ~15% for ~10% of its speed (images bench).
  const env = {
    ...allowlistEnv(process.env, [], { packaged: opts.packaged }),
    MALLOC_ARENA_MAX: '2',
    PALLET_DB_PATH: opts.dbPath,
  };
  const workers = Array.from({ length: opts.workers ?? 2 }, (_, i) =>
    createSupervisor({
      ...opts.supervisor,
      secrets: opts.secrets,
      launcher: opts.launcher,
      spec: { name: `pallet-worker-${i}`, entry, execArgv, v8Flags, env },
    }),
  );
  const pool = createWorkerPool(workers);
  await pool.start();
  // One lookup job at a time: the provider's rate limit is per account, and each worker holds its own bucket.
  // One images job at a time: they share one work list (and the per-host limits live inside a job).
  const scheduler = createScheduler({
    ...opts.scheduler,
    queue,
    executor: pool,
    recurring,
    kinds: opts.kinds,
    concurrency: { ...kindConcurrency(), ...opts.concurrency },
  });
  // Each job's log tail (the Jobs view's detail): its task's ctx.log lines and the queue's lifecycle lines.
  const jobLog = createJobLogWriter({ db, queue, workers, clock: opts.queue?.clock });
  // The scheduler recovers dead owners' jobs as it starts: collect them so a command can say what it took over.
  const recovered: Job[] = [];
  const onRecovered = (e: QueueEvent) => {
    if (e.type === 'requeued' && (e.reason === 'owner_gone' || e.reason === 'lease_expired')) recovered.push(e.job);
  };
  queue.events.on('event', onRecovered);
  scheduler.start();
  queue.events.off('event', onRecovered);
  const networkWatch = createNetworkWatch({ queue, network: opts.network });
  networkWatch.start();
  return {
    db,
    queue,
    scheduler,
    workers,
    recurring,
    recovered,
    refreshSecrets: () => workers.forEach((w) => w.refreshSecrets()),
    async stop() {
      networkWatch.stop();
      await scheduler.drain();
      jobLog.stop();
      stopStagingRelease();
      await checkpoints.stop();
      db.close();
    },
  };
}
