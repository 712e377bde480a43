import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReport } from '../../../main/imports/report.ts';
import { readReportSample } from '../../../main/imports/report-sample.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

const HEADERS = ['UPC', 'Name', 'Cost'];
const lines = (path: string) => readFileSync(path, 'utf8').split('\r\n').slice(0, -1);
const cost = { column: 'Cost', value: 'abc', reason: 'not an amount' };
const qty = { column: 'Qty', value: '2.5', reason: 'not a whole number' };

describe('import report writer', () => {
  it('writes Row, Level, Message and the file’s columns, one line a row, with a BOM and formulas neutralized', () => {
    const path = join(tmp.dir, 'r', 'import-1.csv');
    const r = openReport(path, HEADERS, 0);
    r.add(2, 'error', [cost, { column: 'UPC', value: '12', reason: 'too short' }], ['12', 'Widget', 'abc']);
    r.add(3, 'warning', [qty], ['=1+1', '-Gadget', '4']);
    r.add(4, 'error', 'duplicate of row 2 (same barcode); the first row was kept', ['12', 'Widget', '1']);
    r.flush();
    r.close();
    expect(readFileSync(path, 'utf8').startsWith('\ufeffRow,Level,Message,UPC,Name,Cost\r\n')).toBe(true);
    expect(lines(path).slice(1)).toEqual([
      '2,error,"Cost: ""abc"" not an amount; UPC: ""12"" too short",12,Widget,abc',
      `3,warning,"Qty: ""2.5"" not a whole number","'=1+1","'-Gadget",4`,
      '4,error,duplicate of row 2 (same barcode); the first row was kept,12,Widget,1',
    ]);
  });

  it('a resume truncates to the saved length: warnings after the checkpoint are neither lost nor doubled', () => {
    const path = join(tmp.dir, 'import-1.csv');
    const first = openReport(path, HEADERS, 0);
    first.add(2, 'warning', [qty], ['1', 'A', '1']);
    first.flush();
    const saved = first.bytes;
    // Written, but the crash came before the checkpoint that would have covered them.
    first.add(3, 'warning', [qty], ['2', 'B', '2']);
    first.add(4, 'error', [cost], ['3', 'C', 'abc']);
    first.flush();
    first.close();
    expect(lines(path)).toHaveLength(4);

    const resumed = openReport(path, HEADERS, saved);
    expect(resumed.bytes).toBe(saved);
    // The same rows, read again.
    resumed.add(3, 'warning', [qty], ['2', 'B', '2']);
    resumed.add(4, 'error', [cost], ['3', 'C', 'abc']);
    resumed.flush();
    resumed.close();
    const text = readFileSync(path, 'utf8');
    expect(text.match(/\ufeff/g)).toHaveLength(1);
    expect(lines(path).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      '\ufeffRow,Level',
      '2,warning',
      '3,warning',
      '4,error',
    ]);
  });

  it('resumes a report an earlier version started in its own columns, telling warnings in the message', () => {
    const path = join(tmp.dir, 'import-1-errors.csv');
    const old = '\ufeffRow,Error,UPC,Name,Cost\r\n2,"Cost: ""abc"" not an amount",1,A,abc\r\n';
    writeFileSync(path, old);
    const r = openReport(path, HEADERS, Buffer.byteLength(old));
    r.add(3, 'warning', [qty], ['2', 'B', '2']);
    r.add(4, 'error', [cost], ['3', 'C', 'abc']);
    r.flush();
    r.close();
    expect(lines(path).slice(2)).toEqual([
      '3,"Warning: Qty: ""2.5"" not a whole number",2,B,2',
      '4,"Cost: ""abc"" not an amount",3,C,abc',
    ]);
  });
});

describe('report sample', () => {
  it('takes the first lines of each level, as written (formula guard removed)', async () => {
    const path = join(tmp.dir, 'import-1.csv');
    const r = openReport(path, HEADERS, 0);
    for (let row = 2; row < 40; row++) {
      if (row % 3 === 0) r.add(row, 'warning', [{ column: 'Qty', value: '-1', reason: 'not a positive number' }], []);
      else r.add(row, 'error', row === 2 ? '=bad' : [cost], ['x', 'y', 'z']);
    }
    r.flush();
    r.close();
    const s = await readReportSample(path, 3);
    expect(s.rejected).toEqual([
      { row: 2, message: '=bad' },
      { row: 4, message: 'Cost: "abc" not an amount' },
      { row: 5, message: 'Cost: "abc" not an amount' },
    ]);
    expect(s.warnings.map((w) => w.row)).toEqual([3, 6, 9]);
    expect(s.warnings[0]!.message).toBe('Qty: "-1" not a positive number');
  });

  it('reads no further than asked, never shows a cut line, and finds nothing in a missing report', async () => {
    const path = join(tmp.dir, 'import-1.csv');
    const r = openReport(path, HEADERS, 0);
    for (let row = 2; row < 2000; row++) r.add(row, 'error', [cost], ['x'.repeat(50), 'y', 'z']);
    r.add(2000, 'warning', [qty], []);
    r.flush();
    r.close();
    const s = await readReportSample(path, 1000, 1024);
    expect(s.rejected.length).toBeGreaterThan(3);
    expect(s.rejected.length).toBeLessThan(20);
    expect(s.rejected.every((l) => l.message === 'Cost: "abc" not an amount')).toBe(true);
    expect(s.warnings).toEqual([]);
    expect(await readReportSample(join(tmp.dir, 'none.csv'))).toEqual({ rejected: [], warnings: [] });
  });

  it('reads a report an earlier version wrote (Row, Error, …) as rejected rows', async () => {
    const path = tmp.file('import-1-errors.csv', '\ufeffRow,Error,UPC\r\n2,"Cost: ""abc"" not an amount",1\r\n');
    expect(await readReportSample(path)).toEqual({
      rejected: [{ row: 2, message: 'Cost: "abc" not an amount' }],
      warnings: [],
    });
  });
});
