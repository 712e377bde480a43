// A worksheet streamed row by row: each row an array of cell texts indexed by column (A = 0), gaps kept as ''.
import { columnIndex, numberText, serialToIso } from './cells.ts';
import type { StringTable } from './shared-strings.ts';
import type { SheetInfo, Workbook } from './workbook.ts';
import { parseXmlStream, type XmlHandlers } from './xml.ts';
import { decodeText, isNameEnd, isSpace } from './xml-scan.ts';

export interface SheetRowsOptions {
  /** Rows numbered up to this (1-based, as the sheet numbers them) are read past without being handed over. */
  after: number;
  /** Rows per batch handed over. */
  batchRows: number;
  /**
   * Takes a batch of consecutive rows ending at sheet row `lastRow`; `fraction` is the share of the sheet's XML read
   * so far. Returning 'stop' ends reading.
   */
  onRows(rows: string[][], lastRow: number, fraction: number): void | 'stop';
  /** After each piece of the sheet read: a promise while the rows' consumer is behind (reading waits for it). */
  pause?(): Promise<void> | null;
}

/** What reading found: whether it was stopped, the last row handed over, and how many error cells became ''. */
export interface SheetRowsResult {
  stopped: boolean;
  lastRow: number;
  errorCells: number;
}

/** Pads a row with '' up to `width` cells, as a CSV export writes a row's empty trailing cells. */
export function padRow(row: string[], width: number): string[] {
  while (row.length < width) row.push('');
  return row;
}

// A number as Excel stores most: canonical (no leading or trailing zeros, no exponent), at most 15 digits. numberText
// prints exactly this text for its value (15 significant digits always round-trip), so it is passed through.
const PLAIN_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;
const plainNumber = (v: string) => v.length <= 17 && v !== '-0' && PLAIN_NUMBER.test(v) && digitCount(v) <= 15;
const digitCount = (v: string) => v.length - (v.charCodeAt(0) === 45 ? 1 : 0) - (v.indexOf('.') >= 0 ? 1 : 0);

/** The text the CSV path would have seen for a cell, from its type, style and stored value. */
function cellText(
  t: string,
  v: string,
  style: number,
  wb: Pick<Workbook, 'dateStyles' | 'date1904'>,
  strings: StringTable,
): string | null {
  switch (t) {
    case 's':
      return strings.get(Number(v)) ?? '';
    case 'inlineStr':
    case 'str':
      return v;
    case 'b':
      return v === '1' || v === 'true' ? 'TRUE' : 'FALSE';
    case 'e':
      return null;
    case 'd':
      // ISO 8601 stored as such (strict OOXML); a midnight time is a plain date.
      return v.replace(/T00:00:00(\.0+)?Z?$/, '');
    default: {
      // Most numeric cells (barcodes, packs, prices) are stored as the text numberText would print: kept as they are.
      if (!wb.dateStyles[style] && plainNumber(v)) return v;
      if (v.trim() === '') return '';
      const n = Number(v);
      if (Number.isNaN(n)) return v;
      return wb.dateStyles[style] ? serialToIso(n, wb.date1904) : numberText(n);
    }
  }
}

/** A cell's type attribute in s[from, to): the one-letter types without a new string. */
function typeAt(s: string, from: number, to: number): string {
  if (to - from === 1) {
    switch (s.charCodeAt(from)) {
      case 115:
        return 's';
      case 110:
        return 'n';
      case 98:
        return 'b';
      case 101:
        return 'e';
      case 100:
        return 'd';
    }
  }
  return s.slice(from, to);
}

/** Number() of s[from, to): plain digits read in place, anything else as Number reads it. */
function numberAt(s: string, from: number, to: number): number {
  if (to === from || to - from > 9) return Number(s.slice(from, to));
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number(s.slice(from, to));
    n = n * 10 + d;
  }
  return n;
}

/** What turning a sheet's XML into rows needs: the workbook's date styles and date system, and its strings. */
export interface SheetContext {
  wb: Pick<Workbook, 'dateStyles' | 'date1904'>;
  strings: StringTable;
}

/**
 * The scanner handlers that turn a sheet's XML into rows: `onRow(cells, number)` gets each row that holds something
 * (cells indexed by column, gaps ''), `onEnd` the end of `sheetData`. Whole rows in the plain shape every spreadsheet
 * writes are read by position (`fast`, default on: no event or attribute object per tag); anything else — rich text,
 * phonetic runs, comments, CDATA, prefixes, a row cut between two pieces — goes through the scanner's events, which
 * give the same rows (tested side by side).
 */
