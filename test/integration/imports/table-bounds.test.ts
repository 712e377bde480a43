// Supplier files as they really arrive: a title above the table, a footer below it. Real imports through real
// workers (startTestEngine), checked by counts, products, the report and its row numbers.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSupplierFile } from '../../../main/bench/supplier-file.ts';
import { planImport } from '../../../main/imports/plan.ts';
import { createImportStore } from '../../../main/imports/store.ts';
import type { ImportResult } from '../../../main/imports/task.ts';
import { encode } from '../../support/encodings.ts';
import { startTestEngine, type TestEngine } from '../../support/import-engine.ts';
import { waitFor } from '../../support/workers.ts';

let t: TestEngine;
beforeEach(async () => (t = await startTestEngine()));
afterEach(async () => t.stop());

async function importOk(path: string, payload: Record<string, unknown> = {}): Promise<ImportResult> {
  const job = await t.run({ kind: 'import', payload: { path, lookupAfter: false, ...payload } });
  expect(job.error).toBeNull();
  return job.result as ImportResult;
}
const reportLines = (r: ImportResult) =>
  readFileSync(r.errorReport!, 'utf8')
    .replace(/^\ufeff/, '')
    .trimEnd()
    .split('\r\n');

// A distributor's export: company, date, a blank line, the table from line 4, a footer block.
const TITLED = [
  'ACME Distribution Ltd,,,,',
  'Price list effective 1 March 2024,,,,',
  ',,,,',
  'UPC,Description,Brand,Cost,MSRP',
  '036000291452,Widget,Acme,2.50,5.99',
  '036000291469,Total Gym Pro,Total Fitness,129.99,199.00',
  '4006381333931,Gadget,Globex,abc,3.49',
  ',Totally Nuts 200g,Nutco,3.20,',
  ',,,,',
  'Total items: 4,,,,',
  'Thank you for your business,,,,',
  'Page 1 of 1,,,,',
].join('\r\n');

describe('a title above the table, a footer below it', () => {
  it('reads the table from its header on line 4; the footer block is counted, not rejected', async () => {
    const r = await importOk(t.file('acme.csv', TITLED));
    expect(r).toMatchObject({ rows: 4, created: 3, rejected: 1, blank: 1, footers: 3, duplicates: 0 });
    expect(r.mapping).toEqual({ gtin: 'UPC', name: 'Description', brand: 'Brand', cost: 'Cost', price: 'MSRP' });
    expect(t.products().map((p) => [p.gtin14, p.name, p.cost])).toEqual([
      [null, 'Totally Nuts 200g', 3.2],
      ['00036000291452', 'Widget', 2.5],
      ['00036000291469', 'Total Gym Pro', 129.99],
    ]);
    // Row numbers are the file's own: the bad cost is on line 7.
    const lines = reportLines(r);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^7,/);
    expect(lines[1]).toContain('"abc"');
    expect(t.queue.recentErrors(1).map((e) => e.row_number)).toEqual([7]);
    expect(createImportStore(t.db).get(r.importId)).toMatchObject({
      headerRow: 4,
      headers: ['UPC', 'Description', 'Brand', 'Cost', 'MSRP'],
    });
  });

  it('a footer-looking row inside the data hides none of the rows after it', async () => {
    const r = await importOk(
      t.file(
        'mid.csv',
        [
          'UPC,Name,Brand,Cost',
          '036000291452,Widget,Acme,2.50',
          'Subtotal,,,',
          '4006381333931,Gadget,Globex,1.20',
          'Grand total,,,3.70',
        ].join('\n'),
      ),
    );
    expect(r).toMatchObject({ rows: 3, created: 2, rejected: 1, footers: 1 });
    expect(reportLines(r)[1]).toMatch(/^3,/);
  });

  it('Windows-1252 title rows, a merged heading and a two-line header', async () => {
    const text = [
      'Société Générale de Distribution — Tarifs 2024;;;;',
      'Prix en €, TVA non comprise;;;;',
      'Article;Article;Article;Prix;Prix',
      'EAN;Désignation;Marque;Prix d’achat;Prix de vente',
      '4006381333931;Crème brûlée;Globex;1,20;3,49',
      '036000291452;Pâté;Acme;2,50;5,99',
      'Total;;;3,70;',
    ].join('\r\n');
    const r = await importOk(t.file('tarifs.csv', encode(text, 'windows-1252')));
    expect(r).toMatchObject({ encoding: 'windows-1252', delimiter: ';', decimal: ',', created: 2, rejected: 0 });
    expect(r.footers).toBe(1);
    expect(t.products().map((p) => [p.gtin14, p.name, p.cost])).toEqual([
      ['00036000291452', 'Pâté', 2.5],
      ['04006381333931', 'Crème brûlée', 1.2],
    ]);
    expect(createImportStore(t.db).get(r.importId)!.headerRow).toBe(4);
  });

  it('a header row the seller names wins; a blank or missing one fails clearly and imports nothing', async () => {
    // Two header-like lines: the seller says the upper one holds the names they want kept.
    const file = t.file(
      'two.csv',
      ['Code,Item,Maker,Price each', 'UPC,Name,Brand,Cost', '036000291452,Widget,Acme,2.50'].join('\n'),
    );
    const plan = await planImport(file, {}, t.db);
    expect(plan).toMatchObject({ headerRow: 2, headers: ['UPC', 'Name', 'Brand', 'Cost'] });
    const r = await importOk(file, { headerRow: 1, mapping: { Code: 'gtin', 'Price each': 'cost' } });
    // Line 2 is data now: its "Cost" is not an amount.
    expect(r).toMatchObject({ created: 1, rejected: 1 });
    expect(createImportStore(t.db).get(r.importId)).toMatchObject({
      headerRow: 1,
      headers: ['Code', 'Item', 'Maker', 'Price each'],
    });

    const blank = await t.run({
      kind: 'import',
      payload: { path: t.file('b.csv', 'x\n\nUPC,Cost\n1,2\n'), headerRow: 2 },
    });
    expect(blank).toMatchObject({
      status: 'failed',
      error: { code: 'bad_mapping', message: 'Line 2 is blank: choose the line that holds the column names.' },
    });
    const past = await t.run({ kind: 'import', payload: { path: t.file('c.csv', 'UPC,Cost\n1,2\n'), headerRow: 40 } });
    expect(past.error?.message).toMatch(/has no line 40/);
  });

  it('a remembered supplier mapping remembers its header row', async () => {
    const layout = (title: string, row: string) =>
      [title, 'Code,Item,Maker,Price each', 'UPC,Name,Brand,Cost', row].join('\n');
    const first = t.file('march.csv', layout('Fancy Foods Ltd', '036000291452,Widget,Acme,2.50'));
    await importOk(first, {
      headerRow: 2,
      mapping: { Code: 'gtin', Item: 'name', Maker: 'brand', 'Price each': 'cost' },
      rememberMapping: true,
    });
    const next = t.file('april.csv', layout('Fancy Foods Ltd — April', '4006381333931,Gadget,Globex,1.20'));
    const plan = await planImport(next, {}, t.db);
    expect(plan).toMatchObject({
      headerRow: 2,
      headerReason: 'Row 2 holds the column names, as saved for this supplier.',
      savedMappingUsed: true,
      previewMapping: { gtin: 'Code', name: 'Item', brand: 'Maker', cost: 'Price each' },
    });
  });
});

