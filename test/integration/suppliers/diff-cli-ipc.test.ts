// `pallet diff`, `pallet suppliers` and the window's `imports:diff`, over lists imported by the real CLI.
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { syntheticUpc } from '../../../main/bench/supplier-file.ts';
import { createSecrets } from '../../../main/app/secrets.ts';
import { classifyError, createHandlers } from '../../../main/ipc/handlers/index.ts';
import { createRouter } from '../../../main/ipc/router.ts';
import { createProductReader, type ProductReader } from '../../../main/products/reader.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { cli } from '../../support/cli.ts';
import { fakeKeyring, fakeShell, memorySecretStore } from '../../support/fake-shell.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { createQueue } from '../../../main/queue/queue.ts';

const UPC = [0, 1, 2, 3].map(syntheticUpc);
const list = (rows: [number, number][]) =>
  ['UPC,Name,Cost', ...rows.map(([i, c]) => `${UPC[i]},Item ${i},${c.toFixed(2)}`)].join('\n');

// One database for the file: three CLI imports (Acme twice, Globex once) and one without a supplier.
let tmp: ReturnType<typeof tempDbPath>;
beforeAll(async () => {
  tmp = tempDbPath();
  const run = async (...args: string[]) => {
    const r = await cli('--db', tmp.path, ...args);
    expect(r.err).not.toMatch(/failed/);
    expect(r.code).toBe(0);
  };
  const acme1 = tmp.file(
    'Acme_Pricelist_2026-10.csv',
    list([
      [0, 10],
      [1, 20],
      [2, 5],
    ]),
  );
  const acme2 = tmp.file(
    'acme-pricelist-2026-11.csv',
    list([
      [0, 11],
      [1, 16],
      [3, 8],
    ]),
  );
  await run('import', acme1); // #1, supplier "Acme" from the file name
  await run('import', acme2, '--supplier', 'ACME'); // #2, the same supplier in any case
  await run('import', tmp.file('x.csv', list([[0, 9]])), '--supplier', 'Globex'); // #3
  await run('import', tmp.file('z.csv', list([[2, 1]]))); // #4, no supplier
  return () => tmp.cleanup();
}, 120_000);

