// The window's import preview names the header row and why; a seller's header row goes through the contract.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecrets } from '../../../main/app/secrets.ts';
import { classifyError, createHandlers } from '../../../main/ipc/handlers/index.ts';
import { createRouter } from '../../../main/ipc/router.ts';
import { createProductReader, type ProductReader } from '../../../main/products/reader.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { fakeKeyring, fakeShell, memorySecretStore } from '../../support/fake-shell.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

let t: TestQueue;
let reader: ProductReader;
beforeEach(() => {
  t = openTestQueue();
  reader = createProductReader(t.path);
});
afterEach(() => {
  reader.close();
  t.close();
});

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

const TITLED = [
  'ACME Distribution Ltd,,,',
  'Price list effective 1 March 2024,,,',
  ',,,',
  'UPC,Name,Brand,Cost',
  '036000291452,Widget,Acme,2.50',
  'Total items: 1,,,',
].join('\n');

describe('imports:preview', () => {
  it('shows the header row it found and why, with the rows under it', async () => {
    const r = await call('imports:preview', { path: t.file('acme.csv', TITLED) });
    expect(r).toMatchObject({
      ok: true,
      value: {
        headerRow: 4,
        headerReason: expect.stringMatching(/^Row 4 holds the column names: .* Rows 1–3 above it .* were skipped\.$/),
        headers: ['UPC', 'Name', 'Brand', 'Cost'],
        mapping: { gtin: 'UPC', name: 'Name', brand: 'Brand', cost: 'Cost' },
        warnings: [],
        rows: [
          ['036000291452', 'Widget', 'Acme', '2.50'],
          ['Total items: 1', '', '', ''],
        ],
      },
    });
  });

  it("takes the seller's header row, and refuses a bad one in plain words", async () => {
    const path = t.file('acme.csv', TITLED);
    const r = await call('imports:preview', { path, headerRow: 2 });
    expect(r).toMatchObject({
      ok: true,
      value: { headerRow: 2, headers: ['Price list effective 1 March 2024', 'Column 2', 'Column 3', 'Column 4'] },
    });
    expect(await call('imports:preview', { path, headerRow: 3 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_FILE', message: 'Line 3 is blank: choose the line that holds the column names.' },
    });
    for (const headerRow of [0, 1.5, 1001, '4'])
      expect(await call('imports:preview', { path, headerRow }), String(headerRow)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
  });

  it('imports:start queues the import with the header row', async () => {
    const r = (await call('imports:start', { path: t.file('acme.csv', TITLED), headerRow: 4 })) as {
      ok: true;
      value: { jobId: number };
    };
    expect(r.ok).toBe(true);
    expect(t.queue.get(r.value.jobId).payload).toMatchObject({ headerRow: 4 });
  });
});
