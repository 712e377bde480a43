// A worksheet streamed row by row: each row an array of cell texts indexed by column (A = 0), gaps kept as ''.
import { columnIndex, numberText, serialToIso } from './cells.ts';
import type { StringTable } from './shared-strings.ts';
import type { SheetInfo, Workbook } from './workbook.ts';
import { parseXmlStream } from './xml.ts';

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
  let rowNo = 0;
  let row: string[] | null = null;
  // The last row that held something: the empty rows after it are handed over once a later row holds something.
  let lastFilled = 0;
  let errorCells = 0;
  let stop = false;
  // The cell being read.
  let col = -1;
  let type = '';
  let style = 0;
  let text = '';
  let inValue = false;
  let inRph = false;

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

  const { stopped } = await parseXmlStream(
    sheet.part,
    await wb.zip.open(sheet.part),
    {
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
            if (cells.length === 0 || rowNo <= lastFilled) break;
            for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = '';
            // The empty rows before this one (written or not) keep its number right.
            for (let n = lastFilled + 1; n < rowNo; n++) emit([], n);
            lastFilled = rowNo;
            emit(cells, rowNo);
            break;
          }
          case 'sheetData':
            flush();
            break;
        }
      },
    },
    (read) => {
      bytes = read;
      return stop || (opts.pause?.() ?? undefined);
    },
  );
  if (!stopped && !stop) flush();
  return { stopped: stopped || stop, lastRow, errorCells };
}
