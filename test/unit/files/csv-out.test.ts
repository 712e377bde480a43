import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../main/files/csv-out.ts';

describe('toCsv', () => {
  it('neutralizes cells a spreadsheet would run as formulas', () => {
    const text = toCsv([['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', '\tx', '\rx', 'safe', -3]]);
    const [row] = Papa.parse<string[]>(text.trim()).data;
    expect(row!.slice(0, 6).every((c) => c.startsWith("'"))).toBe(true);
    expect(row!.slice(6)).toEqual(['safe', '-3']);
  });

  it('quotes delimiters, quotes and newlines so the file reads back the same', () => {
    const rows = [['a,b', 'say "hi"', 'two\nlines', '']];
    expect(Papa.parse<string[]>(toCsv(rows).trimEnd()).data).toEqual(rows);
  });
});
