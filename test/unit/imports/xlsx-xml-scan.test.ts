// The workbook XML scanner against saxes (a full XML parser, kept as the reference): the same events for every part of
// real workbooks and for hand-written edge cases, whatever pieces the text arrives in; malformed XML refused by both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXmlScanner, XmlSyntaxError } from '../../../main/imports/xlsx/xml-scan.ts';
import { pieceSplits, writeSampleWorkbook } from '../../support/xlsx-samples.ts';

type Event = ['open', string, Record<string, string>] | ['text', string] | ['close', string];

const local = (n: string) => n.slice(n.indexOf(':') + 1);

/** Adjacent texts joined, empty ones dropped: how text arrives in pieces is not part of the contract. */
function normalize(events: Event[]): Event[] {
  const out: Event[] = [];
  for (const e of events) {
    const prev = out[out.length - 1];
    if (e[0] === 'text' && prev?.[0] === 'text') prev[1] += e[1];
    else out.push(e[0] === 'open' ? ['open', e[1], { ...e[2] }] : ([...e] as Event));
  }
  return out.filter((e) => !(e[0] === 'text' && e[1] === ''));
}

function withSaxes(xml: string): Event[] {
  const events: Event[] = [];
  const sax = new SaxesParser({ position: false });
  let failure: Error | null = null;
  sax.on('error', (err) => (failure ??= err));
  sax.on('opentag', (t) => events.push(['open', local(t.name), { ...(t as SaxesTagPlain).attributes }]));
  sax.on('text', (t) => events.push(['text', t]));
  sax.on('cdata', (t) => events.push(['text', t]));
  sax.on('closetag', (t) => events.push(['close', local(t.name)]));
  sax.write(xml).close();
  if (failure) throw failure;
  return normalize(events);
}

function withScanner(xml: string, pieces: number[]): Event[] {
  const events: Event[] = [];
  const s = createXmlScanner({
    open: (name, attrs) => events.push(['open', name, attrs]),
    text: (t) => events.push(['text', t]),
    close: (name) => events.push(['close', name]),
  });
  let at = 0;
  for (const len of pieces) {
    s.write(xml.slice(at, at + len));
    at += len;
  }
  s.write(xml.slice(at));
  s.end();
  return normalize(events);
}

const CASES: Record<string, string> = {
  sheet:
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
    '<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" s="2"><v>12.5</v></c><c r="C1" t="inlineStr"><is><t xml:space="preserve"> a &amp; b &lt;c&gt; </t></is></c></row>' +
    '<row r="3"><c r="A3" t="e"><v>#N/A</v></c><c r="B3"/><c r="C3"><f>SUM(A1:B1)</f><v>3</v></c></row></sheetData></worksheet>',
  prefixed:
    '<x:worksheet xmlns:x="urn:x"><x:sheetData><x:row r="1"><x:c r="A1" t="str"><x:v>caf&#233; &#x1F600;</x:v></x:c></x:row></x:sheetData></x:worksheet>',
  sharedStrings:
    '\uFEFF<sst count="3"><si><t>plain</t></si><si><r><rPr><b/></rPr><t>rich </t></r><r><t>text</t></r><rPh sb="0" eb="1"><t>ふり</t></rPh></si>' +
    '<si><t>line\r\nbreak and\rCR &quot;quoted&quot; &apos;s</t></si></sst>',
  oddities:
    '<!-- a comment --><root a=\'single "q"\' b = "x>y" c="&amp;&#10;"><!--inner--><![CDATA[<not a tag> & raw]]>' +
    '<empty/><empty   /><?pi some data?>tail</root>  \n',
  doctype: '<!DOCTYPE worksheet><worksheet><v>1</v></worksheet>',
};

const BAD: Record<string, string> = {
  unclosed: '<a><b></b>',
  mismatched: '<a><b></a></b>',
  textOutside: '<a/>text',
  twoRoots: '<a/><b/>',
  badEntity: '<a>&nbsp;</a>',
  inheritedName: '<a>&constructor;</a>',
  endsInTag: '<a><b attr="1"',
  unquoted: '<a b=1/>',
  ltInAttribute: '<a b="<"/>',
  noRoot: '   ',
  closesNothing: '</a>',
};

describe('the workbook XML scanner', () => {
  let dir: string;
  const parts: Record<string, string> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pallet-xml-scan-'));
    // A workbook as a spreadsheet writes it: shared strings, rich text, numbers, dates, a formula, two sheets.
    for (const shared of [true, false])
      for (const [name, xml] of Object.entries(await writeSampleWorkbook(join(dir, `wb-${shared}.xlsx`), shared)))
        parts[`${shared ? 'shared' : 'inline'}:${name}`] = xml;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every part of real workbooks as saxes does, in any pieces', () => {
    expect(Object.keys(parts).length).toBeGreaterThanOrEqual(10);
    for (const [name, xml] of Object.entries(parts)) {
      const expected = withSaxes(xml);
      expect(expected.length, name).toBeGreaterThan(2);
      for (const [k, cut] of pieceSplits(xml.length, 7).entries())
        expect(withScanner(xml, cut), `${name}, split ${k}`).toEqual(expected);
    }
  });

  for (const [name, xml] of Object.entries(CASES))
    it(`reads ${name} as saxes does, in any pieces`, () => {
      const expected = withSaxes(xml);
      for (const [k, cut] of pieceSplits(xml.length, name.length).entries())
        expect(withScanner(xml, cut), `split ${k}`).toEqual(expected);
    });

  it('refuses a tag longer than 1 MiB instead of waiting for its end without bound', () => {
    const s = createXmlScanner({});
    s.write('<root><c r="');
    expect(() => {
      for (let i = 0; i < 80; i++) s.write('x'.repeat(16 * 1024));
    }).toThrow(/longer than 1 MiB/);
  });

  it('meets arbitrary XML-ish text with events or an XmlSyntaxError, never another error', () => {
    const tokens = [
      '<',
      '>',
      '/',
      '<a>',
      '</a>',
      '<b x="1">',
      '</b>',
      '"',
      "'",
      '=',
      ' ',
      '&amp;',
      '&',
      ';',
      '<!--',
      '-->',
      '<![CDATA[',
      ']]>',
      '<?',
      '?>',
      'text',
      '\r\n',
      '<x:c r="A1"/>',
      '&#65;',
      '&#xZZ;',
    ];
    let x = 42;
    const rnd = (n: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), Math.floor((x / 2 ** 31) * n));
    let parsed = 0;
    for (let k = 0; k < 2000; k++) {
      let xml = '<r>';
      for (let t = rnd(30); t > 0; t--) xml += tokens[rnd(tokens.length)];
      xml += rnd(2) ? '</r>' : '';
      let reference: Event[] | null = null;
      try {
        reference = withSaxes(xml);
      } catch {
        // saxes refuses it: the scanner may too, or read it (it checks less).
      }
      try {
        const events = withScanner(xml, pieceSplits(xml.length, k)[rnd(4)]!);
        parsed++;
        if (reference) expect(events, xml).toEqual(reference);
      } catch (err) {
        expect(err, xml).toBeInstanceOf(XmlSyntaxError);
        expect(reference, `saxes reads what the scanner refused: ${xml}`).toBeNull();
      }
    }
    expect(parsed).toBeGreaterThan(20);
  });

  for (const [name, xml] of Object.entries(BAD))
    it(`refuses malformed XML: ${name} (as saxes does)`, () => {
      expect(() => withSaxes(xml)).toThrow();
      for (const cut of pieceSplits(xml.length, 3)) expect(() => withScanner(xml, cut)).toThrow(XmlSyntaxError);
    });
});
