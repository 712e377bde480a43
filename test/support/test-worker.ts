// A worker entry with tasks that misbehave on purpose, run as a real child process by the tests.
import { startWorkerHost } from '../../main/workers/runtime/host.ts';
import { NetworkUnavailableError, TaskError } from '../../main/workers/runtime/task.ts';
import { openDatabase, type Db } from '../../main/db/open.ts';
import { createQueue, type Queue } from '../../main/queue/queue.ts';

let shared: { db: Db; queue: Queue } | null = null;
function dbAt(path: string) {
  if (!shared) {
    const db = openDatabase(path);
    db.exec('CREATE TABLE IF NOT EXISTS ledger (job_id INTEGER NOT NULL, step INTEGER NOT NULL)');
    shared = { db, queue: createQueue({ db }) };
  }
  return shared;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

startWorkerHost({
  noop: async () => null,
  // Counts to payload.n in steps, checkpointing each step; resumes from the checkpoint.
  count: async (ctx) => {
    const { n, stepMs } = ctx.job.payload as { n: number; stepMs: number };
    let i = (ctx.job.checkpoint as { i: number } | null)?.i ?? 0;
    const resumedFrom = i;
    while (i < n) {
      if (ctx.signal.aborted) return null;
      await sleep(stepMs, ctx.signal);
      if (ctx.signal.aborted) return null;
      i++;
      ctx.checkpoint({ i });
      ctx.progress({ total: n, done: i });
    }
    return { counted: i, resumedFrom, attempt: ctx.job.attempt };
  },
  crash: async () => process.exit(3),
  // Writes one ledger row per step in the same transaction as its checkpoint: a crash never loses or doubles a step.
  ledger: async (ctx) => {
    const { n, dbPath } = ctx.job.payload as { n: number; dbPath: string };
    const { queue } = dbAt(dbPath);
    const lease = { jobId: ctx.job.id, token: ctx.job.leaseToken };
    let i = (ctx.job.checkpoint as { i: number } | null)?.i ?? 0;
    while (i < n && !ctx.signal.aborted) {
      await sleep(1);
      const step = i;
      queue.checkpoint(
        lease,
        { i: step + 1 },
        (db) => void db.prepare('INSERT INTO ledger VALUES (?, ?)').run(ctx.job.id, step),
      );
      i = step + 1;
    }
    return { steps: i };
  },
  hang: async () => {
    const end = Date.now() + 60_000;
    while (Date.now() < end) {
      /* blocks the event loop: no heartbeats */
    }
    return null;
  },
  // Goes offline once, after saving progress; the second run resumes from the checkpoint.
  offline: async (ctx) => {
    if (ctx.job.checkpoint === null) {
      ctx.checkpoint({ half: true });
      throw new NetworkUnavailableError('connect ECONNREFUSED 127.0.0.1:9');
    }
    return { resumed: ctx.job.checkpoint };
  },
  env: async () => Object.keys(process.env).sort(),
  reject: async () => {
    throw new TaskError('bad_input', 'The file is not a CSV.', false);
  },
});