describe('pallet diff and suppliers', () => {
  it('prints what changed between two lists, largest change first', async () => {
    const r = await cli('--db', tmp.path, 'diff', '1', '2');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      'From #1 Acme_Pricelist_2026-10.csv (Acme, 3 products)',
      '  to #2 acme-pricelist-2026-11.csv (Acme, 3 products)',
      '1 added, 1 dropped, 1 cost up, 1 cost down, 0 unchanged.',
      'Cost up:',
      `  ${UPC[0]!.padStart(14, '0')}  Item 0  10.00 → 11.00 (+10.0%)`,
      'Cost down:',
      `  ${UPC[1]!.padStart(14, '0')}  Item 1  20.00 → 16.00 (-20.0%)`,
      'Added:',
      `  ${UPC[3]!.padStart(14, '0')}  Item 3  8.00`,
      'Dropped:',
      `  ${UPC[2]!.padStart(14, '0')}  Item 2  5.00`,
    ]);
  });

  it('gives JSON, and says when the two imports belong to different suppliers', async () => {
    const r = await cli('--db', tmp.path, 'diff', '2', '3', '--json');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d).toMatchObject({
      sameSupplier: false,
      a: { importId: 2, supplier: 'Acme' },
      b: { importId: 3, supplier: 'Globex' },
      totals: { added: 0, dropped: 2, costUp: 0, costDown: 1, verdictChanged: 0 },
      costDown: [{ from: 11, to: 9, change: -2 }],
    });
    const text = await cli('--db', tmp.path, 'diff', '2', '3');
    expect(text.out).toContain('Note: these imports belong to different suppliers');
  });

  it('refuses unknown imports, imports without a supplier and bad ids with clear words', async () => {
    expect(await cli('--db', tmp.path, 'diff', '1', '99')).toMatchObject({
      code: 1,
      err: 'pallet: There is no import #99.',
    });
    const none = await cli('--db', tmp.path, 'diff', '1', '4');
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/Import #4 \(z\.csv\) has no supplier offers to compare: it has no supplier/);
    expect((await cli('--db', tmp.path, 'diff', '1')).code).toBe(2);
    expect((await cli('--db', tmp.path, 'diff', '1', 'x')).err).toMatch(/"x" is not an ID/);
    expect((await cli('--db', tmp.path, 'import', 'f.csv', '--supplier', '  ')).err).toMatch(
      /--supplier: A supplier name cannot be empty/,
    );
    expect((await cli('--db', tmp.path, 'jobs', '--supplier', 'A')).err).toMatch(/--supplier only applies to "import"/);
  });

  it('lists suppliers with their imports and offers; the product costs the best current offer', async () => {
    const r = await cli('--db', tmp.path, 'suppliers', '--json');
    const list = JSON.parse(r.out) as { name: string; currentOffers: number; allOffers: number; imports: unknown[] }[];
    expect(list.map((s) => [s.name, s.imports.length, s.currentOffers, s.allOffers])).toEqual([
      ['Acme', 2, 3, 4],
      ['Globex', 1, 1, 1],
    ]);
    const db = openDatabase(tmp.path);
    try {
      const cost = (i: number) =>
        db.prepare('SELECT cost FROM products WHERE gtin14 = ?').pluck().get(UPC[i]!.padStart(14, '0'));
      // Acme 11 vs Globex 9; Acme's 16; Acme's last list dropped #2, so the supplier-less import's cost stands.
      expect([0, 1, 2, 3].map(cost)).toEqual([9, 16, 1, 8]);
    } finally {
      db.close();
    }
    const text = await cli('--db', tmp.path, 'suppliers');
    expect(text.out.split('\n')[0]).toBe('Acme: 3 products offered now, 4 ever, 2 imports');
  });

  it('pins a product to a supplier and back to the best offer', async () => {
    const db = openDatabase(tmp.path);
    const id = db.prepare('SELECT id FROM products WHERE gtin14 = ?').pluck().get(UPC[0]!.padStart(14, '0'));
    db.close();
    expect((await cli('--db', tmp.path, 'supplier', 'pin', String(id), 'acme')).out).toBe(
      `Product #${id} now costs 11.00: acme's offer.`,
    );
    expect((await cli('--db', tmp.path, 'supplier', 'unpin', String(id))).out).toMatch(/costs 9\.00: the best/);
    expect((await cli('--db', tmp.path, 'supplier', 'pin', String(id), 'Nobody')).err).toMatch(
      /there is no supplier "Nobody"/,
    );
  });
});

describe('imports:diff', () => {
  let db: Db;
  let reader: ProductReader;
  beforeEach(() => {
    db = openDatabase(tmp.path);
    reader = createProductReader(tmp.path);
  });
  afterEach(async () => {
    await reader.close();
    db.close();
  });
  const call = (payload: unknown) =>
    createRouter({
      handlers: createHandlers({
        db,
        queue: createQueue({ db }),
        version: 't',
        reader,
        exportDir: () => join(tmp.dir, 'exports'),
        app: {
          settings: createMemorySettings(),
          secrets: createSecrets(fakeKeyring(), memorySecretStore().store),
          sampleDir: tmp.dir,
          files: fakeShell().files,
          fileRoots: () => [tmp.dir],
          onCredentialsChanged: () => {},
        },
      }),
      appOrigin: 'app://pallet',
      classify: classifyError,
    }).handle('imports:diff', payload, { url: 'app://pallet/index.html', isMainFrame: true });

  it('answers the diff from the reader thread, bounded by the limit', async () => {
    const r = await call({ importA: 1, importB: 2, limit: 0 });
    expect(r).toMatchObject({
      ok: true,
      value: {
        added: [],
        costUp: [],
        totals: { added: 1, dropped: 1, costUp: 1, costDown: 1, verdictChanged: 0 },
        limit: 0,
      },
    });
    const full = await call({ importA: 1, importB: 2 });
    expect(full).toMatchObject({ ok: true, value: { costUp: [{ from: 10, to: 11 }] } });
  });

  it('refuses bad input and unknown or supplier-less imports with their codes', async () => {
    expect(await call({ importA: 1, importB: 2, limit: 10_001 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await call({ importA: 1, importB: -2 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call({ importA: 1, importB: 2, extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await call({ importA: 1, importB: 77 })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'There is no import #77.' },
    });
    expect(await call({ importA: 4, importB: 1 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});
