// A sheet's rows read by position (the fast path) against the same rows read through the scanner's events: identical
// rows, row numbers and error-cell counts — or the same refusal — for real workbooks, hand-written shapes and random
// sheets, whatever pieces the text arrives in. And the fast path really is the one a spreadsheet's rows take.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sheetRowHandlers } from '../../../main/imports/xlsx/rows.ts';
import { createStringTable } from '../../../main/imports/xlsx/shared-strings.ts';
import { createXmlScanner, XmlSyntaxError } from '../../../main/imports/xlsx/xml-scan.ts';
import { pieceSplits, randomCuts, writeSampleWorkbook } from '../../support/xlsx-samples.ts';

type Outcome = { rows: [number, string[]][]; errorCells: number; ends: number; fast: number } | { error: string };

const strings = createStringTable();
for (const s of ['zero', 'one & two', ' spaced ', '']) strings.push(s);
// Style 2 shows a date, as a workbook's styles would say.
const ctx = { wb: { dateStyles: [false, false, true], date1904: false }, strings };

/** Reads `xml` in pieces of the given lengths, with or without the fast path. */
function read(xml: string, pieces: number[], fast: boolean): Outcome {
  const rows: [number, string[]][] = [];
  let ends = 0;
  const reader = sheetRowHandlers(
    ctx,
    (cells, n) => rows.push([n, cells]),
    () => ends++,
    { fast },
  );
  let taken = 0;
  const element = reader.handlers.element;
  const handlers = element
    ? {
        ...reader.handlers,
        element: {
          name: element.name,
          take: (s: string, from: number, end: number) => element.take(s, from, end) && ++taken > 0,
        },
      }
    : reader.handlers;
  const scanner = createXmlScanner(handlers);
  try {
    let at = 0;
    for (const len of pieces) {
      scanner.write(xml.slice(at, at + len));
      at += len;
    }
    scanner.write(xml.slice(at));
    scanner.end();
  } catch (err) {
    if (err instanceof XmlSyntaxError) return { error: 'XmlSyntaxError' };
    throw err;
  }
  return { rows, errorCells: reader.errorCells(), ends, fast: taken };
}

/** The outcome without the count of rows taken fast (the only thing allowed to differ). */
const comparable = (o: Outcome) => ('error' in o ? o : { ...o, fast: 0 });

function expectSame(xml: string, label: string): Outcome {
  const reference = read(xml, [], false);
  for (const [k, cut] of pieceSplits(xml.length, xml.length).entries())
    expect(comparable(read(xml, cut, true)), `${label}, split ${k}`).toEqual(comparable(reference));
  return reference;
}

