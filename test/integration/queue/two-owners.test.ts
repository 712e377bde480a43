// Two owners, one file (issue 24): two queue owners in processes of their own (test/support/queue-owner.ts: the
// queue and the scheduler as the app's main and `pallet` engines run them) share one database; a third process, the
// real `pallet` CLI, watches and pauses. Leases keep every claim exclusive, the CLI sees an owner's progress, a pause
// from the CLI is honoured by the owner running the job, and SIGKILL of an owner mid-job loses nothing: the other
// owner, or a restart, finishes every job with each step's rows written exactly once.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import type { AnyKinds } from '../../../main/queue/kinds.ts';
import { createQueue, type Queue } from '../../../main/queue/queue.ts';
import { tsxLoader } from '../../../main/workers/entry-path.ts';
import { cli } from '../../support/cli.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { waitFor } from '../../support/workers.ts';

const OWNER = fileURLToPath(new URL('../../support/queue-owner.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../../../main/cli/bin.ts', import.meta.url));
const run = promisify(execFile);

interface Owner {
  name: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
  out: () => string;
}

let tmp: ReturnType<typeof tempDbPath>;
let db: Db;
let queue: Queue<AnyKinds>;
const owners: Owner[] = [];

beforeEach(() => {
  tmp = tempDbPath();
  db = openDatabase(tmp.path);
  db.exec(`CREATE TABLE effects (job_id INTEGER NOT NULL, step INTEGER NOT NULL, by TEXT NOT NULL);
           CREATE TABLE knobs (key TEXT PRIMARY KEY, value)`);
  queue = createQueue<AnyKinds>({ db });
});
afterEach(async () => {
  for (const o of owners.splice(0)) {
    if (o.proc.exitCode === null && o.proc.signalCode === null) o.proc.kill('SIGKILL');
    await o.exited;
  }
  db.close();
  tmp.cleanup();
});

