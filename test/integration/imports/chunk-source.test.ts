import { readdirSync, readlinkSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startParser } from '../../../main/imports/chunk-source.ts';
import type { ParsedChunk } from '../../../main/imports/chunks.ts';
import type { ParseFileOptions } from '../../../main/imports/parse-file.ts';
import { ROW_WIDTH } from '../../../main/imports/product-row.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { writeSampleWorkbook } from '../../support/xlsx-samples.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

const options = (path: string): ParseFileOptions => ({
  path,
  encoding: 'utf-8',
  delimiter: ',',
  newline: '\n',
  startByte: 0,
  chunkBytes: 64,
  headers: ['UPC', 'Name', 'Brand', 'Cost'],
  mapping: { gtin: 0, name: 1, brand: 2, cost: 3 },
  decimal: '.',
  rowNumber: 0,
  noteBudget: 100,
});

const rowNumbers = (chunks: ParsedChunk[]) =>
  chunks.flatMap((c) => c.keyed.filter((_, i) => i % ROW_WIDTH === ROW_WIDTH - 1).map(Number));

describe('the parsing thread, started ahead of its file', () => {
  it('waits for what to read, then hands over every row in file order', async () => {
    const parser = startParser(); // booting while the caller still plans
    // No barcodes: the rows are keyed by name and brand. Chunks of 64 bytes: several chunks, each a message.
    const path = tmp.file(
      'list.csv',
      ['UPC,Name,Brand,Cost', ...Array.from({ length: 20 }, (_, i) => `,Item ${i},Acme,${i + 1}`)].join('\n'),
    );
    await new Promise((r) => setTimeout(r, 20));
    const rows: number[] = [];
    const { stopped } = await parser.read(options(path), (chunks) => void rows.push(...rowNumbers(chunks)));
    expect(stopped).toBe(false);
    expect(rows).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    await expect(parser.read(options(path), () => undefined)).rejects.toThrow(/read its file already/);
  });

  it('hands over the chunks waiting behind a slow write together, four at most, still in file order', async () => {
    const parser = startParser();
    const path = tmp.file(
      'list.csv',
      ['UPC,Name,Brand,Cost', ...Array.from({ length: 40 }, (_, i) => `,Item ${i},Acme,${i + 1}`)].join('\n'),
    );
    const rows: number[] = [];
    const sizes: number[] = [];
    await parser.read(options(path), (chunks) => {
      // The first write takes long: meanwhile the thread parses ahead. Long enough for a thread starved of a core
      // on a loaded machine to parse the 40 rows (300 ms was not, once, in CI); the assertions are on order and sizes.
      if (sizes.length === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
      sizes.push(chunks.length);
      rows.push(...rowNumbers(chunks));
    });
    expect(rows).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    // The first batch is what was waiting when the writer first looked (one chunk, or two on a slow start); behind
    // the slow write the thread parsed on, and the next batch takes four of the chunks waiting.
    expect(sizes[0]).toBeLessThanOrEqual(4);
    expect(sizes[1]).toBe(4);
    expect(Math.max(...sizes)).toBe(4);
  });

  it('closed unused, it reads nothing; a read after that is refused', async () => {
    const parser = startParser();
    parser.close();
    await expect(
      parser.read(options(tmp.file('x.csv', 'UPC,Name,Brand,Cost\n,A,B,1')), () => undefined),
    ).rejects.toThrow(/read its file already/);
  });

  it('a file gone since planning fails with its own error after an early start', async () => {
    const parser = startParser();
    await expect(parser.read(options(`${tmp.dir}/missing.csv`), () => undefined)).rejects.toThrow(/missing\.csv/);
  });
});

describe('the parsing thread, told the file ahead', () => {
  const xlsxOptions = (path: string): ParseFileOptions => ({
    ...options(path),
    chunkBytes: undefined,
    headers: ['UPC', 'Name', 'Cost', 'Date', 'Flag'],
    mapping: { gtin: 0, name: 1, cost: 2 },
    xlsx: { sheet: null },
  });
  // This process's files open on the workbook, and its strings' temporary files (unlinked while open).
  const openOn = (path: string) =>
    readdirSync('/proc/self/fd').filter((fd) => {
      try {
        const target = readlinkSync(`/proc/self/fd/${fd}`);
        return target === path || target.includes('pallet-sst-');
      } catch {
        return false; // closed meanwhile
      }
    }).length;
  /** Polls until `ok` holds (the thread works on its own time), failing after a few seconds. */
  const until = async (ok: () => boolean, what: string) => {
    for (let i = 0; i < 250 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
    if (!ok()) throw new Error(`still not ${what}`);
  };
  const readAll = async (parser: ReturnType<typeof startParser>, o: ParseFileOptions) => {
    const got: ParsedChunk[] = [];
    await parser.read(o, (chunks) => void got.push(...chunks));
    return got;
  };

  it('reads a workbook opened ahead exactly as one opened when reading starts', async () => {
    const path = tmp.file('list.xlsx', '');
    await writeSampleWorkbook(path, true);
    const plain = await readAll(startParser(), xlsxOptions(path));
    const parser = startParser(path);
    // Planning takes a while: the workbook is open (and its strings loaded) before reading starts.
    await new Promise((r) => setTimeout(r, 300));
    const early = await readAll(parser, xlsxOptions(path));
    // Every row of the sheet, whatever became of it (written, staged by name, rejected).
    const rows = (cs: ParsedChunk[]) =>
      cs.reduce((n, c) => n + (c.barcoded.length + c.keyed.length) / ROW_WIDTH + c.rejected.length, 0);
    expect(rows(early)).toBeGreaterThanOrEqual(400);
    expect(early).toEqual(plain);
    // Read to the end, the workbook leaves nothing open in this process (the thread is stopped once it has read).
    await until(() => openOn(path) === 0, 'closed once read');
  });

  it('closes a workbook opened ahead that is not read: told another file, or closed unused', async () => {
    // Shared strings past the table's first megabyte go to a temporary file, open until the workbook is closed.
    const path = tmp.file('list.xlsx', '');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
    const ws = wb.addWorksheet('Price list');
    ws.addRow(['UPC', 'Name', 'Cost', 'Date', 'Flag']).commit();
    for (let i = 0; i < 30_000; i++) ws.addRow([`${i}`, `Item ${i} ${'with a long name '.repeat(3)}`, 1]).commit();
    ws.commit();
    await wb.commit();
    const csv = tmp.file('list.csv', 'UPC,Name,Brand,Cost\n,A,B,1\n');
    const unused = startParser(path);
    await until(() => openOn(path) > 1, 'opened ahead with its strings');
    unused.close();
    await until(() => openOn(path) === 0, 'closed after close()');

    const other = startParser(path);
    await until(() => openOn(path) > 1, 'opened ahead with its strings');
    const rows: number[] = [];
    await other.read(options(csv), (chunks) => void rows.push(...rowNumbers(chunks)));
    expect(rows).toEqual([2]);
    await until(() => openOn(path) === 0, 'closed once another file was read');
  });

  it('told a file that is no workbook (or is gone), reads what it is then given as before', async () => {
    const csv = tmp.file('list.csv', 'UPC,Name,Brand,Cost\n,A,B,1\n,C,D,2\n');
    for (const ahead of [csv, `${tmp.dir}/missing.xlsx`]) {
      const rows: number[] = [];
      await startParser(ahead).read(options(csv), (chunks) => void rows.push(...rowNumbers(chunks)));
      expect(rows).toEqual([2, 3]);
    }
  });
});
