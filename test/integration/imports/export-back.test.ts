// An import's list written back in its own shape (issue 22): a CSV with a title, a footer, an unmapped column and a
// rejected row is imported by the real CLI (worker process, real SQLite), analysed rows are given figures, and the
// export is checked as CSV and as a workbook read back with exceljs.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '../../../main/catalog/gtin.ts';
import { openDatabase } from '../../../main/db/open.ts';
import { exportImportBack, ExportBackError, PALLET_COLUMNS } from '../../../main/imports/export-back.ts';
import { openZip } from '../../../main/imports/xlsx/zip.ts';
import { cli } from '../../support/cli.ts';
import { tempDbPath } from '../../support/temp-db.ts';

const upc = (body: string) => body + gs1CheckDigit(body);
const A = upc('01234567890'); // leading zero: must survive as text
const B = upc('71234567890');
const C = upc('00456789012');

// Title rows above the header, a footer below; "Notes" and "Bin" are not product fields (kept as attributes).
const SOURCE = [
  'Acme Wholesale Price List',
  'Effective 2026-11-01',
  '',
  'UPC,Description,Cost,Notes,Bin',
  `${A},Blue Widget,12.50,"=cmd|' /C calc'!A0",007`,
  `${B},Red Widget,3,+sum(1),A-01`,
  `${upc('81234567890')},Broken Row,abc,bad cost,B-02`,
  `${C},Green Widget,2.5,@risk,-4`,
  '',
  'Total items: 4,,,,',
].join('\n');

/** The source's data rows, cells as the file has them. */
const DATA = [
  [A, 'Blue Widget', '12.50', "=cmd|' /C calc'!A0", '007'],
  [B, 'Red Widget', '3', '+sum(1)', 'A-01'],
  [upc('81234567890'), 'Broken Row', 'abc', 'bad cost', 'B-02'],
  [C, 'Green Widget', '2.5', '@risk', '-4'],
];

let tmp: ReturnType<typeof tempDbPath>;
let src: string;
let importId: number;
beforeAll(async () => {
  tmp = tempDbPath();
  src = tmp.file('acme.csv', SOURCE);
  const r = await cli('--db', tmp.path, 'import', src, '--json');
  expect(r.code).toBe(0);
  importId = JSON.parse(r.out).importId ?? JSON.parse(r.out).result?.importId;
  const db = openDatabase(tmp.path);
  try {
    const id = db.prepare('SELECT id FROM products WHERE gtin14 = ?').pluck().get(A.padStart(14, '0')) as number;
    db.prepare("UPDATE products SET asin = 'B000TEST01', amazon_price = 29.99, sales_rank = 1500 WHERE id = ?").run(id);
    db.prepare(
      `INSERT INTO analyses (product_id, marketplace, sell_price, referral_category, referral_fee, fulfillment_fee,
         other_costs, total_fees, profit, margin, roi, sales_rank, est_sales_mid, reasons, fee_schedule, computed_at)
       VALUES (?, 'US', 29.99, 'Toys', 4.5, 3.22, 0, 7.72, 9.77, 0.3258, 0.7816, 1400, 320, ?, 'us-2026-01-15', 1)`,
    ).run(id, JSON.stringify(['Fees from the 2026 schedule.', 'Price from the Buy Box.']));
  } finally {
    db.close();
  }
}, 120_000);
afterAll(() => tmp.cleanup());

/** Pallet's cells expected for each data row (null: empty). */
function palletOf(row: number): (string | number | null)[] {
  const empty = PALLET_COLUMNS.map(() => null) as (string | number | null)[];
  if (row === 0)
    return [
      'B000TEST01',
      'Blue Widget',
      29.99,
      4.5,
      3.22,
      7.72,
      9.77,
      32.6,
      78.2,
      1400,
      320,
      null,
      'Fees from the 2026 schedule.; Price from the Buy Box.',
    ];
  if (row === 2) return [...empty.slice(0, -1), expect.stringMatching(/^Not imported: Cost: .*abc/) as never];
  // In the catalog, not analysed yet: its title and nothing more.
  return [null, DATA[row]![1]!, ...empty.slice(2)];
}

