import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../main/db/open.ts';
import type { AnyKinds } from '../../main/queue/kinds.ts';
import { createQueue, systemClock } from '../../main/queue/queue.ts';
import { createScheduler } from '../../main/queue/scheduler.ts';
import { createWorkerPool } from '../../main/workers/pool.ts';
import { testSupervisor, waitFor } from '../support/workers.ts';

/**
 * SIGKILLs worker processes at random moments while ledger jobs run, then counts lost and doubled work.
 * Each job writes one ledger row per step with its checkpoint in one transaction, so a correct queue shows 0 and 0.
 */
export async function runCrashBench(
  opts: { kills?: number; jobs?: number; steps?: number; log?: (l: string) => void } = {},
) {
  const kills = opts.kills ?? 100;
  const jobs = opts.jobs ?? 200;
  const steps = opts.steps ?? 20;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'pallet-crash-'));
  const dbPath = join(dir, 'crash.db');
  const db = openDatabase(dbPath);
  db.exec('CREATE TABLE IF NOT EXISTS ledger (job_id INTEGER NOT NULL, step INTEGER NOT NULL)');
  const queue = createQueue<AnyKinds>({ db, clock: systemClock, backoff: { baseMs: 10, maxMs: 50 } });
  const sups = [0, 1].map(() =>
    testSupervisor({ breakerCrashes: 10_000, restartBaseMs: 10, restartMaxMs: 50, capacity: 4 }),
  );
  const pool = createWorkerPool(sups);
  await pool.start();
  const scheduler = createScheduler({ queue, executor: pool, tickMs: 20, leaseMs: 2_000, concurrency: { ledger: 8 } });
  queue.enqueueMany(
    Array.from({ length: jobs }, () => ({ kind: 'ledger', payload: { n: steps, dbPath }, maxAttempts: 1_000 })),
  );
  scheduler.start();
  let done = 0;
  while (done < kills) {
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 60));
    const victim = sups[Math.floor(Math.random() * sups.length)]!;
    if (victim.state !== 'ready' || victim.pid === undefined) continue;
    const c = queue.counts();
    if (c.queued + c.running + c.retry_pending + c.scheduled === 0) {
      // Keep the trial meaningful: refill with more work until every kill landed mid-job.
      queue.enqueueMany(
        Array.from({ length: 20 }, () => ({ kind: 'ledger', payload: { n: steps, dbPath }, maxAttempts: 1_000 })),
      );
    }
    process.kill(victim.pid, 'SIGKILL');
    done++;
    if (done % 20 === 0) log(`${done} kills`);
  }
  const total = db.prepare('SELECT COUNT(*) FROM jobs').pluck().get() as number;
  await waitFor(() => queue.counts().completed === total, 'every job to complete', 120_000).catch(() => {});
  await scheduler.drain(2_000);
  const completed = queue.counts().completed;
  const doubled = db
    .prepare('SELECT COUNT(*) FROM (SELECT job_id, step FROM ledger GROUP BY job_id, step HAVING COUNT(*) > 1)')
    .pluck()
    .get() as number;
  const stepsWritten = db.prepare("SELECT COUNT(DISTINCT job_id || ':' || step) FROM ledger").pluck().get() as number;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    kills: done,
    jobs_total: total,
    jobs_completed: completed,
    lost_jobs: total - completed,
    lost_steps: total * steps - stepsWritten,
    doubled_steps: doubled,
  };
}
