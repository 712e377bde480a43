import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openWithCheckpoints } from '../db/checkpoints.ts';
import type { Db } from '../db/open.ts';
import { createQueue, type Queue } from '../queue/queue.ts';
import { createScheduler } from '../queue/scheduler.ts';
import { defaultWorkerEntry } from '../workers/entry-path.ts';
import { createInProcessExecutor } from '../workers/in-process.ts';
import { allowlistEnv } from '../workers/launcher.ts';
import { createNodeLauncher } from '../workers/node-launcher.ts';
import { createWorkerPool } from '../workers/pool.ts';
import { createSupervisor } from '../workers/supervisor.ts';
import type { JobExecutor } from '../queue/executor.ts';

export interface QueueBenchOptions {
  /** Pending jobs for the "large" claim measurement (1M by default). */
  largePending?: number;
  /** Smaller runs (the bench smoke); the defaults are what the README's figures were measured with. */
  sizes?: Partial<QueueBenchSizes>;
  log?: (line: string) => void;
}

export interface QueueBenchSizes {
  trials: number;
  warmupJobs: number;
  batchedJobs: number;
  singleJobs: number;
  e2eJobs: number;
  workerJobs: number;
  startSamples: number;
}

const FULL_SIZES: QueueBenchSizes = {
  trials: 5,
  warmupJobs: 50_000,
  batchedJobs: 200_000,
  singleJobs: 5_000,
  e2eJobs: 50_000,
  workerJobs: 20_000,
  startSamples: 50,
};

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** `{key: median, key_min, key_max}` of a rate measured over several trials, rounded. */
function spread(key: string, values: number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const base = key.replace(/_per_s$/, '');
  return {
    [key]: Math.round(median),
    [`${base}_min_per_s`]: Math.round(sorted[0]!),
    [`${base}_max_per_s`]: Math.round(sorted.at(-1)!),
  };
}

/** Runs `fn` on a queue over a fresh temporary database, removed afterwards. */
async function withDb<T>(fn: (db: Db, queue: Queue) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'pallet-bench-'));
  // As the engine opens it; the checkpoint thread's start-up (a module load) is over before any timed section.
  const { db, checkpoints } = await openWithCheckpoints(join(dir, 'bench.db'));
  try {
    return await fn(db, createQueue({ db }));
  } finally {
    await checkpoints.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function enqueueBatched(queue: Queue, total: number, extra: { delayMs?: number } = {}): void {
  const batch = 10_000;
  for (let done = 0; done < total; done += batch) {
    const n = Math.min(batch, total - done);
    queue.enqueueMany(Array.from({ length: n }, (_, i) => ({ kind: 'noop', payload: { i: done + i }, ...extra })));
  }
}

/** Claim latency (µs) of single claims from a queue already holding `pending` ready jobs. */
function claimLatencies(queue: Queue, samples: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const got = queue.claim('noop');
    out.push((performance.now() - t0) * 1000);
    if (got.length !== 1) throw new Error('bench: queue ran dry');
  }
  return out.sort((a, b) => a - b);
}

async function endToEnd(queue: Queue, executor: JobExecutor, jobs: number, concurrency: number): Promise<number> {
  enqueueBatched(queue, jobs);
  const scheduler = createScheduler({ queue, executor, concurrency: { noop: concurrency }, tickMs: 50 });
  const t0 = performance.now();
  // Count completions from events: polling counts() would scan the table and slow the very thing measured.
  await new Promise<void>((resolve) => {
    let completed = 0;
    queue.events.on('event', (e) => {
      if (e.type === 'completed' && ++completed === jobs) resolve();
    });
    scheduler.start();
  });
  const seconds = (performance.now() - t0) / 1000;
  await scheduler.drain(1000);
  return jobs / seconds;
}

function workerPool(count: number) {
  const { entry, execArgv, v8Flags } = defaultWorkerEntry();
  return createWorkerPool(
    Array.from({ length: count }, (_, i) =>
      createSupervisor({
        launcher: createNodeLauncher(),
        spec: { name: `bench-${i}`, entry, execArgv, v8Flags, env: allowlistEnv(process.env) },
        capacity: 64,
      }),
    ),
  );
}

