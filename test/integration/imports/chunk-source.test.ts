import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startParser } from '../../../main/imports/chunk-source.ts';
import type { ParsedChunk } from '../../../main/imports/chunks.ts';
import type { ParseFileOptions } from '../../../main/imports/parse-file.ts';
import { ROW_WIDTH } from '../../../main/imports/product-row.ts';
import { tempDbPath } from '../../support/temp-db.ts';

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
