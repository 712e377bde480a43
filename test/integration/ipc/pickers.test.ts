import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecrets } from '../../../main/app/secrets.ts';
import { classifyError, createHandlers } from '../../../main/ipc/handlers/index.ts';
import { createRouter } from '../../../main/ipc/router.ts';
import type { DialogPort } from '../../../main/ports.ts';
import { createProductReader, type ProductReader } from '../../../main/products/reader.ts';
import { systemClock } from '../../../main/queue/queue.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { fakeKeyring, fakeShell, memorySecretStore } from '../../support/fake-shell.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

let t: TestQueue;
let reader: ProductReader;
let shell: ReturnType<typeof fakeShell>;
// What the OS dialog answers, and the titles it was shown with.
let answer: string | null;
let shown: string[];

beforeEach(() => {
  t = openTestQueue({ clock: systemClock });
  reader = createProductReader(t.path);
  shell = fakeShell();
  answer = null;
  shown = [];
});
afterEach(async () => {
  await reader.close();
  t.close();
});

const dialog: DialogPort = {
  confirmQuit: async () => true,
  pickFile: async (o) => (shown.push(o.title), answer),
  pickSavePath: async (o) => (shown.push(`${o.title}: ${o.defaultName}`), answer),
};

function router(withDialog = true) {
  const r = createRouter({
    handlers: createHandlers({
      db: t.db,
      queue: t.queue,
      version: 't',
      reader,
      exportDir: () => join(t.dir, 'exports'),
      dialog: withDialog ? dialog : undefined,
      app: {
        settings: createMemorySettings(),
        secrets: createSecrets(fakeKeyring(), memorySecretStore().store),
        sampleDir: join(import.meta.dirname, '../../../resources/sample'),
        files: shell.files,
        fileRoots: () => [join(t.dir, 'reports'), join(t.dir, 'exports')],
      },
    }),
    appOrigin: 'app://pallet',
    classify: classifyError,
  });
  return (channel: string, payload?: unknown) =>
    r.handle(channel, payload, { url: 'app://pallet/index.html', isMainFrame: true });
}

describe('native pickers behind the IPC contract', () => {
  it('app:pickFile answers the picked CSV, null when cancelled, and refuses what is not a CSV file', async () => {
    const call = router();
    expect(await call('app:pickFile', { purpose: 'import' })).toEqual({ ok: true, value: { path: null } });
    const csv = join(t.dir, 'list.csv');
    writeFileSync(csv, 'UPC,Name\n1,a\n');
    answer = csv;
    expect(await call('app:pickFile', { purpose: 'catalog' })).toEqual({ ok: true, value: { path: csv } });
    expect(shown).toEqual(['Import a supplier price list', 'Import a reference catalog']);
    answer = join(t.dir, 'photo.png');
    writeFileSync(answer, 'x');
    expect(await call('app:pickFile', { purpose: 'import' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_FILE', message: expect.stringContaining('is not a CSV file') },
    });
    answer = join(t.dir, 'gone.csv');
    expect(await call('app:pickFile', { purpose: 'import' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_FILE', message: expect.stringContaining('does not exist') },
    });
    expect(await call('app:pickFile', { purpose: 'anything' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('without a desktop, picking is refused with the reason', async () => {
    const call = router(false);
    expect(await call('app:pickFile', { purpose: 'import' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Choosing files is only available in the desktop app.' },
    });
  });

  it('exports only the selected products when the filter names them; a bad selection is refused', async () => {
    const call = router();
    const now = Date.now();
    for (let i = 1; i <= 4; i++)
      t.db
        .prepare('INSERT INTO products (id, name, cost, created_at, updated_at) VALUES (?, ?, 5, ?, ?)')
        .run(i, `Item ${i}`, now, now);
    answer = join(t.dir, 'picked.csv');
    expect(await call('app:pickSavePath', { purpose: 'export', defaultName: 'picked.csv' })).toMatchObject({
      ok: true,
    });
    expect(await call('products:export', { filters: { ids: [2, 4] }, path: answer })).toEqual({
      ok: true,
      value: { path: answer, rows: 2 },
    });
    const lines = readFileSync(answer, 'utf8').trim().split(/\r?\n/);
    expect(lines.slice(1).map((l) => l.includes('Item 2') || l.includes('Item 4'))).toEqual([true, true]);
    for (const ids of [[], [0], ['2']])
      expect(await call('products:count', { ids })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('an export writes only to a path the save dialog gave, once; it may then be revealed', async () => {
    const call = router();
    const out = join(t.dir, 'chosen', 'winners');
    mkdirSync(join(t.dir, 'chosen'));
    // A path the window made up is refused, and nothing is written.
    expect(await call('products:export', { filters: {}, path: `${out}.csv` })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(existsSync(`${out}.csv`)).toBe(false);
    // A file name with a folder in it is refused before any dialog.
    expect(await call('app:pickSavePath', { purpose: 'export', defaultName: '../x.csv' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    // The dialog's answer without an extension is named .csv, and granted.
    answer = out;
    expect(await call('app:pickSavePath', { purpose: 'export', defaultName: 'winners' })).toEqual({
      ok: true,
      value: { path: `${out}.csv` },
    });
    expect(shown).toEqual(['Export products: winners.csv']);
    expect(await call('products:export', { filters: {}, path: `${out}.csv` })).toEqual({
      ok: true,
      value: { path: `${out}.csv`, rows: 0 },
    });
    expect(existsSync(`${out}.csv`)).toBe(true);
    expect(await call('files:reveal', { path: `${out}.csv` })).toEqual({ ok: true, value: { ok: true } });
    // Used once: a second export there needs the dialog again.
    expect(await call('products:export', { filters: {}, path: `${out}.csv` })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // A list exported back as a workbook: an answer without an extension takes the default name's (.xlsx).
    answer = join(t.dir, 'chosen', 'acme-back');
    expect(await call('app:pickSavePath', { purpose: 'export', defaultName: 'acme-pallet.xlsx' })).toEqual({
      ok: true,
      value: { path: `${answer}.xlsx` },
    });
    // A cancelled dialog grants nothing; a missing folder is said plainly.
    answer = null;
    expect(await call('app:pickSavePath', { purpose: 'export', defaultName: 'x.csv' })).toEqual({
      ok: true,
      value: { path: null },
    });
    answer = join(t.dir, 'nowhere', 'x.csv');
    expect(await call('app:pickSavePath', { purpose: 'export', defaultName: 'x.csv' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_FILE', message: expect.stringContaining('does not exist') },
    });
  });

  it('catalog:import checks the path as an import does before queueing anything', async () => {
    const call = router();
    expect(await call('catalog:import', { path: 'relative.csv' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await call('catalog:import', { path: join(t.dir, 'missing.csv') })).toMatchObject({
      ok: false,
      error: { code: 'BAD_FILE' },
    });
    expect(t.queue.list({ kind: 'catalog_import' })).toEqual([]);
    const csv = join(t.dir, 'catalog.csv');
    writeFileSync(csv, 'UPC,ASIN\n');
    expect(await call('catalog:import', { path: csv })).toMatchObject({ ok: true });
    expect(t.queue.list({ kind: 'catalog_import' })).toHaveLength(1);
  });
});
