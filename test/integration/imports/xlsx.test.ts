import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planImport } from '../../../main/imports/plan.ts';
import { startTestEngine } from '../../support/import-engine.ts';

const HEADERS = ['UPC', 'SKU', 'Item Description', 'Brand', 'Unit Cost', 'MSRP', 'Case Pack', 'Notes'];
// UPC 036000291452 typed into Excel: a number that lost its leading zero; 4006381333931 an EAN stored as a number.
const DATA: ExcelJS.CellValue[][] = [
  [36000291452, 'SKU-1', 'Tissue, 12-pack', 'Kleenex', 2.5, 5.99, 12, null],
  [
    4006381333931,
    'SKU-2',
    { richText: [{ text: 'Stabilo ' }, { text: 'Boss', font: { bold: true } }] },
    'Stabilo',
    0.1 + 0.2,
    1.5,
    10,
    'x',
  ],
  [12345678905, 'SKU-3', 'Widget', null, 3, 7, null, { formula: 'B4&"-note"', result: 'SKU-3-note' }],
  [73010010031, 'SKU-4', 'Paper', 'Acme', 4.25, { error: '#N/A' }, 6, new Date(Date.UTC(2024, 2, 5))],
];
// What a CSV export of the same sheet holds: the same texts the workbook's cells show to the validator.
const CSV_ROWS = [
  HEADERS,
  ['36000291452', 'SKU-1', 'Tissue, 12-pack', 'Kleenex', '2.5', '5.99', '12', ''],
  ['4006381333931', 'SKU-2', 'Stabilo Boss', 'Stabilo', '0.3', '1.5', '10', 'x'],
  ['12345678905', 'SKU-3', 'Widget', '', '3', '7', '', 'SKU-3-note'],
  ['73010010031', 'SKU-4', 'Paper', 'Acme', '4.25', '', '6', '2024-03-05'],
];
const csvText = (rows: string[][]) =>
  rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n';

/** A cover sheet, then the price list with a title row above its header, written with shared strings. */
async function writeWorkbook(path: string, opts: { inline?: boolean } = {}): Promise<void> {
  const fill = (cover: ExcelJS.Worksheet, data: ExcelJS.Worksheet) => {
    cover.addRow(['Spring price list']).commit();
    cover.addRow([]).commit();
    cover.addRow(['Prices valid until May']).commit();
    data.addRow(['ACME Wholesale — price list']).commit();
    data.addRow(HEADERS).commit();
    for (const r of DATA) data.addRow(r).commit();
  };
  if (opts.inline) {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true });
    const cover = wb.addWorksheet('Cover');
    const data = wb.addWorksheet('Prices');
    fill(cover, data);
    cover.commit();
    data.commit();
    await wb.commit();
  } else {
    const wb = new ExcelJS.Workbook();
    fill(wb.addWorksheet('Cover'), wb.addWorksheet('Prices'));
    await wb.xlsx.writeFile(path);
  }
}

describe('xlsx imports', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pallet-xlsx-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('previews the data sheet past its cover sheet and title row, with cells as the CSV path sees them', async () => {
    const path = join(dir, 'prices.xlsx');
    await writeWorkbook(path);
    const plan = await planImport(path, {}, null, 20);
    expect(plan.xlsx).toEqual({ sheets: ['Cover', 'Prices'], sheet: 'Prices' });
    expect(plan.headerRow).toBe(2);
    expect(plan.headers).toEqual(HEADERS);
    expect(plan.sampleRows).toEqual(CSV_ROWS.slice(1));
    expect(plan.decimal).toBe('.');
  });

  for (const inline of [false, true]) {
    it(`imports through real workers exactly as the same data as CSV (${inline ? 'inline' : 'shared'} strings)`, async () => {
      const xlsx = join(dir, `same-${inline}.xlsx`);
      const csv = join(dir, `same-${inline}.csv`);
      await writeWorkbook(xlsx, { inline });
      writeFileSync(csv, csvText(CSV_ROWS));
      const a = await startTestEngine();
      const b = await startTestEngine();
      try {
        const jx = await a.run({ kind: 'import', payload: { path: xlsx, lookupAfter: false, imagesAfter: false } });
        const jc = await b.run({ kind: 'import', payload: { path: csv, lookupAfter: false, imagesAfter: false } });
        expect(jx.status, jx.error?.message).toBe('completed');
        expect(jc.status, jc.error?.message).toBe('completed');
        const products = a.products();
        expect(products).toEqual(b.products());
        // The lost leading zero is restored by check digit; the EAN kept whole.
        expect(products.map((p) => p.gtin14)).toEqual(
          expect.arrayContaining(['00036000291452', '04006381333931', '00012345678905', '00073010010031']),
        );
        expect(products.find((p) => p.sku === 'SKU-1')?.cost).toBe(2.5);
      } finally {
        await a.stop();
        await b.stop();
      }
    });
  }

  it('imports the sheet named in the options, and refuses a sheet the workbook lacks', async () => {
    const path = join(dir, 'two-tables.xlsx');
    const wb = new ExcelJS.Workbook();
    const first = wb.addWorksheet('Old');
    first.addRow(HEADERS);
    first.addRow([36000291452, 'OLD-1', 'Old item', 'Acme', 1, 2, 1, '']);
    const second = wb.addWorksheet('New');
    second.addRow(HEADERS);
    second.addRow([12345678905, 'NEW-1', 'New item', 'Acme', 1, 2, 1, '']);
    await wb.xlsx.writeFile(path);
    expect((await planImport(path, {}, null)).xlsx?.sheet).toBe('Old');
    const t = await startTestEngine();
    try {
      const job = await t.run({
        kind: 'import',
        payload: { path, sheet: 'New', lookupAfter: false, imagesAfter: false },
      });
      expect(job.status, job.error?.message).toBe('completed');
      expect(t.products().map((p) => p.sku)).toEqual(['NEW-1']);
      const bad = await t.run({ kind: 'import', payload: { path, sheet: 'Nope', lookupAfter: false } });
      expect(bad.status).toBe('failed');
      expect(bad.error?.message).toContain('no sheet named "Nope"');
    } finally {
      await t.stop();
    }
  });

  it('refuses a zip that is no workbook, an old .xls and random binary data, saying why', async () => {
    const zip = join(dir, 'not-a-workbook.zip');
    // An empty zip archive (end-of-central-directory record only).
    writeFileSync(zip, Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]));
    await expect(planImport(zip, {}, null)).rejects.toThrow(/zip archive, not an Excel workbook/);
    const xls = join(dir, 'old.xls');
    writeFileSync(
      xls,
      Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]),
    );
    await expect(planImport(xls, {}, null)).rejects.toThrow(/old-style Excel workbook \(\.xls\)/);
    const bin = join(dir, 'random.bin');
    writeFileSync(bin, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    await expect(planImport(bin, {}, null)).rejects.toThrow(/not a text file/);
  });
});