/** Measures the queue: enqueue rates, end-to-end throughput, claim latency at 1k and 1M pending, enqueue-to-start. */
export async function runQueueBench(opts: QueueBenchOptions = {}): Promise<Record<string, number>> {
  const log = opts.log ?? (() => {});
  const large = opts.largePending ?? 1_000_000;
  const size: QueueBenchSizes = { ...FULL_SIZES, ...opts.sizes };
  const trials = size.trials;
  // Claim samples never exceed what was enqueued for them.
  const largeSamples = Math.min(1_000, large);
  const out: Record<string, number> = {};

  log('warm-up (untimed): lets the JIT compile the enqueue, claim and completion paths before any timing');
  await withDb(async (_db, queue) => {
    await endToEnd(queue, createInProcessExecutor({ noop: async () => null }, 512), size.warmupJobs, 512);
  });

  // Rates are the median of `trials` runs (5), each on a fresh database: one run of well under a second swings by ±30%
  // on a shared machine. The spread is printed beside them.
  log(`enqueue: batched and one at a time (${trials} trials each)`);
  const batched: number[] = [];
  const single: number[] = [];
  for (let t = 0; t < trials; t++) {
    await withDb((_db, queue) => {
      const n = size.batchedJobs;
      const t0 = performance.now();
      enqueueBatched(queue, n);
      batched.push(n / ((performance.now() - t0) / 1000));
      const m = size.singleJobs;
      const t1 = performance.now();
      for (let i = 0; i < m; i++) queue.enqueue({ kind: 'noop', payload: { i } });
      single.push(m / ((performance.now() - t1) / 1000));
    });
  }
  Object.assign(out, spread('enqueue_batched_per_s', batched), spread('enqueue_single_per_s', single));

  log('claim latency at 1k pending');
  await withDb((_db, queue) => {
    enqueueBatched(queue, 1_000 + 500);
    const lat = claimLatencies(queue, 500);
    out.claim_p50_us_1k = round(percentile(lat, 50));
    out.claim_p99_us_1k = round(percentile(lat, 99));
  });

  log(`claim latency at ${large} pending, then with ${large} delayed beside them`);
  await withDb((_db, queue) => {
    enqueueBatched(queue, large);
    let lat = claimLatencies(queue, largeSamples);
    out.claim_p50_us_1m = round(percentile(lat, 50));
    out.claim_p99_us_1m = round(percentile(lat, 99));
    enqueueBatched(queue, large, { delayMs: 3600_000 });
    lat = claimLatencies(queue, largeSamples);
    out.claim_p50_us_1m_with_1m_delayed = round(percentile(lat, 50));
    out.claim_p99_us_1m_with_1m_delayed = round(percentile(lat, 99));
  });
  out.claim_p50_growth_ratio_1k_to_1m = round(out.claim_p50_us_1m! / out.claim_p50_us_1k!, 2);
  out.claim_p50_growth_ratio_1k_to_1m_delayed = round(out.claim_p50_us_1m_with_1m_delayed! / out.claim_p50_us_1k!, 2);

  log(`end to end: no-op jobs, in-process (${trials} trials)`);
  const inProcess: number[] = [];
  for (let t = 0; t < trials; t++) {
    inProcess.push(
      await withDb((_db, queue) =>
        endToEnd(queue, createInProcessExecutor({ noop: async () => null }, 512), size.e2eJobs, 512),
      ),
    );
  }
  Object.assign(out, spread('e2e_inprocess_jobs_per_s', inProcess));

  log('end to end: no-op jobs through 2 worker processes');
  out.e2e_2workers_jobs_per_s = Math.round(
    await withDb(async (_db, queue) => {
      const pool = workerPool(2);
      await pool.start();
      return endToEnd(queue, pool, size.workerJobs, 128);
    }),
  );

  log('enqueue to start on an idle worker');
  out.enqueue_to_start_p50_ms = await withDb(async (_db, queue) => {
    const pool = workerPool(1);
    await pool.start();
    const scheduler = createScheduler({ queue, executor: pool, tickMs: 500 });
    scheduler.start();
    const samples: number[] = [];
    for (let i = 0; i < size.startSamples; i++) {
      const t0 = performance.now();
      const started = new Promise<void>((resolve) => {
        const on = (e: { type: string }) => {
          if (e.type === 'completed') {
            queue.events.off('event', on);
            resolve();
          }
        };
        queue.events.on('event', on);
      });
      queue.enqueue({ kind: 'noop' });
      await started;
      samples.push(performance.now() - t0);
    }
    await scheduler.drain(1000);
    return round(
      percentile(
        samples.sort((a, b) => a - b),
        50,
      ),
      2,
    );
  });
  return out;
}
