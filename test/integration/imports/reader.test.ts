import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRecords, type ReadOptions } from '../../../main/imports/reader.ts';
import { BadFileError, sniffFile } from '../../../main/imports/sniff.ts';
import { encode } from '../../support/encodings.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

const write = (name: string, content: string | Buffer) => {
  const p = join(tmp.dir, name);
  writeFileSync(p, content);
  return p;
};

/** Reads a whole file from `startByte`; returns rows and every batch end (safe resume points). */
async function readAll(path: string, extra: Partial<ReadOptions> = {}) {
  const s = await sniffFile(path);
  const rows: string[][] = [];
  const ends: number[] = [];
  const oversized: [number, number][] = [];
  await readRecords({
    path,
    encoding: s.encoding,
    delimiter: s.delimiter,
    newline: s.newline,
    startByte: s.bomLength,
    onBatch: (b) => void (rows.push(...b.rows), ends.push(b.endByte)),
    onOversized: (a, b) => void oversized.push([a, b]),
    ...extra,
  });
  return { sniffed: s, rows: rows.filter((r) => !(r.length === 1 && r[0] === '')), ends, oversized };
}

const TEXT =
  'UPC;Name;Cost\r\n036000291452;"Crème brûlée, 6 × 100 g";12,50 €\r\n4006381333931;"Multi\r\nline ’quoted’";3,99\r\n';

describe('sniffing and reading real-world encodings', () => {
  // Blocking reads (the parsing thread's) and promise reads meet the same chunk boundaries mid-character alike.
  for (const enc of ['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1252'] as const)
    for (const blocking of [false, true])
      it(`reads ${enc}${blocking ? ' (blocking reads)' : ''}: encoding, delimiter, quoted newlines, accents`, async () => {
        const text = enc.startsWith('utf-16') ? TEXT.replaceAll(';', '\t') : TEXT;
        const { sniffed, rows, ends } = await readAll(write(`f-${enc}.csv`, encode(text, enc)), {
          chunkBytes: 7,
          blocking,
        });
        expect(ends.at(-1)).toBe(encode(text, enc).length);
        expect(sniffed.encoding).toBe(enc === 'utf-8-bom' ? 'utf-8' : enc);
        expect(sniffed.delimiter).toBe(enc.startsWith('utf-16') ? '\t' : ';');
        expect(rows).toEqual([
          ['UPC', 'Name', 'Cost'],
          ['036000291452', 'Crème brûlée, 6 × 100 g', '12,50 €'],
          ['4006381333931', 'Multi\r\nline ’quoted’', '3,99'],
        ]);
      });

  it('sniffs every delimiter, LF or CRLF, and ragged rows', async () => {
    for (const d of [',', ';', '\t', '|']) {
      const { sniffed, rows } = await readAll(write('d.csv', `a${d}b${d}c\na1${d}b1${d}c1${d}\n\na2${d}b2\n`));
      expect(sniffed.delimiter).toBe(d);
      expect(rows).toEqual([
        ['a', 'b', 'c'],
        ['a1', 'b1', 'c1', ''],
        ['a2', 'b2'],
      ]);
    }
  });

  it('resumes from any batch end without losing or repeating a row, in every encoding', async () => {
    for (const enc of ['utf-8', 'utf-16le', 'windows-1252'] as const) {
      const body = Array.from({ length: 60 }, (_, i) => `${i};"Café ${i}\nnext";€${i}`).join('\n');
      const path = write(`r-${enc}.csv`, encode(`id;name;cost\n${body}\n`, enc));
      const full = await readAll(path, { chunkBytes: 13 });
      expect(full.rows).toHaveLength(61);
      for (const end of full.ends) {
        const rest = await readAll(path, { startByte: end, chunkBytes: 29 });
        const head = full.rows.slice(0, full.rows.length - rest.rows.length);
        expect([...head, ...rest.rows]).toEqual(full.rows);
        expect(rest.rows.length).toBeLessThan(full.rows.length);
      }
    }
  });

  it('skips a row longer than the limit, reports where it was, and reads on', async () => {
    const huge = 'x'.repeat(5000);
    const { rows, oversized } = await readAll(write('big.csv', `a,b\n1,"${huge}\n${huge}"\n2,ok\n`), {
      maxRowChars: 1000,
      chunkBytes: 256,
    });
    expect(rows).toEqual([
      ['a', 'b'],
      ['2', 'ok'],
    ]);
    expect(oversized).toHaveLength(1);
    expect(oversized[0]![1] - oversized[0]![0]).toBe(2 + 1 + 5000 + 1 + 5000 + 2);
  });
});

describe('files Pallet refuses', () => {
  const refuse = async (content: string | Buffer) => {
    const err = await sniffFile(write('bad.csv', content)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadFileError);
    return err as BadFileError;
  };

  it('an empty file, blank lines only, a binary file renamed .csv, a missing file', async () => {
    expect((await refuse('')).code).toBe('empty');
    expect((await refuse('\r\n\n  \n')).code).toBe('empty');
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      Buffer.alloc(200, 7),
    ]);
    expect(await refuse(png)).toMatchObject({ code: 'binary', message: expect.stringMatching(/not a text file/) });
    const missing = await sniffFile(join(tmp.dir, 'nope.csv')).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'unreadable', message: expect.stringMatching(/does not exist/) });
  });

  it('a file that turns out not to be UTF-8 after its first megabyte', async () => {
    const head = 'a,b\n' + 'x,y\n'.repeat(300_000);
    const path = write('mixed.csv', Buffer.concat([Buffer.from(head), Buffer.from([0x61, 0xe9, 0x2c, 0x62, 0x0a])]));
    await expect(readAll(path)).rejects.toMatchObject({
      code: 'encoding',
      message: expect.stringMatching(/not valid UTF-8 near byte/),
    });
  });
});
