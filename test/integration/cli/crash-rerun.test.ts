// After a crash (SIGKILL of the `pallet` process mid-job, as a forced quit would), running the same command again
// resumes the unfinished work instead of doing it twice, and a job of another kind is never left waiting unsaid.
// Every command here is the real CLI in a child process over a real SQLite file.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSupplierFile } from '../../../main/bench/supplier-file.ts';
import { openDatabase } from '../../../main/db/open.ts';
import { createQueue } from '../../../main/queue/queue.ts';
import { tsxLoader } from '../../../main/workers/entry-path.ts';
import { tempDbPath } from '../../support/temp-db.ts';

const BIN = fileURLToPath(new URL('../../../main/cli/bin.ts', import.meta.url));
const ROWS = 150_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Started {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  done: Promise<{ code: number | null; out: string; err: string }>;
}

/** Starts `pallet …` from source, as `npm run pallet` does, collecting its output. */
function start(...args: string[]): Started {
  const proc = spawn(process.execPath, ['--import', tsxLoader(), BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    proc.on('close', (code) => resolve({ code, out, err })),
  );
  return { proc, out: () => out, err: () => err, done };
}

/** Runs `pallet …` to its end. */
const pallet = (...args: string[]) => start(...args).done;

/** The pids a process has forked (Linux /proc; elsewhere none, and the wait below is a fixed pause). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
      readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILLs a running command once `ready()` holds, then waits for its worker processes to go (they follow their owner). */
async function crashWhen(
  run: Started,
  ready: () => boolean,
  what: string,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  const until = Date.now() + 60_000;
  while (!ready() && Date.now() < until && run.proc.exitCode === null) await sleep(20);
  expect(run.proc.exitCode, `${what}: still running when killed (stderr: ${run.err()})`).toBeNull();
  expect(ready(), `${what}: got under way`).toBe(true);
  const workers = childrenOf(run.proc.pid!);
  run.proc.kill(signal);
  await run.done;
  const deadline = Date.now() + 5_000;
  while (workers.some(alive) && Date.now() < deadline) await sleep(20);
  if (workers.length === 0) await sleep(500);
}

/** True once import job #1 has read at least a sixth of its file (its saved progress, as the window shows it). */
const importUnderWay = (dbPath: string) => () => {
  try {
    const [row] = query<{ done: number | null; total: number | null }>(
      dbPath,
      `SELECT json_extract(progress, '$.done') AS done, json_extract(progress, '$.total') AS total FROM jobs WHERE id = 1 AND status = 'running'`,
    );
    return !!row?.total && row.done! / row.total >= 1 / 6;
  } catch {
    return false; // the database is not there yet
  }
};

/** Reads the database the way a user's second window would: read-only, beside the CLI. */
function query<T>(dbPath: string, sql: string): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('the same command again after a crash', () => {
  let tmp: ReturnType<typeof tempDbPath>;
  let file: string;
  beforeAll(async () => {
    tmp = tempDbPath();
    file = join(tmp.dir, 'supplier.csv');
    await writeSupplierFile(file, ROWS, 'random');
  });
  afterAll(() => tmp.cleanup());

  const db = () => join(tmp.dir, 'rerun.db');

  it(
    'pallet import resumes the unfinished import of the same file: one import record, one completed job',
    { timeout: 120_000 },
    async () => {
      const first = start('import', file, '--db', db());
      await crashWhen(first, importUnderWay(db()), 'the first import');

      const again = await pallet('import', file, '--db', db());
      expect(again.code, again.err).toBe(0);
      // The work was done once: one import record, one import job, each product once.
      expect(query(db(), 'SELECT id, status FROM imports')).toEqual([{ id: 1, status: 'completed' }]);
      expect(query(db(), `SELECT id, status FROM jobs WHERE kind = 'import'`)).toEqual([
        { id: 1, status: 'completed' },
      ]);
      expect(query(db(), 'SELECT COUNT(*) AS n FROM products')).toEqual([{ n: ROWS }]);
      // And the user was told it resumed.
      const resumed = /Resuming import #1 of supplier\.csv \((\d+)%\)/.exec(again.err);
      expect(resumed, again.err).not.toBeNull();
      expect(Number(resumed![1])).toBeGreaterThan(0);
      expect(again.out).toMatch(
        new RegExp(`Imported ${ROWS.toLocaleString('en-US')} rows .*\\(import #1\\): ${ROWS} created`),
      );
    },
  );

  it(
    'pallet analyze attaches to the unfinished analysis of the same scope instead of a second run',
    { timeout: 120_000 },
    async () => {
      const before = query<{ id: number }>(db(), `SELECT id FROM jobs WHERE kind = 'analysis'`).length;
      const first = start('analyze', '--all', '--db', db());
      // Under way: both shards running and past their first chunk.
      const underWay = () =>
        query<{ n: number }>(
          db(),
          `SELECT COUNT(*) AS n FROM jobs WHERE kind = 'analysis' AND status = 'running' AND json_extract(progress, '$.done') > 0`,
        )[0]!.n === 2;
      await crashWhen(first, underWay, 'the first analysis');

      const again = await pallet('analyze', '--all', '--db', db());
      expect(again.code, again.err).toBe(0);
      // Two shards, not four: the second command ran the first one's jobs.
      const jobs = query<{ status: string }>(db(), `SELECT status FROM jobs WHERE kind = 'analysis' ORDER BY id`).slice(
        before,
      );
      expect(jobs).toEqual([{ status: 'completed' }, { status: 'completed' }]);
      expect(query(db(), 'SELECT COUNT(DISTINCT product_id) AS n FROM analyses')).toEqual([{ n: ROWS }]);
      expect(again.err).toMatch(/Attaching to unfinished analysis #\d+, #\d+ of the same products and targets/);
      expect(again.out).toMatch(new RegExp(`Analysed ${ROWS} products`));
    },
  );
});

describe('a job of another kind left by a crash', () => {
  let tmp: ReturnType<typeof tempDbPath>;
  let file: string;
  beforeAll(async () => {
    tmp = tempDbPath();
    file = join(tmp.dir, 'supplier.csv');
    await writeSupplierFile(file, ROWS, 'random');
  });
  afterAll(() => tmp.cleanup());

  it(
    'is marked by pallet jobs, named by the next command, and run to completion by pallet work',
    { timeout: 180_000 },
    async () => {
      const db = tmp.path;
      const first = start('import', file, '--db', db);
      await crashWhen(first, importUnderWay(db), 'the import');

      // Nothing has recovered it yet: the job is still `running`, for a process that is gone.
      const jobs = await pallet('jobs', '--db', db);
      expect(jobs.code).toBe(0);
      expect(jobs.out).toMatch(
        new RegExp(
          `#1\\timport\\trunning\\t.*\\[owner died \\(pid ${first.proc.pid}\\): run pallet work to resume it\\]`,
        ),
      );
      expect(JSON.parse((await pallet('jobs', '--json', '--db', db)).out)).toEqual([
        expect.objectContaining({ id: 1, status: 'running', ownerDied: true }),
      ]);

      // An engine of another kind recovers it, cannot run it, and says so.
      const analyze = await pallet('analyze', '--ids', '1', '--db', db);
      expect(analyze.code, analyze.err).toBe(0);
      expect(analyze.err).toMatch(/Recovered import job #1 \(\d+%\): the process running it died/);
      expect(analyze.err).toMatch(/^1 import waits: run pallet work$/m);
      const after = await pallet('jobs', '--db', db);
      expect(after.out).toMatch(/#1\timport\tqueued\t.*\[interrupted, resumes from its checkpoint: run pallet work\]/);

      const work = await pallet('work', '--db', db);
      expect(work.code, work.err).toBe(0);
      expect(work.out).toMatch(/^#1 import completed$/m);
      expect(work.err).toMatch(/… #1 import \d+%/);
      expect(query(db, 'SELECT id, status FROM imports')).toEqual([{ id: 1, status: 'completed' }]);
      expect(query(db, `SELECT status FROM jobs WHERE kind = 'import'`)).toEqual([{ status: 'completed' }]);
      expect(query(db, 'SELECT COUNT(*) AS n FROM products')).toEqual([{ n: ROWS }]);
      // pallet work ran every kind: nothing runnable is left (the lookup the import queued ran too).
      expect(query(db, `SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued' OR status = 'running'`)).toEqual([
        { n: 0 },
      ]);
      expect((await pallet('work', '--db', db)).out).toBe('Nothing to run.\n');
    },
  );

  it(
    'pallet work stops on Ctrl-C: the running import keeps its checkpoint and waits in the queue',
    { timeout: 120_000 },
    async () => {
      const db = join(tmp.dir, 'drain.db');
      const q = openDatabase(db);
      createQueue({ db: q }).enqueue({ kind: 'import', payload: { path: file }, maxAttempts: 3 });
      q.close();
      const work = start('work', '--db', db);
      await crashWhen(work, importUnderWay(db), 'pallet work', 'SIGINT');
      const end = await work.done;
      expect(end.code, end.err).toBe(0);
      expect(end.err).toMatch(/Stopping: running jobs keep their checkpoint and go back to the queue/);
      expect(end.out).toMatch(/1 job left in the queue: run pallet work to go on/);
      const [job] = query<{ status: string; phase: string | null; offset: number | null }>(
        db,
        `SELECT status, json_extract(checkpoint, '$.phase') AS phase, json_extract(checkpoint, '$.byteOffset') AS offset
         FROM jobs WHERE id = 1`,
      );
      expect(job!.status).toBe('queued');
      // The stop lands while reading (a byte offset kept) or, on a fast run, once every row is read and staged rows
      // are being merged (that phase's checkpoint has no byte offset): either way the progress is kept.
      expect(['reading', 'merging']).toContain(job!.phase);
      if (job!.phase === 'reading') expect(job!.offset).toBeGreaterThan(0);
    },
  );

  it('pallet --help documents pallet work', async () => {
    const help = await pallet('--help');
    expect(help.out).toMatch(/^ {2}work( \[--until-idle\])? {2,}run every runnable job of every kind/m);
  });
});
