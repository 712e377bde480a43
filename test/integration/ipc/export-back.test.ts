// `imports:exportBack`: an import's rows written back, through the real router, handler and reader thread, to the
// path the save dialog granted (or the exports folder).
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecrets } from '../../../main/app/secrets.ts';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { classifyError, createHandlers } from '../../../main/ipc/handlers/index.ts';
import { createRouter } from '../../../main/ipc/router.ts';
import type { DialogPort } from '../../../main/ports.ts';
import { createProductReader, type ProductReader } from '../../../main/products/reader.ts';
import { createQueue } from '../../../main/queue/queue.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { cli } from '../../support/cli.ts';
import { fakeKeyring, fakeShell, memorySecretStore } from '../../support/fake-shell.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
let db: Db;
let reader: ProductReader;
let src: string;
let answer: string | null = null;
beforeAll(async () => {
  tmp = tempDbPath();
  src = tmp.file(
    'list.csv',
    'Price list\n\nUPC,Name,Brand,Cost,Colour\n012345678905,Widget,,2.50,=red\n,No code,,x,blue\n,Loose Bolt,Acme,1.00,grey\n',
  );
  const r = await cli('--db', tmp.path, 'import', src);
  expect(r.code).toBe(0);
  db = openDatabase(tmp.path);
  reader = createProductReader(tmp.path);
}, 120_000);
afterAll(async () => {
  await reader.close();
  db.close();
  tmp.cleanup();
});

const dialog: DialogPort = {
  confirmQuit: async () => true,
  pickFile: async () => null,
  pickSavePath: async () => answer,
};
let router: ReturnType<typeof createRouter> | null = null;
function call(channel: string, payload: unknown) {
  router ??= createRouter({
    handlers: createHandlers({
      db,
      queue: createQueue({ db }),
      version: 't',
      reader,
      exportDir: () => join(tmp.dir, 'exports'),
      dialog,
      app: {
        settings: createMemorySettings(),
        secrets: createSecrets(fakeKeyring(), memorySecretStore().store),
        sampleDir: tmp.dir,
        files: fakeShell().files,
        fileRoots: () => [tmp.dir],
      },
    }),
    appOrigin: 'app://pallet',
    classify: classifyError,
  });
  return router.handle(channel, payload, { url: 'app://pallet/index.html', isMainFrame: true });
}

describe('imports:exportBack', () => {
  it('writes to the path the save dialog granted, once, in the format its extension says', async () => {
    answer = join(tmp.dir, 'mine.xlsx');
    expect(await call('app:pickSavePath', { purpose: 'export', defaultName: 'mine.xlsx' })).toEqual({
      ok: true,
      value: { path: answer },
    });
    expect(await call('imports:exportBack', { importId: 1, path: answer })).toEqual({
      ok: true,
      value: { path: answer, format: 'xlsx', rows: 3, matched: 2, rejected: 1, missing: 0 },
    });
    expect(existsSync(answer)).toBe(true);
    // The grant is used up: the window cannot name a file for main to write.
    expect(await call('imports:exportBack', { importId: 1, path: answer })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // The written file may be revealed.
    expect(await call('files:reveal', { path: answer })).toEqual({ ok: true, value: { ok: true } });
  });

  it('writes a dated CSV in the exports folder without a path', async () => {
    const r = await call('imports:exportBack', { importId: 1 });
    expect(r).toMatchObject({ ok: true, value: { format: 'csv', rows: 3 } });
    const [name] = readdirSync(join(tmp.dir, 'exports'));
    expect(name).toMatch(/^list-pallet-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.csv$/);
    const lines = readFileSync(join(tmp.dir, 'exports', name!), 'utf8').split('\r\n');
    expect(lines[0]).toBe(
      '\ufeffUPC,Name,Brand,Cost,Colour,ASIN,Title,Buy Box,Referral fee,FBA fee,Total fees,Profit,Margin %,ROI %,Sales rank,Est. monthly sales,Verdict,Reasons',
    );
    expect(lines[1]).toBe('012345678905,Widget,,2.50,"\'=red",,Widget,,,,,,,,,,,');
    expect(lines[2]).toMatch(
      /^,No code,,x,blue,,,,,,,,,,,,,"Not imported: UPC: no barcode.*Cost: ""x"" not an amount"$/,
    );
    // A row without a barcode is joined to its product by name and brand, as the import keyed it.
    expect(lines[3]).toBe(',Loose Bolt,Acme,1.00,grey,,Loose Bolt,,,,,,,,,,,');
  });

  it('refuses bad input, an unknown import and a moved source with their codes and reasons', async () => {
    expect(await call('imports:exportBack', { importId: 0 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await call('imports:exportBack', { importId: 1, format: 'ods' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await call('imports:exportBack', { importId: 1, extra: true })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await call('imports:exportBack', { importId: 42 })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'There is no import #42.' },
    });
    renameSync(src, `${src}.moved`);
    try {
      expect(await call('imports:exportBack', { importId: 1 })).toEqual({
        ok: false,
        error: {
          code: 'BAD_FILE',
          message: expect.stringMatching(/"list\.csv" is no longer at .*list\.csv: .*Put it back/),
        },
      });
    } finally {
      renameSync(`${src}.moved`, src);
    }
  });
});