export function sheetRowHandlers(
  ctx: SheetContext,
  onRow: (cells: string[], number: number) => void,
  onEnd: () => void,
  opts: { fast?: boolean } = {},
): { handlers: XmlHandlers; errorCells(): number } {
  const { wb, strings } = ctx;
  let rowNo = 0;
  let row: string[] | null = null;
  let errorCells = 0;
  // The cell being read.
  let col = -1;
  let type = '';
  let style = 0;
  let text = '';
  let inValue = false;
  let inRph = false;

  /** A row's cells read: numbered as the sheet says, filled up to its last cell. */
  const rowDone = (cells: string[]) => {
    if (cells.length === 0) return;
    for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = '';
    onRow(cells, rowNo);
  };

  // The fast path's attribute reader: where the tag's r, s and t values lie (the last of a repeated one wins, as in
  // the scanner; -1: absent). Positions, not slices: three strings a cell were a third of reading a sheet's rows.
  let rFrom = -1;
  let rTo = -1;
  let sFrom = -1;
  let sTo = -1;
  let tFrom = -1;
  let tTo = -1;
  let selfClosed = false;
  /**
   * Reads a tag's attributes from `i` (just past its name) to its ">" or "/>", before `limit`; returns the index
   * past the tag, or -1 for anything the scanner should judge (no space before an attribute, spaces around "=",
   * "<" or "&" in a value, a tag running past the row).
   */
  const attrsOf = (s: string, i: number, limit: number): number => {
    rFrom = sFrom = tFrom = -1;
    for (;;) {
      let c = s.charCodeAt(i);
      const spaced = isSpace(c);
      while (isSpace(c)) c = s.charCodeAt(++i);
      if (i >= limit) return -1;
      if (c === 62 /* > */) {
        selfClosed = false;
        return i + 1;
      }
      if (c === 47 /* / */) {
        if (s.charCodeAt(i + 1) !== 62 || i + 1 >= limit) return -1;
        selfClosed = true;
        return i + 2;
      }
      if (!spaced) return -1;
      const from = i;
      while (i < limit && (c = s.charCodeAt(i)) !== 61 /* = */) {
        if (isSpace(c) || c === 60 || c === 62 || c === 34 || c === 39 || c === 47) return -1;
        i++;
      }
      if (i >= limit || i === from) return -1;
      const q = s.charCodeAt(i + 1);
      if (q !== 34 && q !== 39) return -1;
      const e = s.indexOf(q === 34 ? '"' : "'", i + 2);
      if (e < 0 || e >= limit) return -1;
      for (let k = i + 2; k < e; k++) {
        const v = s.charCodeAt(k);
        if (v === 60 || v === 38 || v === 13) return -1;
      }
      if (i - from === 1) {
        const name = s.charCodeAt(from);
        if (name === 114 /* r */) {
          rFrom = i + 2;
          rTo = e;
        } else if (name === 115 /* s */) {
          sFrom = i + 2;
          sTo = e;
        } else if (name === 116 /* t */) {
          tFrom = i + 2;
          tTo = e;
        }
      }
      i = e + 1;
    }
  };
  const skipSpace = (s: string, i: number): number => {
    while (isSpace(s.charCodeAt(i))) i++;
    return i;
  };
  /** Index past `</name>` when the text at `i` runs to it with no other markup; -1 otherwise. */
  const textTo = (s: string, i: number, close: string, limit: number): number => {
    const e = s.indexOf('<', i);
    return e >= 0 && e < limit && s.startsWith(close, e) ? e : -1;
  };

  /** Reads `<row …>…</row>` (`end` at its closing tag) by position; false when it is not in the plain shape. */
  const takeRow = (s: string, from: number, end: number): boolean => {
    let i = attrsOf(s, from + 4, end);
    if (i < 0 || selfClosed) return false;
    const rowR = rFrom >= 0 ? s.slice(rFrom, rTo) : undefined;
    const cells: string[] = [];
    let at = -1;
    let errors = 0;
    for (;;) {
      i = skipSpace(s, i);
      if (i === end) break;
      // Only cells: text or any other element between them is left to the scanner.
      if (i > end || s.charCodeAt(i) !== 60 || s.charCodeAt(i + 1) !== 99 /* c */ || !isNameEnd(s.charCodeAt(i + 2)))
        return false;
      i = attrsOf(s, i + 2, end);
      if (i < 0) return false;
      at = rFrom >= 0 && rTo > rFrom ? columnIndex(s, rFrom, rTo) : at + 1;
      const cellType = tFrom < 0 ? 'n' : typeAt(s, tFrom, tTo);
      const cellStyle = sFrom < 0 ? 0 : numberAt(s, sFrom, sTo);
      let value = '';
      if (!selfClosed) {
        for (;;) {
          i = skipSpace(s, i);
          if (i >= end || s.charCodeAt(i) !== 60) return false;
          const d = s.charCodeAt(i + 1);
          if (d === 47 /* </c> */) {
            if (s.charCodeAt(i + 2) !== 99 || s.charCodeAt(i + 3) !== 62) return false;
            i += 4;
            break;
          }
          if (d === 118 /* <v> */ && s.charCodeAt(i + 2) === 62) {
            const e = textTo(s, i + 3, '</v>', end);
            if (e < 0) return false;
            value += decodeText(s.slice(i + 3, e));
            i = e + 4;
          } else if (d === 102 /* <f…> */ && isNameEnd(s.charCodeAt(i + 2))) {
            // A formula: its text is not the value (the cached <v> is).
            i = attrsOf(s, i + 2, end);
            if (i < 0) return false;
            if (!selfClosed) {
              const e = textTo(s, i, '</f>', end);
              if (e < 0) return false;
              // Its entities are checked as the scanner would (a bad one fails the part).
              decodeText(s.slice(i, e));
              i = e + 4;
            }
          } else if (d === 105 /* <is> */ && s.charCodeAt(i + 2) === 115 && s.charCodeAt(i + 3) === 62) {
            i = skipSpace(s, i + 4);
            if (s.charCodeAt(i) !== 60 || s.charCodeAt(i + 1) !== 116 /* t */ || !isNameEnd(s.charCodeAt(i + 2)))
              return false;
            i = attrsOf(s, i + 2, end);
            if (i < 0) return false;
            if (!selfClosed) {
              const e = textTo(s, i, '</t>', end);
              if (e < 0) return false;
              value += decodeText(s.slice(i, e));
              i = e + 4;
            }
            i = skipSpace(s, i);
            if (!s.startsWith('</is>', i) || i + 5 > end) return false;
            i += 5;
          } else return false;
        }
      }
      if (at < 0) continue;
      const v = cellText(cellType, value, cellStyle, wb, strings);
      if (v === null) errors++;
      else if (v !== '') cells[at] = v;
    }
    rowNo = rowR !== undefined && rowR !== '' ? Number(rowR) : rowNo + 1;
    errorCells += errors;
    rowDone(cells);
    return true;
  };

  const handlers: XmlHandlers = {
    open(name, a) {
      switch (name) {
        case 'row':
          rowNo = a.r ? Number(a.r) : rowNo + 1;
          row = [];
          col = -1;
          break;
        case 'c':
          col = a.r ? columnIndex(a.r) : col + 1;
          type = a.t ?? 'n';
          style = a.s ? Number(a.s) : 0;
          text = '';
          break;
        case 'v':
          inValue = true;
          break;
        case 't':
          if (!inRph) inValue = true;
          break;
        case 'rPh':
          inRph = true;
          break;
      }
    },
    text(t) {
      if (inValue) text += t;
    },
    close(name) {
      switch (name) {
        case 'v':
        case 't':
          inValue = false;
          break;
        case 'rPh':
          inRph = false;
          break;
        case 'c': {
          if (!row || col < 0) break;
          const value = cellText(type, text, style, wb, strings);
          if (value === null) errorCells++;
          else if (value !== '') row[col] = value;
          break;
        }
        case 'row': {
          if (!row) break;
          const cells = row;
          row = null;
          rowDone(cells);
          break;
        }
        case 'sheetData':
          onEnd();
          break;
      }
    },
    ...(opts.fast === false ? {} : { element: { name: 'row', take: takeRow } }),
  };
  return { handlers, errorCells: () => errorCells };
}