function startOwner(name: string, leaseMs = 1000, stepMs = 5): Owner {
  const proc = spawn(
    process.execPath,
    ['--import', tsxLoader(), OWNER, tmp.path, name, String(leaseMs), String(stepMs)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const owner = { name, proc, exited, out: () => out };
  owners.push(owner);
  return owner;
}

/** Waits for an owner to finish by itself and returns the runs it reports. */
async function finished(o: Owner): Promise<{ jobId: number; from: number }[]> {
  expect(await o.exited, o.out()).toBe(0);
  const last = o.out().trim().split('\n').at(-1)!;
  return (JSON.parse(last) as { runs: { jobId: number; from: number }[] }).runs;
}

/** The real `pallet` CLI in a process of its own. */
async function pallet(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', tsxLoader(), BIN, ...args, '--db', tmp.path]);
  return stdout;
}

/** The same commands run in this process (on a connection of their own). */
async function inProcess(...args: string[]): Promise<void> {
  const r = await cli(...args, '--db', tmp.path);
  expect(r.code, r.err).toBe(0);
}

function enqueueWork(n: number, steps: number): number[] {
  return queue.enqueueMany(Array.from({ length: n }, () => ({ kind: 'work', payload: { steps } })));
}

/** Starts two owners and, once both are up and polling, gives them `n` jobs: they really compete for them. */
async function startBoth(n: number, steps: number): Promise<[Owner, Owner, number[]]> {
  db.exec(`INSERT INTO knobs (key, value) VALUES ('hold', 1)`);
  const a = startOwner('a');
  const b = startOwner('b');
  await waitFor(() => a.out().includes('started') && b.out().includes('started'), 'both owners to start');
  const ids = enqueueWork(n, steps);
  db.exec(`DELETE FROM knobs WHERE key = 'hold'`);
  return [a, b, ids];
}

/** Every job completed, and every one of its steps' rows written exactly once. */
function expectEachStepOnce(ids: number[], steps: number): void {
  expect(queue.counts().completed).toBe(ids.length);
  const rows = db.prepare('SELECT job_id, step, COUNT(*) AS n FROM effects GROUP BY job_id, step').all() as {
    n: number;
  }[];
  expect(rows).toHaveLength(ids.length * steps);
  expect(rows.filter((r) => r.n !== 1)).toEqual([]);
}

/** How long every owner's steps last from now on (slow while a test acts on jobs mid-run, 0 to let them finish). */
const setStepMs = (ms: number) => db.prepare(`INSERT OR REPLACE INTO knobs (key, value) VALUES ('stepMs', ?)`).run(ms);

const stepsBy = (name: string) => db.prepare('SELECT COUNT(*) FROM effects WHERE by = ?').pluck().get(name) as number;

describe('two owners on one database', () => {
  it('never run a job twice, share the work, and each job is run by one of them only', async () => {
    const [a, b, ids] = await startBoth(40, 4);
    const runs = [...(await finished(a)), ...(await finished(b))];
    expect(runs.map((r) => r.jobId).sort((x, y) => x - y)).toEqual(ids);
    expect(stepsBy('a')).toBeGreaterThan(0);
    expect(stepsBy('b')).toBeGreaterThan(0); // they really competed
    expectEachStepOnce(ids, 4);
  });

  it("the CLI sees an owner's progress, and a pause from the CLI is honoured by the owner running the job", async () => {
    const [id] = enqueueWork(1, 400);
    setStepMs(50); // 20 s of work: the job is certainly mid-run while the CLI acts
    const a = startOwner('a');
    await waitFor(() => stepsBy('a') >= 3, 'the owner to make progress');
    const seen = JSON.parse(await pallet('job', String(id), '--json')) as {
      status: string;
      progress: { done: number; total: number };
      leaseOwner: string;
    };
    expect(seen.status).toBe('running');
    expect(seen.progress.total).toBe(400);
    expect(seen.progress.done).toBeGreaterThanOrEqual(1);
    expect(a.out()).toContain(`started ${seen.leaseOwner}`);

    await pallet('pause', String(id));
    await waitFor(() => queue.get(id!).status === 'paused', 'the owner to honour the pause');
    const paused = queue.get(id!);
    const stepsAtPause = stepsBy('a');
    expect((paused.checkpoint as { step: number }).step).toBe(stepsAtPause); // checkpoint and rows agree
    expect(paused.attempts).toBe(0); // a pause is not an attempt

    // The queue-wide pause too: resuming the job while the queue is paused leaves it waiting, not running.
    // The rest through the CLI's code in this process (a third connection): a process start costs seconds here.
    await inProcess('pause');
    await inProcess('resume', String(id));
    expect(queue.get(id!).status).toBe('queued');
    expect(queue.isPaused()).toBe(true);
    const b = startOwner('b');
    setStepMs(0);
    await inProcess('resume');
    await Promise.all([finished(a), finished(b)]);
    expectEachStepOnce([id!], 400);
  });

  it('a queue-wide pause from the CLI makes an owner yield its running jobs at their checkpoint', async () => {
    const ids = enqueueWork(2, 400);
    setStepMs(50);
    const a = startOwner('a');
    await waitFor(() => queue.counts().running === 2 && stepsBy('a') >= 4, 'both jobs to run');
    await pallet('pause');
    await waitFor(() => queue.counts().queued === 2, 'the owner to yield');
    for (const id of ids) {
      const job = queue.get(id);
      const rows = db.prepare('SELECT COUNT(*) FROM effects WHERE job_id = ?').pluck().get(id);
      expect((job.checkpoint as { step: number }).step).toBe(rows);
    }
    setStepMs(0);
    await inProcess('resume');
    await finished(a);
    expectEachStepOnce(ids, 400);
  });

  it.each(['first', 'second'])(
    'SIGKILL of the %s owner mid-job: the other takes its jobs over from their checkpoints; every step lands once',
    async (which) => {
      const [a, b, ids] = await startBoth(6, 60);
      const [victim, survivor] = which === 'first' ? [a, b] : [b, a];
      await waitFor(() => stepsBy(victim.name) >= 10, `${victim.name} to be mid-job`);
      victim.proc.kill('SIGKILL');
      await victim.exited;
      const runs = await finished(survivor);
      expectEachStepOnce(ids, 60);
      // The survivor resumed at least one of the victim's jobs past its first step (from its checkpoint).
      expect(runs.some((r) => r.from > 1)).toBe(true);
      // The victim's jobs were recovered as its death, not as a failed attempt.
      for (const id of ids) expect(queue.get(id).attempts).toBe(1);
    },
  );

  it('SIGKILL of the only owner mid-job: a restart finishes every job once', async () => {
    const ids = enqueueWork(3, 60);
    const a = startOwner('a', 60_000, 5);
    await waitFor(() => stepsBy('a') >= 10, 'a to be mid-job');
    a.proc.kill('SIGKILL');
    await a.exited;
    expect(queue.counts().running).toBeGreaterThan(0);
    // A long lease (60 s): the restart takes the jobs over because their owner is gone, not because time passed.
    const again = startOwner('again', 60_000, 1);
    const runs = await finished(again);
    expect(runs.some((r) => r.from > 1)).toBe(true);
    expectEachStepOnce(ids, 60);
  });
});