describe('exportImportBack', () => {
  it('writes the file’s rows in its order and columns, then Pallet’s, as a workbook that reads back equal', async () => {
    const out = join(tmp.dir, 'back.xlsx');
    const db = openDatabase(tmp.path);
    let r;
    try {
      r = await exportImportBack(db, importId, out);
    } finally {
      db.close();
    }
    expect(r).toEqual({ path: out, format: 'xlsx', rows: 4, matched: 3, rejected: 1, missing: 0 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.worksheets[0]!;
    const rows: unknown[][] = [];
    ws.eachRow({ includeEmpty: true }, (row) => {
      const cells: unknown[] = [];
      for (let c = 1; c <= 5 + PALLET_COLUMNS.length; c++) {
        const v = row.getCell(c).value;
        cells.push(v === undefined ? null : v);
      }
      rows.push(cells);
    });
    expect(rows[0]).toEqual(['UPC', 'Description', 'Cost', 'Notes', 'Bin', ...PALLET_COLUMNS]);
    // Numbers as numbers, barcodes and codes with leading zeros as text, formula-looking text as text.
    const source = DATA.map((d) => d.map((c, i) => (i !== 0 && /^-?(0|[1-9]\d*)(\.\d+)?$/.test(c) ? Number(c) : c)));
    expect(rows.slice(1)).toEqual(source.map((s, i) => [...s, ...palletOf(i)]));
    expect(rows[1]![0]).toBe(A);
    expect(A.startsWith('0')).toBe(true);
    expect(rows[1]![4]).toBe('007');
    // No cell is a formula: exceljs sees none, and the sheet's XML holds no <f> element.
    ws.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
    const zip = await openZip(out);
    try {
      const part = zip.has('xl/worksheets/sheet1.xml') ? 'xl/worksheets/sheet1.xml' : '';
      const chunks: Buffer[] = [];
      for await (const c of await zip.open(part)) chunks.push(c as Buffer);
      const xml = Buffer.concat(chunks).toString('utf8');
      expect(xml).toContain('=cmd|');
      expect(xml).not.toMatch(/<f[ >]/);
    } finally {
      zip.close();
    }
    // Written under a temporary name, renamed at the end: nothing else is left in the folder.
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('writes the same as CSV, formula-looking text neutralized, leading zeros kept', async () => {
    const out = join(tmp.dir, 'back.csv');
    const db = openDatabase(tmp.path);
    try {
      expect(await exportImportBack(db, importId, out)).toMatchObject({ format: 'csv', rows: 4, rejected: 1 });
      // An existing file is not replaced unless asked (the save dialog asks).
      await expect(exportImportBack(db, importId, out)).rejects.toThrow(/it already exists/);
      await exportImportBack(db, importId, out, { overwrite: true });
    } finally {
      db.close();
    }
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const rows = Papa.parse<string[]>(text.slice(1).trim(), { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual(['UPC', 'Description', 'Cost', 'Notes', 'Bin', ...PALLET_COLUMNS]);
    expect(rows.slice(1).map((r) => r.slice(0, 5))).toEqual([
      [A, 'Blue Widget', '12.50', "'=cmd|' /C calc'!A0", '007'],
      [B, 'Red Widget', '3', "'+sum(1)", 'A-01'],
      DATA[2],
      // A negative number stays a number (not prefixed); a text starting with @ is neutralized.
      [C, 'Green Widget', '2.5', "'@risk", '-4'],
    ]);
    expect(rows[1]!.slice(5)).toEqual([
      'B000TEST01',
      'Blue Widget',
      '29.99',
      '4.5',
      '3.22',
      '7.72',
      '9.77',
      '32.6',
      '78.2',
      '1400',
      '320',
      '',
      'Fees from the 2026 schedule.; Price from the Buy Box.',
    ]);
    expect(rows[3]!.at(-1)).toMatch(/^Not imported: Cost: "abc"/);
  });

  it('refuses an unknown import, a moved or changed source, and a format it cannot tell, with the reason', async () => {
    const db = openDatabase(tmp.path);
    try {
      await expect(exportImportBack(db, 999, join(tmp.dir, 'x.csv'))).rejects.toMatchObject({
        code: 'not_found',
        message: 'There is no import #999.',
      });
      await expect(exportImportBack(db, importId, join(tmp.dir, 'x.ods'))).rejects.toThrow(
        /name the file \.csv or \.xlsx/,
      );
      await expect(exportImportBack(db, importId, join(tmp.dir, 'nope', 'x.csv'))).rejects.toThrow(
        /cannot write .*x\.csv: its folder does not exist/,
      );
      writeFileSync(src, SOURCE.replace('Blue', 'Navy'));
      const err = await exportImportBack(db, importId, join(tmp.dir, 'y.csv')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExportBackError);
      expect(err).toMatchObject({ code: 'source_changed', message: expect.stringMatching(/changed since import #/) });
    } finally {
      writeFileSync(src, SOURCE);
      db.close();
    }
  });
});

describe('verdicts', () => {
  it('fills Verdict and its reasons once analyses have them (migration 011), else the analysis’s reasons', async () => {
    const db = openDatabase(tmp.path);
    try {
      const cols = (db.prepare('PRAGMA table_info(analyses)').all() as { name: string }[]).map((c) => c.name);
      // A database from before the verdicts: they are added as migration 011 adds them.
      if (!cols.includes('verdict'))
        db.exec(
          "ALTER TABLE analyses ADD COLUMN verdict TEXT; ALTER TABLE analyses ADD COLUMN verdict_reasons TEXT NOT NULL DEFAULT '[]'",
        );
      db.prepare('UPDATE analyses SET verdict = ?, verdict_reasons = ?').run(
        'check',
        JSON.stringify([
          { code: 'x', severity: 'check', text: 'Brand may be gated.' },
          { code: 'y', severity: 'info', text: 'Fast seller.' },
        ]),
      );
      const out = join(tmp.dir, 'verdict.csv');
      await exportImportBack(db, importId, out);
      const row = Papa.parse<string[]>(readFileSync(out, 'utf8').slice(1)).data[1]!;
      expect(row.slice(-2)).toEqual(['check', 'Brand may be gated.; Fast seller.']);
    } finally {
      db.exec("UPDATE analyses SET verdict = NULL, verdict_reasons = '[]'");
      db.close();
    }
  });
});

describe('a workbook import written back', () => {
  it('reads the import’s sheet again (past a cover sheet and title rows) and keeps its rows and columns', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Cover').addRow(['Acme price list — see next sheet']);
    const ws = wb.addWorksheet('Prices');
    ws.addRow(['Acme Wholesale']);
    ws.addRow([]);
    ws.addRow(['UPC', 'Item', 'Cost', 'Pack', 'Shelf']);
    ws.addRow([A, 'Blue Widget', 12.5, 6, '=HYPERLINK("x")']);
    ws.addRow([C, 'Green Widget', 2.25, 12, 'B7']);
    ws.addRow(['Total items: 2']);
    const file = join(tmp.dir, 'acme.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await cli('--db', tmp.path, 'import', file, '--sheet', 'Prices', '--json');
    expect(r.code).toBe(0);
    const id = JSON.parse(r.out).importId ?? JSON.parse(r.out).result?.importId;
    const out = join(tmp.dir, 'acme-back.xlsx');
    const db = openDatabase(tmp.path);
    try {
      expect(await exportImportBack(db, id, out)).toMatchObject({ rows: 2, matched: 2, rejected: 0 });
    } finally {
      db.close();
    }
    const back = new ExcelJS.Workbook();
    await back.xlsx.readFile(out);
    const values = back.worksheets[0]!.getSheetValues().slice(1) as unknown[][];
    expect(values.map((v) => v.slice(1, 7))).toEqual([
      ['UPC', 'Item', 'Cost', 'Pack', 'Shelf', 'ASIN'],
      [A, 'Blue Widget', 12.5, 6, '=HYPERLINK("x")', 'B000TEST01'],
      [C, 'Green Widget', 2.25, 12, 'B7', undefined],
    ]);
  });
});

describe('pallet export-import', () => {
  it('writes CSV or XLSX by the extension or --format, and says what it wrote', async () => {
    const csv = join(tmp.dir, 'cli.csv');
    const r = await cli('--db', tmp.path, 'export-import', String(importId), '--out', csv);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe(
      `Wrote 4 rows of import #${importId} to ${csv} (CSV): 3 with Pallet's figures, 1 rejected by the import.`,
    );
    expect(readFileSync(csv, 'utf8').split('\r\n')[1]).toBe(
      `${A},Blue Widget,12.50,"'=cmd|' /C calc'!A0",007,B000TEST01,Blue Widget,29.99,4.5,3.22,7.72,9.77,32.6,78.2,1400,320,,Fees from the 2026 schedule.; Price from the Buy Box.`,
    );
    const j = await cli(
      '--db',
      tmp.path,
      'export-import',
      String(importId),
      '--out',
      join(tmp.dir, 'cli.dat'),
      '--format',
      'xlsx',
      '--json',
    );
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out)).toMatchObject({ importId, format: 'xlsx', rows: 4 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(tmp.dir, 'cli.dat'));
    expect(wb.worksheets[0]!.getRow(2).getCell(1).value).toBe(A);
  });

  it('refuses a bad id, a missing import, an unknown format, a missing --out and an unwritable path', async () => {
    const run = (...a: string[]) => cli('--db', tmp.path, 'export-import', ...a);
    expect((await run('x', '--out', 'a.csv')).err).toMatch(/"x" is not an ID/);
    expect(await run('999', '--out', join(tmp.dir, 'a.csv'))).toMatchObject({
      code: 1,
      err: 'pallet: There is no import #999.',
    });
    const fmt = await run(String(importId), '--out', join(tmp.dir, 'a.csv'), '--format', 'ods');
    expect(fmt.code).toBe(2);
    expect(fmt.err).toMatch(/^pallet: "ods" is not an export format: use csv or xlsx\./);
    expect((await run(String(importId), '--out', join(tmp.dir, 'a.txt'))).err).toMatch(/Cannot tell the format/);
    expect((await run(String(importId))).err).toMatch(/needs --out FILE/);
    expect((await run(String(importId), '--out', join(tmp.dir, 'a.csv'), '--format', 'xlsx')).err).toMatch(
      /a\.csv ends in \.csv but the format asked for is xlsx/,
    );
    const denied = await run(String(importId), '--out', join(tmp.dir, 'missing-folder', 'a.xlsx'));
    expect(denied).toMatchObject({
      code: 1,
      err: expect.stringMatching(/cannot write .*a\.xlsx: its folder does not exist\./),
    });
    expect((await cli('--db', tmp.path, 'jobs', '--out', 'x')).err).toMatch(/--out only applies to "export-import"/);
  });
});
