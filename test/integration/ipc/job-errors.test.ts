// `jobs:errors` and `files:open` for an import's problems, through the real app (router, engine, worker processes).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type PalletApp } from '../../../main/app/create-app.ts';
import { legacyReportsDir } from '../../../main/imports/data-paths.ts';
import type { ImportResult } from '../../../main/imports/task.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { FINISHED_STATUSES } from '../../../main/queue/types.ts';
import { createNodeLauncher } from '../../../main/workers/node-launcher.ts';
import { fakeShell } from '../../support/fake-shell.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { waitFor } from '../../support/workers.ts';

let tmp: ReturnType<typeof tempDbPath>;
let app: PalletApp | null = null;
let shell: ReturnType<typeof fakeShell>;
beforeEach(() => {
  tmp = tempDbPath();
  shell = fakeShell();
});
afterEach(async () => {
  await app?.close();
  app = null;
  tmp.cleanup();
});

const sender = { url: 'app://pallet/index.html', isMainFrame: true };

describe('an import’s problems over IPC', () => {
  it('jobs:errors tells warnings from errors, and the window may open the report (and an older one)', async () => {
    app = await createApp({
      dbPath: tmp.path,
      launcher: createNodeLauncher(),
      ports: shell.ports,
      files: shell.files,
      appOrigin: 'app://pallet',
      version: 't',
      workers: 1,
      settings: () => ({ closeToTray: true, notifications: false }),
      settingsStore: createMemorySettings(),
      log: () => {},
    });
    const { queue } = app.engine;
    const path = tmp.file(
      'mixed.csv',
      'UPC,Name,Brand,Cost,Quantity\n036000291452,Widget,Acme,abc,1\n4006381333931,Gadget,Globex,1.00,2.5\n',
    );
    const job = queue.enqueue({ kind: 'import', payload: { path, lookupAfter: false, imagesAfter: false } });
    await waitFor(() => FINISHED_STATUSES.includes(queue.get(job.id).status), 'the import to finish', 60_000);

    const errors = await app.router.handle('jobs:errors', { id: job.id }, sender);
    expect(errors.ok).toBe(true);
    const list = (errors as { value: { rowNumber: number; code: string; level: string; message: string }[] }).value;
    expect(list.map((e) => [e.rowNumber, e.code, e.level]).sort()).toEqual([
      [2, 'row_rejected', 'error'],
      [3, 'row_warning', 'warning'],
    ]);

    const report = (queue.get(job.id).result as ImportResult).errorReport!;
    expect(await app.router.handle('files:open', { path: report }, sender)).toMatchObject({ ok: true });
    // A report an earlier version wrote to the shared folder (its path is stored with its import) still opens.
    mkdirSync(legacyReportsDir(tmp.path));
    const old = join(legacyReportsDir(tmp.path), 'import-9-errors.csv');
    writeFileSync(old, 'Row,Error\n');
    expect(await app.router.handle('files:open', { path: old }, sender)).toMatchObject({ ok: true });
    expect(shell.rec.opened).toEqual([report, old]);
  });
});
