import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../../main/app/engine.ts';
import { writeSupplierFile } from '../../../main/bench/supplier-file.ts';
import { openDatabase } from '../../../main/db/open.ts';
import { legacyStagingDir, stagingDir } from '../../../main/imports/data-paths.ts';
import { stagingNeeded } from '../../../main/imports/staging-files.ts';
import { createImportStore } from '../../../main/imports/store.ts';
import { createQueue } from '../../../main/queue/queue.ts';
import type { JobStatus } from '../../../main/queue/types.ts';
import { createNodeLauncher } from '../../../main/workers/node-launcher.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { waitFor } from '../../support/workers.ts';

const BIG = 200_000;
// writeSupplierFile's shuffle steps by 1,000,003 mod the row count: at 400k rows (a step of 200,003) it scrambles
// from the first row, so rows are staged at once (at 200k, a step of 3, the first third still comes in order).
const RANDOM = 400_000;

/** What a folder holds (none when it does not exist). */
function filesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** What the staging folder of database `dbPath` holds. */
const stagingFiles = (dbPath: string) => filesIn(stagingDir(dbPath));

describe('staging files of imports', () => {
  let t: TestEngine | null = null;
  afterEach(async () => {
    await t?.stop();
    t = null;
  });

  /** Starts a big import and waits until it has read a few thousand rows. */
  async function runningImport(e: TestEngine, order: 'barcode' | 'random', maxAttempts = 3) {
    const path = join(e.dir, `${order}.csv`);
    await writeSupplierFile(path, order === 'random' ? RANDOM : BIG, order);
    const job = e.queue.enqueue({ kind: 'import', payload: { path, lookupAfter: false }, maxAttempts });
    await e.importUnderWay(job.id);
    return job;
  }

  it('a completed import of a file in no order (the staged path) leaves none, journal included', async () => {
    t = await startTestEngine();
    const path = join(t.dir, 'random.csv');
    await writeSupplierFile(path, 50_000, 'random');
    const job = await t.run({ kind: 'import', payload: { path, lookupAfter: false } }, 120_000);
    expect(job.status).toBe('completed');
    expect(stagingFiles(t.path)).toEqual([]);
  });

  it('a cancelled import with nothing staged leaves none', async () => {
    t = await startTestEngine();
    const job = await runningImport(t, 'barcode');
    t.queue.cancel(job.id);
    await waitFor(() => t!.queue.get(job.id).status === 'cancelled', 'the import to stop');
    expect(stagingFiles(t.path)).toEqual([]);
  });

  /** Cancels a running import of a file in no order once it has staged rows; returns the job and its import. */
  async function cancelledWithStagedRows(e: TestEngine) {
    const job = await runningImport(e, 'random');
    e.queue.cancel(job.id);
    await waitFor(() => e.queue.get(job.id).status === 'cancelled', 'the import to stop');
    const importId = createImportStore(e.db).byJob(job.id)!.id;
    // Its checkpoint counts on the rows staged so far: a retry resumes from them, so they stay.
    expect(stagingNeeded(e.db, importId)).toBe(true);
    expect(stagingFiles(e.path)).toContain(`import-${importId}.db`);
    return { job, importId };
  }

  it('a cancelled import keeps its staged rows for `retry`, and leaves none once the retry completes', async () => {
    t = await startTestEngine();
    const { job } = await cancelledWithStagedRows(t);
    t.queue.retry(job.id);
    await waitFor(() => t!.queue.get(job.id).status === 'completed', 'the resumed import', 120_000);
    expect(t.queue.get(job.id).result).toMatchObject({ rows: RANDOM, created: RANDOM });
    expect(stagingFiles(t.path)).toEqual([]);
  });

  it('an import an earlier version left staged in the shared folder resumes with its staged rows', async () => {
    t = await startTestEngine();
    const { job, importId } = await cancelledWithStagedRows(t);
    // Where an earlier version kept them: the shared `staging` folder beside the database.
    mkdirSync(legacyStagingDir(t.path));
    for (const name of stagingFiles(t.path).filter((n) => n.startsWith(`import-${importId}.db`)))
      renameSync(join(stagingDir(t.path), name), join(legacyStagingDir(t.path), name));
    t.queue.retry(job.id);
    await waitFor(() => t!.queue.get(job.id).status === 'completed', 'the resumed import', 120_000);
    expect(t.queue.get(job.id).result).toMatchObject({ rows: RANDOM, created: RANDOM });
    expect(stagingFiles(t.path)).toEqual([]);
    expect(filesIn(legacyStagingDir(t.path))).toEqual([]);
  });

  it('a cancelled import with staged rows leaves none once it is undone', async () => {
    t = await startTestEngine();
    const { importId } = await cancelledWithStagedRows(t);
    const undo = await t.run({ kind: 'import_undo', payload: { importId } }, 120_000);
    expect(undo.status).toBe('completed');
    expect(stagingFiles(t.path)).toEqual([]);
  });

  it('a crashed import leaves none once its job failed for good, or completed on retry', async () => {
    t = await startTestEngine({ supervisor: { restartBaseMs: 20, restartMaxMs: 200 } });
    const worker = t.engine.workers[0]!;
    // Nothing staged (a file in barcode order), one attempt: the kill fails it for good.
    const once = await runningImport(t, 'barcode', 1);
    process.kill(worker.pid!, 'SIGKILL');
    await waitFor(() => t!.queue.get(once.id).status === 'failed', 'the killed import to fail');
    expect(stagingFiles(t.path)).toEqual([]);

    // The staged path, attempts left: the kill is retried and the import completes.
    const retried = await runningImport(t, 'random');
    const importId = createImportStore(t.db).byJob(retried.id)!.id;
    await waitFor(() => existsSync(join(stagingDir(t!.path), `import-${importId}.db-journal`)), 'rows to be staged');
    process.kill(worker.pid!, 'SIGKILL');
    await waitFor(() => t!.queue.get(retried.id).status === 'completed', 'the retried import', 120_000);
    expect(t.queue.get(retried.id).attempts).toBeGreaterThan(1);
    expect(stagingFiles(t.path)).toEqual([]);
  });

  it('the start sweep removes staging files of finished or unknown imports and keeps those a live import owns', async () => {
    const tmp = tempDbPath();
    try {
      const db = openDatabase(tmp.path);
      const queue = createQueue({ db });
      const imports = createImportStore(db);
      const seed = (status: JobStatus, checkpoint: unknown, importStatus = 'running') => {
        const job = queue.enqueue({ kind: 'import', payload: { path: '/nowhere.csv' } });
        db.prepare('UPDATE jobs SET status = ?, checkpoint = ? WHERE id = ?').run(
          status,
          JSON.stringify(checkpoint),
          job.id,
        );
        const imp = imports.create({
          jobId: job.id,
          fileName: 'f.csv',
          filePath: '/nowhere.csv',
          fileSize: 1,
          fileHash: 'h',
          encoding: 'utf-8',
          delimiter: ',',
          decimal: '.',
          headers: ['UPC'],
          mapping: {},
          fingerprint: 'x',
          errorReport: null,
        });
        imports.setStatus(imp.id, importStatus as 'running');
        return imp.id;
      };
      const reading = (staged: number) => ({
        phase: 'reading',
        byteOffset: 100,
        rowNumber: 10,
        counts: {},
        staged,
        reportBytes: 0,
      });
      const ids = {
        completed: seed('completed', { phase: 'done' }, 'completed'),
        queued: seed('queued', null),
        running: seed('running', reading(5)),
        paused: seed('paused', reading(0)),
        retryPending: seed('retry_pending', reading(0)),
        cancelledMidMerge: seed(
          'cancelled',
          { phase: 'merging', part: 'gtin', lo: '', counts: {}, reportBytes: 0 },
          'cancelled',
        ),
        cancelledNothingStaged: seed('cancelled', reading(0), 'cancelled'),
        failedNothingStaged: seed('failed', reading(0), 'failed'),
        undone: seed('cancelled', reading(7), 'undone'),
      };
      db.close();
      const own = stagingDir(tmp.path);
      const legacy = legacyStagingDir(tmp.path);
      // Another database in the same folder: its staging folder is its own, whatever its import numbers.
      const other = stagingDir(join(tmp.dir, 'other.db'));
      for (const dir of [own, legacy, other]) {
        mkdirSync(dir);
        for (const id of [...Object.values(ids), 99]) {
          for (const suffix of ['', '-journal']) writeFileSync(join(dir, `import-${id}.db${suffix}`), 'x');
        }
        writeFileSync(join(dir, 'import-98.db-wal'), 'x');
        writeFileSync(join(dir, 'notes.txt'), 'not ours');
      }
      const before = filesIn(other);

      // An engine that claims no imports: the sweep alone acts on the files.
      const engine = await createEngine({
        dbPath: tmp.path,
        launcher: createNodeLauncher(),
        workers: 1,
        kinds: ['noop'],
      });
      await engine.stop();
      const kept = [ids.queued, ids.running, ids.paused, ids.retryPending, ids.cancelledMidMerge].flatMap((id) => [
        `import-${id}.db`,
        `import-${id}.db-journal`,
      ]);
      expect(stagingFiles(tmp.path)).toEqual([...kept, 'notes.txt'].sort());
      // The folder earlier versions shared: unknown numbers (98, 99) may be another database's, so they stay.
      const unknown = ['import-98.db-wal', 'import-99.db', 'import-99.db-journal'];
      expect(filesIn(legacy)).toEqual([...kept, ...unknown, 'notes.txt'].sort());
      expect(filesIn(other)).toEqual(before);
    } finally {
      tmp.cleanup();
    }
  });
});