const sheet = (rows: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="urn:s"><sheetData>${rows}</sheetData></worksheet>`;

const SHAPES: Record<string, string> = {
  plain:
    '<row r="1" spans="1:3"><c r="A1" t="s"><v>1</v></c><c r="B1" s="2"><v>45000</v></c><c r="C1"><v>012.50</v></c></row>' +
    '<row r="4"><c r="B4" t="str"><v>a &amp; b &#233;</v></c><c r="D4" t="b"><v>1</v></c></row>',
  inline: '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> x &lt;y&gt; </t></is></c></row>',
  inlineSpaced: '<row r="2"><c r="A2" t="inlineStr"><is>\n  <t>x</t>\n</is></c></row>',
  emptyT: '<row r="2"><c r="A2" t="inlineStr"><is><t/></is></c><c r="B2"><v></v></c></row>',
  formula: '<row r="3"><c r="A3"><f>SUM(B1:B2)</f><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>4</v></c></row>',
  formulaEntity: '<row r="3"><c r="A3"><f>A1&amp;B1</f><v>x</v></c></row>',
  errors: '<row r="5"><c r="A5" t="e"><v>#N/A</v></c><c r="B5" t="e"/><c r="C5"><v>7</v></c></row>',
  selfClosedCells: '<row r="6"><c r="A6" s="1"/><c r="B6" t="s"/><c r="C6"/></row>',
  noRefs: '<row><c><v>1</v></c><c><v>2</v></c></row><row><c t="s"><v>2</v></c></row>',
  emptyRefs: '<row r=""><c r=""><v>1</v></c><c r="C1"><v>2</v></c><c><v>3</v></c></row>',
  badRefs: '<row r="1"><c r="12"><v>1</v></c><c><v>2</v></c></row>',
  manyValues: '<row r="1"><c r="A1" t="str"><v>a</v><v>b</v></c></row>',
  pretty: '\n<row r="1">\n  <c r="A1">\n    <v>1</v>\n  </c>\n  <c r="B1" t="s"><v>0</v></c>\n</row>\n',
  crlf: '<row r="1"><c r="A1" t="str"><v>line\r\nbreak</v></c></row>',
  singleQuotes: "<row r='1'><c r='A1' t='str'><v>q</v></c></row>",
  spacedAttributes: '<row r = "1"><c r="A1"  t="str" ><v>q</v></c></row>',
  attributeEntity: '<row r="1"><c r="A&#49;" t="str"><v>q</v></c></row>',
  rich: '<row r="1"><c r="A1" t="inlineStr"><is><r><rPr><b/></rPr><t>bold</t></r><r><t> plain</t></r></is></c></row>',
  phonetic: '<row r="1"><c r="A1" t="inlineStr"><is><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh></is></c></row>',
  comment: '<row r="1"><!-- note --><c r="A1"><v>1</v></c></row>',
  cdata:
    '<row r="1"><c r="A1" t="str"><v><![CDATA[</row> & <c>]]></v></c></row><row r="2"><c r="A2"><v>2</v></c></row>',
  textInRow: '<row r="1">stray<c r="A1"><v>1</v></c></row>',
  otherElement: '<row r="1"><c r="A1"><v>1</v><extLst/></c></row>',
  valueAttributes: '<row r="1"><c r="A1"><v xml:space="preserve"> 1 </v></c></row>',
  selfClosedRow: '<row r="1"/><row r="2"><c r="A2"><v>2</v></c></row>',
  rowLike: '<rows/><row r="1"><c r="A1"><v>1</v></c></row>',
  prefixed: '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>',
  dates:
    '<row r="9"><c r="A9" s="2"><v>45000.5</v></c><c r="B9" s="2"><v>1</v></c><c r="C9" t="d"><v>2024-03-05T00:00:00Z</v></c></row>',
  spacedClose: '<row r="1"><c r="A1"><v>1</v ></c ></row>',
};

const BAD: Record<string, string> = {
  badEntityInValue: '<row r="1"><c r="A1" t="str"><v>&nbsp;</v></c></row>',
  badEntityInFormula: '<row r="1"><c r="A1"><f>&bogus;</f><v>1</v></c></row>',
  ltInAttribute: '<row r="1"><c r="<A1"><v>1</v></c></row>',
  unclosedCell: '<row r="1"><c r="A1"><v>1</v></row>',
  mismatched: '<row r="1"><c r="A1"><v>1</c></v></row>',
  noSpaceBetweenAttributes: '<row r="1"><c r="A1"t="s"><v>1</v></c></row>',
  unquoted: '<row r="1"><c r=A1><v>1</v></c></row>',
  badCharReference: '<row r="1"><c r="A1" t="str"><v>&#xZZ;</v></c></row>',
};

describe('reading a sheet by position', () => {
  let dir: string;
  const sheets: Record<string, string> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pallet-xlsx-rows-'));
    for (const shared of [true, false]) {
      const parts = await writeSampleWorkbook(join(dir, `wb-${shared}.xlsx`), shared);
      sheets[shared ? 'shared' : 'inline'] = parts['xl/worksheets/sheet1.xml']!;
    }
  });
  afterAll(() => {
    strings.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the sheets of real workbooks as the scanner does, almost every row by position', () => {
    for (const [name, xml] of Object.entries(sheets)) {
      const reference = expectSame(xml, name);
      if ('error' in reference) throw new Error(`${name}: ${reference.error}`);
      expect(reference.rows.length, name).toBeGreaterThan(400);
      const whole = read(xml, [], true);
      if ('error' in whole) throw new Error(whole.error);
      // Every row in the plain shape; the rich-text row is the scanner's.
      expect(whole.fast, name).toBeGreaterThanOrEqual(reference.rows.length - 1);
      // In 16 KiB pieces (as the file is read) only a row cut between two pieces is left to the scanner.
      const cut = read(xml, Array<number>(Math.ceil(xml.length / 16384)).fill(16384), true);
      if ('error' in cut) throw new Error(cut.error);
      expect(cut.fast, name).toBeGreaterThanOrEqual(reference.rows.length - 2 - Math.ceil(xml.length / 16384));
    }
  });

  for (const [name, rows] of Object.entries(SHAPES))
    it(`reads ${name} as the scanner does, in any pieces`, () => {
      const reference = expectSame(sheet(rows), name);
      expect('error' in reference, name).toBe(false);
    });

  it('takes the plain shapes by position and leaves the others to the scanner', () => {
    const fastOnes = ['plain', 'inline', 'inlineSpaced', 'emptyT', 'formula', 'formulaEntity', 'errors', 'pretty'];
    const slowOnes = ['rich', 'phonetic', 'comment', 'textInRow', 'otherElement', 'valueAttributes', 'prefixed'];
    for (const name of fastOnes) {
      const o = read(sheet(SHAPES[name]!), [], true);
      expect('error' in o ? -1 : o.fast, name).toBeGreaterThan(0);
    }
    for (const name of slowOnes) {
      const o = read(sheet(SHAPES[name]!), [], true);
      expect('error' in o ? -1 : o.fast, name).toBe(0);
    }
  });

  for (const [name, rows] of Object.entries(BAD))
    it(`refuses ${name} as the scanner does`, () => {
      const reference = expectSame(sheet(rows), name);
      expect(reference).toEqual({ error: 'XmlSyntaxError' });
    });

  it('reads 3,000 random sheets as the scanner does, rows or refusal', () => {
    const cellTokens = [
      '<c r="A1">',
      '<c r="B1" t="s">',
      '<c t="str" s="2">',
      '<c r="" s="1">',
      '<c r="C1"/>',
      '<c>',
      '</c>',
      '<v>',
      '</v>',
      '<v/>',
      '<f>',
      '</f>',
      '<f t="shared"/>',
      '<is>',
      '</is>',
      '<t>',
      '</t>',
      '<t xml:space="preserve">',
      '<r>',
      '</r>',
      '<rPh>',
      '</rPh>',
      '1',
      '2.5',
      'text',
      '&amp;',
      '&bad;',
      '&#65;',
      ' ',
      '\n',
      '\r\n',
      '<',
      '>',
      '"',
      '<!-- c -->',
      '<![CDATA[x]]>',
      '<row r="5">',
      '</row>',
      '<row>',
    ];
    let x = 7;
    const rnd = (n: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), Math.floor((x / 2 ** 31) * n));
    let refused = 0;
    let fastRows = 0;
    for (let k = 0; k < 3000; k++) {
      let rows = '';
      for (let r = 0, nr = 1 + rnd(4); r < nr; r++) {
        // Mostly well-formed cells, with random tokens mixed in.
        rows += rnd(3) === 0 ? '<row>' : `<row r="${1 + rnd(9)}">`;
        for (let c = 0, nc = rnd(5); c < nc; c++) {
          if (rnd(4) === 0) rows += cellTokens[rnd(cellTokens.length)]!;
          else {
            const t = ['', ' t="s"', ' t="str"', ' t="e"', ' t="inlineStr"', ' t="b"'][rnd(6)]!;
            const v = t === ' t="inlineStr"' ? `<is><t>${rnd(100)}</t></is>` : `<v>${rnd(4)}</v>`;
            rows += `<c r="${String.fromCharCode(65 + rnd(6))}${r + 1}"${t}${rnd(2) ? ' s="2"' : ''}>${v}</c>`;
          }
        }
        rows += '</row>';
      }
      const xml = sheet(rows);
      const reference = read(xml, [], false);
      if ('error' in reference) refused++;
      for (const cut of [[], randomCuts(xml.length, k, 7)]) {
        const fast = read(xml, cut, true);
        expect(comparable(fast), `${k}: ${xml}`).toEqual(comparable(reference));
        if (!('error' in fast)) fastRows += fast.fast;
      }
    }
    // Both sides of the contract were exercised: refusals and rows taken by position.
    expect(refused).toBeGreaterThan(100);
    expect(fastRows).toBeGreaterThan(1000);
  });
});
