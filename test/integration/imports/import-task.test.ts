import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSupplierFile } from '../../../main/bench/supplier-file.ts';
import { gs1CheckDigit } from '../../../main/catalog/gtin.ts';
import type { ImportResult } from '../../../main/imports/task.ts';
import { FINISHED_STATUSES } from '../../../main/queue/types.ts';
import type { UndoResult } from '../../../main/imports/undo.ts';
import { encode } from '../../support/encodings.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';
import { waitFor } from '../../support/workers.ts';

let t: TestEngine;
beforeEach(async () => (t = await startTestEngine()));
afterEach(async () => t.stop());

async function importOk(path: string, payload: Record<string, unknown> = {}): Promise<ImportResult> {
  const job = await t.run({ kind: 'import', payload: { path, ...payload } });
  expect(job.error).toBeNull();
  return job.result as ImportResult;
}
const report = (r: ImportResult) =>
  readFileSync(r.errorReport!, 'utf8')
    .replace(/^\ufeff/, '')
    .trimEnd()
    .split('\r\n');

// Every trait at once: BOM, CRLF, a quoted newline, blank lines, an empty and a repeated header, a ragged row,
// a formula in a cell, a repeated barcode, rows identified by name and brand (one repeated), a bad row.
const TRAITS = [
  'UPC,Name,Brand,Unit Cost,,Name,Color',
  '036000291452,"Widget\r\nDeluxe",Acme,$2.50,x,dup-name,Blue',
  '',
  '4006381333931,Gadget,Globex,"1,200.00",,,Red,extra',
  '036000291452,Widget again,Acme,3.00,,,',
  ',Sprocket,Initech,4.00,,,',
  ',SPROCKET!,initech,5.00,,,',
  '=HYPERLINK("http://evil"),Bad,,abc,,,',
  '',
].join('\r\n');

