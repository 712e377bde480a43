// A queue owner in a process of its own, as the app's main or a `pallet` engine is: a queue and the scheduler over
// one database, running `work` jobs in this process until none is left unfinished, then draining and printing which
// runs it made. Each job takes `payload.steps` steps; every step writes an `effects` row in the same transaction as
// the checkpoint that covers it (as imports do), so a step that lands twice is visible in the table. A step lasts
// STEP_MS, or what the `knobs` table says (key 'stepMs'), so a test can hold jobs mid-run and then let them finish.
// `knobs` key 'hold' keeps it running with no work left.
// Usage: queue-owner.ts DB_PATH NAME [LEASE_MS] [STEP_MS]
import { openDatabase } from '../../main/db/open.ts';
import type { AnyKinds } from '../../main/queue/kinds.ts';
import { createQueue } from '../../main/queue/queue.ts';
import { createScheduler } from '../../main/queue/scheduler.ts';
import { createInProcessExecutor } from '../../main/workers/in-process.ts';

const [dbPath, name, leaseText, stepText] = process.argv.slice(2);
const leaseMs = Number(leaseText ?? 1000);
const stepMs = Number(stepText ?? 5);
const db = openDatabase(dbPath!);
const queue = createQueue<AnyKinds>({ db, leaseMs });
const runs: { jobId: number; from: number }[] = [];
const insert = db.prepare('INSERT INTO effects (job_id, step, by) VALUES (?, ?, ?)');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const knob = db.prepare(`SELECT value FROM knobs WHERE key = 'stepMs'`).pluck();
const stepLength = () => Number(knob.get() ?? stepMs);
// While 'hold' is set the owner stays even with nothing to do: a test starts owners first, then gives them work.
const held = db.prepare(`SELECT EXISTS (SELECT 1 FROM knobs WHERE key = 'hold')`).pluck();

const scheduler = createScheduler({
  queue,
  leaseMs,
  tickMs: 20,
  defaultConcurrency: 2,
  onError: (err) => process.stderr.write(`[${name}] ${String(err)}\n`),
  executor: createInProcessExecutor({
    work: async (ctx) => {
      const steps = (ctx.job.payload as { steps: number }).steps;
      const lease = { jobId: ctx.job.id, token: ctx.job.leaseToken };
      let step = ((ctx.job.checkpoint as { step?: number } | null)?.step ?? 0) + 1;
      runs.push({ jobId: ctx.job.id, from: step });
      for (; step <= steps; step++) {
        if (ctx.signal.aborted) return null;
        await sleep(stepLength());
        queue.checkpoint(lease, { step }, () => insert.run(ctx.job.id, step, name));
        ctx.progress({ total: steps, done: step });
      }
      return { by: name };
    },
  }),
});

process.stdout.write(`started ${queue.owner}\n`);
scheduler.start();
const unfinished = db
  .prepare(`SELECT COUNT(*) FROM jobs WHERE kind = 'work' AND status NOT IN ('completed', 'failed', 'cancelled')`)
  .pluck();
while ((unfinished.get() as number) > 0 || held.get()) await sleep(20);
await scheduler.drain(2000);
db.close();
process.stdout.write(`${JSON.stringify({ name, runs })}\n`);