describe('resume of a file with a title and a footer', () => {
  const ROWS = 200_000;
  it(
    'a worker SIGKILLed mid-read resumes from its checkpoint to exactly a clean import',
    { timeout: 300_000 },
    async () => {
      const body = `${t.dir}/body.csv`;
      await writeSupplierFile(body, ROWS);
      const text = readFileSync(body, 'utf8')
        .replace(/^\ufeff/, '')
        .trimEnd();
      const nl = text.includes('\r\n') ? '\r\n' : '\n';
      const title = ['Big Wholesale Inc', 'Price list effective 1 March 2024', ''];
      const footer = ['', `Total items: ${ROWS}`, 'Page 1 of 1', ''];
      const path = `${t.dir}/titled.csv`;
      // A Windows editor's BOM ahead of the title: the header's byte offset counts past it.
      writeFileSync(path, '\ufeff' + [...title, text, ...footer].join(nl));
      const counts = { rows: ROWS, created: ROWS, rejected: 0, footers: 2, blank: 1 };

      const cleanJob = await t.run({ kind: 'import', payload: { path, lookupAfter: false } }, 120_000);
      expect(cleanJob.result).toMatchObject(counts);
      const expected = t.products();

      const k = await startTestEngine({
        queue: { backoff: { baseMs: 20, maxMs: 200 } },
        supervisor: { restartBaseMs: 20, restartMaxMs: 200, breakerCrashes: 1_000 },
      });
      try {
        const job = k.queue.enqueue({ kind: 'import', payload: { path, lookupAfter: false }, maxAttempts: 100 });
        await k.importUnderWay(job.id, 5_000, 60_000);
        expect(k.queue.get(job.id).status).toBe('running');
        process.kill(k.engine.workers[0]!.pid!, 'SIGKILL');
        await waitFor(() => k.queue.get(job.id).status === 'completed', 'the resumed import', 180_000);
        const done = k.queue.get(job.id);
        expect(done.attempts).toBeGreaterThan(1);
        expect(done.result).toMatchObject(counts);
        expect(k.products()).toEqual(expected);
      } finally {
        await k.stop();
      }
    },
  );
});
