import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStringTable } from '../../../main/imports/xlsx/shared-strings.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'pallet-sst-test-'));
  dirs.push(d);
  return d;
};

describe('shared-string table', () => {
  it('spills past its resident blocks and reads every string back, in any order', () => {
    const dir = tempDir();
    // Tiny blocks: most strings cross a block's end, multi-byte characters get split between blocks.
    const t = createStringTable({ blockBytes: 64, residentBlocks: 2, cachedBlocks: 2, dir });
    const words = Array.from(
      { length: 5_000 },
      (_, i) => `${i % 7 === 0 ? '' : 'é€😀'.repeat(i % 5)}SKU-${i}${'x'.repeat(i % 150)}`,
    );
    for (const w of words) t.push(w);
    expect(t.size).toBe(words.length);
    // In table order, backwards and scattered: the cache is refilled from the file each way.
    for (let i = 0; i < words.length; i++) expect(t.get(i)).toBe(words[i]);
    for (let i = words.length - 1; i >= 0; i -= 3) expect(t.get(i)).toBe(words[i]);
    for (let k = 0; k < 2_000; k++) {
      const i = (k * 7919) % words.length;
      expect(t.get(i)).toBe(words[i]);
    }
    expect(t.get(-1)).toBeUndefined();
    expect(t.get(words.length)).toBeUndefined();
    // The spill file was unlinked as soon as it was open: nothing is left to clean up, even after a kill.
    expect(readdirSync(dir)).toEqual([]);
    t.close();
  });

  it('keeps empty strings and a string larger than a block', () => {
    const t = createStringTable({ blockBytes: 32, residentBlocks: 1, cachedBlocks: 1, dir: tempDir() });
    const big = 'ü'.repeat(500);
    for (const w of ['', 'a', big, '', 'b']) t.push(w);
    expect([0, 1, 2, 3, 4].map((i) => t.get(i))).toEqual(['', 'a', big, '', 'b']);
    t.close();
  });

  it.each([
    ['tiny blocks', { blockBytes: 256, residentBlocks: 2, cachedBlocks: 1 }, 3_000],
    ['blocks as imports use them (pieces of 32 KiB decoded apart)', {}, 120_000],
  ])('reads strings back while the table is still filling, ASCII and turning non-ASCII: %s', (_, opts, count) => {
    const t = createStringTable({ ...opts, dir: tempDir() });
    const words: string[] = [];
    for (let i = 0; i < count; i++) {
      // Mostly ASCII; every 37th word brings a multi-byte character after ASCII text that was already read.
      const w = i % 37 === 36 ? `prix-${i}-€` : `SKU-${i}${'x'.repeat(i % 23)}`;
      t.push(w);
      words.push(w);
      // The newest string (in the piece being filled, past what was read of it so far) and an older one.
      expect(t.get(i)).toBe(w);
      expect(t.get(i >> 1)).toBe(words[i >> 1]);
    }
    for (let i = 0; i < words.length; i++) expect(t.get(i)).toBe(words[i]);
    for (let k = 0; k < 20_000; k++) {
      const i = (k * 7919) % words.length;
      expect(t.get(i)).toBe(words[i]);
    }
    t.close();
  });

  it('never touches the disk while the table fits its resident blocks', () => {
    const dir = tempDir();
    const t = createStringTable({ blockBytes: 1024, residentBlocks: 4, dir });
    for (let i = 0; i < 100; i++) t.push(`w${i}`);
    expect(t.get(99)).toBe('w99');
    expect(readdirSync(dir)).toEqual([]);
    t.close();
  });
});
