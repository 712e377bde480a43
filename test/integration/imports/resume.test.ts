// Asking for a file again while its import is unfinished finds that import (engine/domain side; the CLI's crash
// scenario is in test/integration/cli/crash-rerun.test.ts), and the window's imports:start resumes it too.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecrets } from '../../../main/app/secrets.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { describeResume, findUnfinishedImport } from '../../../main/imports/resume.ts';
import { wakeJob } from '../../../main/queue/orphans.ts';
import { createImportStore, fileIdentity } from '../../../main/imports/store.ts';
import { classifyError, createHandlers } from '../../../main/ipc/handlers/index.ts';
import { createRouter } from '../../../main/ipc/router.ts';
import { createProductReader, type ProductReader } from '../../../main/products/reader.ts';
import { fakeKeyring, fakeShell, memorySecretStore } from '../../support/fake-shell.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

const CSV = 'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,1.50\n';

let t: TestQueue;
beforeEach(() => {
  t = openTestQueue();
});
afterEach(() => t.close());

/** Records the import a job started (as the import task does once it has planned the file). */
async function record(jobId: number, path: string, fileName = 'supplier.csv') {
  const { size, hash } = await fileIdentity(path);
  return createImportStore(t.db).create({
    jobId,
    fileName,
    filePath: path,
    fileSize: size,
    fileHash: hash,
    encoding: 'utf-8',
    delimiter: ',',
    decimal: '.',
    headers: ['UPC', 'Name', 'Brand', 'Cost'],
    mapping: {},
    fingerprint: 'f',
    errorReport: null,
  });
}

describe('findUnfinishedImport', () => {
  it('finds the recorded import of the same file (by size and first-MiB hash, wherever it now lives) with how far it got', async () => {
    const file = t.file('supplier.csv', CSV);
    const job = t.queue.enqueue({ kind: 'import', payload: { path: file } });
    const imp = await record(job.id, file);
    const [claimed] = t.queue.claim('import');
    t.queue.progress(claimed!.lease, { total: 200, done: 104 });

    const moved = join(t.dir, 'copy of supplier.csv');
    copyFileSync(file, moved);
    for (const path of [file, moved]) {
      const found = await findUnfinishedImport(t.db, path);
      expect(found).toMatchObject({
        job: { id: job.id, status: 'running' },
        importId: imp.id,
        fileName: 'supplier.csv',
        percent: 52,
      });
      expect(describeResume(found!)).toBe(`Resuming import #${imp.id} of supplier.csv (52%)`);
    }
    // Another file, or the same one once its import has finished: nothing to resume.
    expect(await findUnfinishedImport(t.db, t.file('other.csv', CSV + '036000291469,Gadget,Acme,2\n'))).toBeNull();
    t.queue.complete(claimed!.lease, {});
    expect(await findUnfinishedImport(t.db, file)).toBeNull();
    expect(await findUnfinishedImport(t.db, join(t.dir, 'missing.csv'))).toBeNull();
  });

  it('finds a job killed before it recorded its import by the file its payload names', async () => {
    const file = t.file('early.csv', CSV);
    const job = t.queue.enqueue({ kind: 'import', payload: { path: file } });
    const found = await findUnfinishedImport(t.db, file);
    expect(found).toMatchObject({ job: { id: job.id }, importId: null, fileName: 'early.csv', percent: null });
    expect(describeResume(found!)).toBe(`Resuming the import of early.csv (job #${job.id})`);
  });

  it('wakes a paused job, and one waiting for its retry, at once', async () => {
    const paused = t.queue.enqueue({ kind: 'import', payload: { path: '/a.csv' } });
    t.queue.pause(paused.id);
    expect(wakeJob(t.queue, t.queue.get(paused.id)).status).toBe('queued');
    const later = t.queue.enqueue({ kind: 'import', payload: { path: '/b.csv' }, delayMs: 3_600_000 });
    expect(later.status).toBe('scheduled');
    expect(wakeJob(t.queue, t.queue.get(later.id))).toMatchObject({ status: 'queued', runAt: t.clock.now() });
  });
});

describe('imports:start from the window', () => {
  let reader: ProductReader;
  beforeEach(() => {
    reader = createProductReader(t.path);
  });
  afterEach(() => reader.close());

  const call = (channel: string, payload?: unknown) =>
    createRouter({
      handlers: createHandlers({
        db: t.db,
        queue: t.queue,
        version: 't',
        reader,
        exportDir: () => join(t.dir, 'exports'),
        app: {
          settings: createMemorySettings(),
          secrets: createSecrets(fakeKeyring(), memorySecretStore().store),
          sampleDir: t.dir,
          files: fakeShell().files,
          fileRoots: () => [t.dir],
          onCredentialsChanged: () => {},
        },
      }),
      appOrigin: 'app://pallet',
      classify: classifyError,
    }).handle(channel, payload, { url: 'app://pallet/index.html', isMainFrame: true });

  it('resumes the unfinished import of the same file instead of queuing a second', async () => {
    const file = t.file('supplier.csv', CSV);
    const first = (await call('imports:start', { path: file })) as { ok: true; value: { jobId: number } };
    expect(first.ok).toBe(true);
    t.queue.pause(first.value.jobId);
    expect(await call('imports:start', { path: file })).toEqual({ ok: true, value: { jobId: first.value.jobId } });
    expect(t.queue.get(first.value.jobId).status).toBe('queued');
    expect(t.queue.list({ kind: 'import' })).toHaveLength(1);
  });
});