describe('import job', () => {
  it('cleans, dedupes and reports every trait of a messy file', async () => {
    const r = await importOk(t.file('traits.csv', encode(TRAITS, 'utf-8-bom')));
    expect(r).toMatchObject({
      rows: 6,
      created: 3,
      updated: 0,
      unchanged: 0,
      duplicates: 2,
      rejected: 1,
      blank: 1,
      encoding: 'utf-8',
      delimiter: ',',
    });
    expect(r.mapping).toEqual({ gtin: 'UPC', name: 'Name', brand: 'Brand', cost: 'Unit Cost' });
    const products = t.products();
    expect(products.map((p) => [p.gtin14, p.name, p.cost])).toEqual([
      [null, 'Sprocket', 4],
      ['00036000291452', 'Widget\r\nDeluxe', 2.5],
      ['04006381333931', 'Gadget', 1200],
    ]);
    expect(JSON.parse(products[1]!.attributes as string)).toEqual({
      'Column 5': 'x',
      'Name (2)': 'dup-name',
      Color: 'Blue',
    });
    expect(JSON.parse(products[2]!.attributes as string)).toEqual({ Color: 'Red', 'Column 8': 'extra' });
    const lines = report(r);
    expect(lines[0]).toBe('Row,Level,Message,UPC,Name,Brand,Unit Cost,Column 5,Name (2),Color');
    // Row numbers count records as a spreadsheet shows them: the quoted newline is one row, blank lines count.
    expect(lines[1]).toBe(
      `8,error,"UPC: ""=HYPERLINK(""http://evil"")"" has characters other than digits; Unit Cost: ""abc"" not an amount","'=HYPERLINK(""http://evil"")",Bad,,abc,,,`,
    );
    // Duplicates are listed as they are found: row 5 repeats a row written while reading, row 7 one staged.
    const dups = lines.slice(2).sort((a, b) => parseInt(a) - parseInt(b));
    expect(dups[0]).toMatch(
      /^5,error,duplicate of row 2 \(same barcode\); the first row was kept,00036000291452,Widget again,Acme,3,/,
    );
    expect(dups[1]).toMatch(/^7,error,duplicate of row 6 \(same name and brand\)/);
    expect(dups).toHaveLength(2);
    expect(t.queue.recentErrors(1).map((e) => e.row_number)).toEqual([8]);
  });

  it('a repeat of a staged row stays a duplicate where it could have gone in at once: the first row wins', async () => {
    const upc = (n: number) => {
      const body = `0${String(n).padStart(10, '0')}`;
      return body + gs1CheckDigit(body);
    };
    // Row 2 is the catalog's end; rows 3 and 4 come below it and are staged (each starts a lane); row 5 goes in at
    // once after row 4; row 6 repeats row 3 and lands right after row 5 — yet waits, as row 3 does, for the merge.
    const rows = [
      [100, 1],
      [50, 2],
      [10, 3],
      [20, 4],
      [50, 5],
    ];
    const csv = `UPC,Name,Brand,Cost\n${rows.map(([n, c]) => `${upc(n!)},Item ${n} row ${c! + 1},Acme,${c}`).join('\n')}\n`;
    const r = await importOk(t.file('lanes.csv', csv));
    expect(r).toMatchObject({ rows: 5, created: 4, duplicates: 1 });
    expect(
      report(r)
        .slice(1)
        .map((l) => l.split(',')[0] + ' ' + /duplicate of row \d+/.exec(l)![0]),
    ).toEqual(['6 duplicate of row 3']);
    expect(t.db.prepare('SELECT name, cost FROM products WHERE gtin14 = ?').get(`00${upc(50)}`)).toEqual({
      name: 'Item 50 row 3',
      cost: 2,
    });
  });

  it('repeats of a row written while reading are duplicates of that row, also when staged after another repeat', async () => {
    // Row 2 extends the empty catalog and is written at once; rows 3–5 come after a larger barcode and are staged.
    const csv =
      'UPC,Name,Brand,Cost\n4006381333931,Gadget,Globex,1\n036000291452,Widget,Acme,2\n4006381333931,Gadget 2,Globex,3\n4006381333931,Gadget 3,Globex,4\n';
    const r = await importOk(t.file('repeats.csv', csv));
    expect(r).toMatchObject({ rows: 4, created: 2, duplicates: 2 });
    const dups = report(r)
      .slice(1)
      .sort((a, b) => parseInt(a) - parseInt(b));
    expect(dups.map((l) => l.split(',')[0] + ' ' + /duplicate of row \d+/.exec(l)![0])).toEqual([
      '4 duplicate of row 2',
      '5 duplicate of row 2',
    ]);
    expect(t.db.prepare(`SELECT name, cost FROM products WHERE gtin14 = '04006381333931'`).get()).toEqual({
      name: 'Gadget',
      cost: 1,
    });
  });

  it('a second import of the same file changes nothing; a changed file updates; undo puts everything back', async () => {
    const path = t.file(
      'list.csv',
      'UPC,Name,Brand,Cost,MSRP\n036000291452,Widget,Acme,2.50,9.99\n4006381333931,Gadget,Globex,1.00,\n',
    );
    const first = await importOk(path);
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const afterFirst = t.products();
    expect(await importOk(path)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });

    // New cost for one product, a new product, and an empty MSRP that must not erase the known one.
    const changed = t.file(
      'list2.csv',
      'UPC,Name,Brand,Cost,MSRP\n036000291452,Widget,Acme,2.75,\n4006381333931,Gadget,Globex,1.00,\n96385074,New,Initech,5,\n',
    );
    const second = await importOk(changed);
    expect(second).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    const widget = t.db.prepare(`SELECT cost, price, import_id FROM products WHERE gtin14 = '00036000291452'`).get();
    expect(widget).toEqual({ cost: 2.75, price: 9.99, import_id: second.importId });
    // Every reference the imports wrote holds (products and import_changes to their import, job_errors to its job).
    expect(t.db.prepare('SELECT count(*) FROM import_changes WHERE import_id = ?').pluck().get(second.importId)).toBe(
      1,
    );
    expect(t.db.pragma('foreign_key_check')).toEqual([]);

    const undo = await t.run({ kind: 'import_undo', payload: { importId: second.importId } });
    expect(undo.result as UndoResult).toEqual({ importId: second.importId, deleted: 1, restored: 1, kept: 0 });
    expect(t.products()).toEqual(afterFirst);
    const again = await t.run({ kind: 'import_undo', payload: { importId: second.importId } });
    expect(again.error).toMatchObject({ code: 'already_undone' });

    expect((await t.run({ kind: 'import_undo', payload: { importId: first.importId } })).result).toMatchObject({
      deleted: 2,
      restored: 0,
    });
    expect(t.products()).toEqual([]);
  });

  it('undo keeps what a later import changed again', async () => {
    const a = await importOk(t.file('a.csv', 'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,2.50\n'));
    await importOk(t.file('b.csv', 'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,3.50\n'));
    expect((await t.run({ kind: 'import_undo', payload: { importId: a.importId } })).result).toMatchObject({
      deleted: 0,
      kept: 1,
    });
    expect(t.products()).toHaveLength(1);
  });

  it('a decimal-comma file with case costs, and a remembered supplier mapping', async () => {
    const csv = 'EAN;Bezeichnung;Marke;Kartonpreis;VE;Notiz\n4006381333931;Gerät;Globex;12,00 €;6;a\n';
    const path = t.file('de.csv', csv.replace('Kartonpreis', 'Karton'));
    const r = await importOk(path, { mapping: { Karton: 'case_cost' }, rememberMapping: true });
    expect(r).toMatchObject({ decimal: ',', created: 1 });
    expect(t.db.prepare('SELECT cost, currency, pack_size FROM products').get()).toEqual({
      cost: 2,
      currency: 'EUR',
      pack_size: 6,
    });
    // Same headers next time: the saved mapping applies without being asked.
    const r2 = await importOk(t.file('de2.csv', csv.replace('Kartonpreis', 'Karton').replace('12,00', '18,00')));
    expect(r2.mapping.case_cost).toBe('Karton');
    expect(t.db.prepare('SELECT cost FROM products').pluck().get()).toBe(3);
  });

  it('a header-only file completes with 0 rows; empty and binary files fail clearly and change nothing', async () => {
    await importOk(t.file('seed.csv', 'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,2.50\n'));
    const before = t.products();
    expect(await importOk(t.file('header.csv', 'UPC,Name,Brand,Cost\r\n'))).toMatchObject({
      rows: 0,
      created: 0,
      errorReport: null,
    });
    const empty = await t.run({ kind: 'import', payload: { path: t.file('empty.csv', '') } });
    expect(empty).toMatchObject({
      status: 'failed',
      error: { code: 'empty', message: expect.stringMatching(/empty/) },
    });
    const bin = await t.run({
      kind: 'import',
      payload: { path: t.file('photo.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3])) },
    });
    expect(bin).toMatchObject({ status: 'failed', error: { code: 'binary' } });
    const missing = await t.run({ kind: 'import', payload: { path: `${t.dir}/nope.csv` } });
    expect(missing).toMatchObject({
      status: 'failed',
      error: { code: 'unreadable', message: expect.stringMatching(/does not exist/) },
    });
    // @ts-expect-error the compiler refuses it, and so must the worker: payloads also arrive from older rows.
    const bad = await t.run({ kind: 'import', payload: { path: 42 } });
    expect(bad).toMatchObject({ status: 'failed', error: { code: 'bad_payload' } });
    expect(t.products()).toEqual(before);
  });

  it('a file that stops being UTF-8 past its first megabyte fails clearly from the parsing thread', async () => {
    const head = 'UPC,Name,Brand,Cost\n' + '036000291452,Widget,Acme,1\n'.repeat(60_000);
    const path = t.file('mixed.csv', Buffer.concat([Buffer.from(head), Buffer.from([0x61, 0xe9, 0x2c, 0x62, 0x0a])]));
    const job = await t.run({ kind: 'import', payload: { path } });
    expect(job).toMatchObject({
      status: 'failed',
      error: { code: 'encoding', message: expect.stringMatching(/not valid UTF-8 near byte/) },
    });
  });

  it('a job saved mid-merge by an older version fails with what to do, and its staging file is removed', async () => {
    const path = t.file('list.csv', 'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,2.50\n');
    // The older version's staging file for import #1, beside the database.
    mkdirSync(`${t.dir}/staging`);
    const staged = t.file('staging/import-1.db', 'rows staged by the older version');
    const job = t.queue.enqueue({ kind: 'import', payload: { path }, delayMs: 400 });
    t.db
      .prepare('UPDATE jobs SET checkpoint = ? WHERE id = ?')
      .run(
        JSON.stringify({ phase: 'merge', part: 'gtin', lo: '', counts: { created: 0, updated: 0, unchanged: 0 } }),
        job.id,
      );
    await waitFor(() => ['failed', 'completed'].includes(t.queue.get(job.id).status), 'the job to end');
    expect(t.queue.get(job.id)).toMatchObject({
      status: 'failed',
      error: {
        code: 'restart_needed',
        message: expect.stringMatching(/older version of Pallet.*Undo import #\d+, then import the file again/),
      },
    });
    expect(t.products()).toEqual([]);
    expect(existsSync(staged)).toBe(false);
  });

  it('a staging file the previous version left mid-reading is dropped and the file read again', async () => {
    mkdirSync(`${t.dir}/staging`);
    const old = new Database(`${t.dir}/staging/import-1.db`);
    old.exec(`CREATE TABLE state (id INTEGER PRIMARY KEY, json TEXT NOT NULL); INSERT INTO state VALUES (1, '{"phase":"reading","byteOffset":40}');
              CREATE TABLE staged (row INTEGER PRIMARY KEY, gtin14 TEXT, nbk TEXT, quality INTEGER); INSERT INTO staged VALUES (2, '00000000000017', NULL, 1);`);
    old.close();
    const r = await importOk(
      t.file('list.csv', 'UPC,Name,Brand,Cost\n4006381333931,Gadget,Globex,1\n036000291452,Widget,Acme,2\n'),
    );
    expect(r).toMatchObject({ importId: 1, rows: 2, created: 2, duplicates: 0 });
    expect(t.products().map((p) => p.gtin14)).toEqual(['00036000291452', '04006381333931']);
  });

  it('a field over the row limit rejects that row only, in bounded memory', async () => {
    const huge = 'x'.repeat(3 << 20);
    const r = await importOk(
      t.file('huge.csv', `UPC,Name,Brand,Cost\n036000291452,"${huge}",Acme,1\n4006381333931,Gadget,Globex,2\n`),
    );
    expect(r).toMatchObject({ rows: 2, created: 1, rejected: 1 });
    expect(report(r)[1]).toMatch(/^2,error,the row is longer than 1 MiB/);
  });

  const BIG = 200_000;
  /** Starts a 200k-row import and cancels it once it is under way. */
  async function cancelledBigImport(order: 'barcode' | 'shuffled' | 'random' = 'barcode') {
    const path = `${t.dir}/big.csv`;
    // Big enough that the import is still running when the cancel lands (it reads ~100–150k rows a second).
    await writeSupplierFile(path, BIG, order);
    const job = t.queue.enqueue({ kind: 'import', payload: { path } });
    await t.importUnderWay(job.id);
    t.queue.cancel(job.id);
    await waitFor(() => FINISHED_STATUSES.includes(t.queue.get(job.id).status), 'the import to stop');
    expect(t.queue.get(job.id).status, 'the cancel should land before the import ends').toBe('cancelled');
    return { path, job };
  }

  it.each(['barcode', 'shuffled', 'random'] as const)(
    'cancel stops a running import of a file in %s order with its checkpoint; retry resumes it to exactly a clean import',
    async (order) => {
      const { path, job } = await cancelledBigImport(order);
      const stoppedAt = t.db.prepare('SELECT count(*) FROM products').pluck().get() as number;
      expect(stoppedAt).toBeLessThan(BIG);
      t.queue.retry(job.id);
      await waitFor(() => t.queue.get(job.id).status === 'completed', 'the resumed import', 120_000);
      expect(t.queue.get(job.id).result).toMatchObject({ rows: BIG, created: BIG, duplicates: 0, rejected: 0 });

      const clean = await startTestEngine();
      try {
        await clean.run({ kind: 'import', payload: { path } }, 120_000);
        expect(t.products()).toEqual(clean.products());
      } finally {
        await clean.stop();
      }
    },
  );

  it('refuses to resume when the file changed since the import started', async () => {
    const { path, job } = await cancelledBigImport();
    writeFileSync(path, readFileSync(path, 'utf8').replace('Acme', 'Acne'));
    t.queue.retry(job.id);
    await waitFor(() => t.queue.get(job.id).status === 'failed', 'the resume to be refused');
    expect(t.queue.get(job.id).error).toMatchObject({
      code: 'file_changed',
      message: expect.stringMatching(/changed since the import started/),
    });
  });
});
