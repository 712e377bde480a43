import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { createChunkParser, MAX_FOOTER_ROWS, type ParsedChunk } from '../../../main/imports/chunks.ts';
import { proposeMapping } from '../../../main/imports/mapping.ts';
import { ROW_WIDTH } from '../../../main/imports/product-row.ts';

const HEADERS = ['UPC', 'Name', 'Brand', 'Cost'];
const parser = (extra: Partial<Parameters<typeof createChunkParser>[0]> = {}) =>
  createChunkParser({
    headers: HEADERS,
    mapping: proposeMapping(HEADERS),
    decimal: '.',
    rowNumber: 0,
    noteBudget: 100,
    ...extra,
  });
const rows = (lines: string[]) => Papa.parse<string[]>(lines.join('\n'), { skipEmptyLines: false }).data;
/** Row numbers of the rows a chunk imports (the row number ends each flat row). */
const imported = (c: ParsedChunk) =>
  [...c.barcoded, ...c.keyed].filter((_, i) => i % ROW_WIDTH === ROW_WIDTH - 1).sort((a, b) => Number(a) - Number(b));
const summary = (chunks: ParsedChunk[]) => ({
  imported: chunks.flatMap(imported),
  rejected: chunks.flatMap((c) => c.rejected.map((r) => r.row)),
  footers: chunks.reduce((n, c) => n + c.footers, 0),
  blank: chunks.reduce((n, c) => n + c.blank, 0),
});

const FOOTER = ['', 'Total items: 3', 'Thank you for your business', 'Page 1 of 1'];

describe('chunk parser: footers', () => {
  it('a footer block after the data is counted, not rejected, wherever the chunks split it', () => {
    const all = rows([
      'UPC,Name,Brand,Cost',
      '036000291452,Widget,Acme,2.50',
      '036000291469,Total Gym Pro,Total Fitness,129.99',
      '4006381333931,Gadget,Globex,1.20',
      ...FOOTER,
    ]);
    for (let cut = 1; cut < all.length; cut++) {
      const p = parser();
      const chunks = [p.parse(all.slice(0, cut), 10), p.parse(all.slice(cut), 20), p.parse([], 20, true)];
      expect(summary(chunks), `cut after record ${cut}`).toEqual({
        imported: [2, 3, 4],
        rejected: [],
        footers: 3,
        blank: 1,
      });
    }
  });

  it('a footer-looking row in the middle of the data hides nothing: it is a bad row once data follows it', () => {
    const all = rows([
      'UPC,Name,Brand,Cost',
      '036000291452,Widget,Acme,2.50',
      'Subtotal,,,',
      '',
      '4006381333931,Gadget,Globex,1.20',
      ',Totally Nuts 200g,Nutco,3.20',
      'Total',
    ]);
    for (let cut = 1; cut < all.length; cut++) {
      const p = parser();
      const chunks = [p.parse(all.slice(0, cut), 10), p.parse(all.slice(cut), 20), p.parse([], 20, true)];
      expect(summary(chunks), `cut after record ${cut}`).toEqual({
        imported: [2, 5, 6],
        rejected: [3],
        footers: 1,
        blank: 1,
      });
    }
  });

  it('rows held at a checkpoint are decided by what the resumed run reads next', () => {
    const held = [{ row: 7, cells: ['Total', '', '', ''] }];
    // The file ends after them: footers.
    const atEnd = parser({ rowNumber: 7, held });
    expect(summary([atEnd.parse(rows(['']), 30), atEnd.parse([], 30, true)])).toMatchObject({
      footers: 1,
      rejected: [],
    });
    // Data follows: the held row is a bad row, with its own row number.
    const more = parser({ rowNumber: 7, held });
    const c = more.parse(rows(['036000291452,Widget,Acme,2.50']), 40);
    expect(summary([c])).toMatchObject({ imported: [8], rejected: [7], footers: 0 });
    expect(c.rejected[0]!.cells).toEqual(['Total', '', '', '']);
  });

  it('a chunk carries the rows it holds, so the checkpoint can save them', () => {
    const p = parser();
    const c = p.parse(rows(['UPC,Name,Brand,Cost', '036000291452,Widget,Acme,2.50', 'Total items: 1']), 10);
    expect(c.held).toEqual([{ row: 3, cells: ['Total items: 1'] }]);
  });

  it('skips the rows above the header row, whether reading starts at the header or at the top', () => {
    const file = rows([
      'ACME Ltd',
      'Price list effective 1 March 2024',
      '',
      'UPC,Name,Brand,Cost',
      '036000291452,Widget,Acme,2.50',
    ]);
    const fromTop = parser({ headerRow: 4 });
    expect(summary([fromTop.parse(file, 10), fromTop.parse([], 10, true)])).toEqual({
      imported: [5],
      rejected: [],
      footers: 0,
      blank: 0,
    });
    const fromHeader = parser({ headerRow: 4, rowNumber: 3 });
    expect(summary([fromHeader.parse(file.slice(3), 10), fromHeader.parse([], 10, true)])).toEqual({
      imported: [5],
      rejected: [],
      footers: 0,
      blank: 0,
    });
  });
});

describe('chunk parser: footer-looking rows held at once', () => {
  it('a run longer than MAX_FOOTER_ROWS is released as rejected rows, so what is held stays bounded', () => {
    const p = parser();
    const totals = Array.from({ length: MAX_FOOTER_ROWS + 10 }, () => 'Total');
    const c = p.parse(rows(['UPC,Name,Brand,Cost', '036000291452,Widget,Acme,2.50', ...totals]), 10);
    expect(c.rejected.map((r) => r.row)).toEqual(Array.from({ length: MAX_FOOTER_ROWS + 1 }, (_, i) => i + 3));
    expect(c.held).toHaveLength(9);
    expect(p.parse([], 10, true).footers).toBe(9);
  });
});