/**
 * Streams a sheet's rows in bounded memory. Empty rows are handed over only when a later row holds something, so
 * row numbers stay the sheet's own and trailing formatted-but-empty rows cost nothing. Error cells (#N/A…) become ''.
 */
export async function readSheetRows(wb: Workbook, sheet: SheetInfo, opts: SheetRowsOptions): Promise<SheetRowsResult> {
  const strings = await wb.strings();
  const total = Math.max(1, wb.zip.sizeOf(sheet.part));
  let bytes = 0;
  let batch: string[][] = [];
  let lastRow = opts.after;
  // The last row that held something: the empty rows after it are handed over once a later row holds something.
  let lastFilled = 0;
  let stop = false;

  const flush = () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    if (opts.onRows(rows, lastRow, bytes / total) === 'stop') stop = true;
  };
  const emit = (cells: string[], number: number) => {
    if (stop || number <= opts.after) return;
    batch.push(cells);
    lastRow = number;
    if (batch.length >= opts.batchRows) flush();
  };
  const reader = sheetRowHandlers(
    { wb, strings },
    (cells, number) => {
      if (number <= lastFilled) return;
      // The empty rows before this one (written or not) keep its number right.
      for (let n = lastFilled + 1; n < number; n++) emit([], n);
      lastFilled = number;
      emit(cells, number);
    },
    flush,
  );
  const { stopped } = await parseXmlStream(sheet.part, await wb.zip.open(sheet.part), reader.handlers, (read) => {
    bytes = read;
    return stop || (opts.pause?.() ?? undefined);
  });
  if (!stopped && !stop) flush();
  return { stopped: stopped || stop, lastRow, errorCells: reader.errorCells() };
}
