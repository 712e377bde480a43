// Writing a workbook row by row in bounded memory (exceljs's streaming writer), formula-safe by construction: a text
// is always written as a text cell, never as a formula, whatever it starts with (`=`, `+`, `-`, `@`).
import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import ExcelJS from 'exceljs';

/** A cell as the writer takes it: text stays text, a number is a number cell, null an empty cell. */
export type OutCell = string | number | null;

/** Bytes of sheet XML allowed to wait for the zip before the row source pauses. */
const MAX_BACKLOG = 8 << 20;

/** Excel refuses a cell holding more characters than this. */
export const MAX_CELL_CHARS = 32767;

// Characters XML 1.0 cannot carry (exceljs drops the C0 controls itself; these it would write and break the file).
const NOT_XML = /[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A text as a cell can hold it: no characters XML refuses, at most MAX_CELL_CHARS. */
export function cellText(text: string): string {
  const clean = text.replace(NOT_XML, '\uFFFD');
  return clean.length > MAX_CELL_CHARS ? clean.slice(0, MAX_CELL_CHARS) : clean;
}

/** A sheet name Excel accepts: no `[]:*?/\`, at most 31 characters, not empty. */
export function sheetName(text: string): string {
  const name = text
    .replace(/[[\]:*?/\\]/g, ' ')
    .replace(/^'+|'+$/g, '')
    .trim()
    .slice(0, 31)
    .trim();
  return name || 'Sheet1';
}

export interface XlsxWriter {
  /** Adds one row (synchronously: the callers' row sources hand rows over in synchronous callbacks). */
  add(cells: readonly OutCell[]): void;
  /** Whether the file is behind: the caller should pause its source and `settle`. */
  readonly behind: boolean;
  /** Waits until the file caught up (or a write failed). */
  settle(): Promise<void>;
  /** Writes the workbook's remaining parts and waits until every byte reached the file and it is closed. */
  finish(): Promise<void>;
  /** Stops writing and closes the file (after a failure). */
  abort(): Promise<void>;
}

/**
 * Streams one sheet into an open (empty) file: the first row added is the header, kept in view when scrolling.
 * Write errors reject `settle` or `finish`. The writer closes the file handle (its stream owns it: closing the handle
 * beside the stream would wait forever).
 */
export function createXlsxWriter(file: FileHandle, sheet: string): XlsxWriter {
  const out = file.createWriteStream();
  const closed = once(out, 'close');
  closed.catch(() => {});
  const failed = once(out, 'error').then(([err]) => {
    throw err;
  });
  failed.catch(() => {}); // Observed through the races below; never an unhandled rejection.
  // No shared strings: their table would hold every distinct text in memory until the end.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet(sheetName(sheet), { views: [{ state: 'frozen', ySplit: 1 }] });
  // exceljs hands the sheet's XML to the zip without waiting for it (its StreamBuf ignores backpressure): the text
  // piles up in the stream the zip reads from, and memory grows with the file. That stream's backlog is read from
  // exceljs's internals (guarded: absent in another version, only the file stream's own signal is left).
  const backlog = () => {
    const pipes = (ws as unknown as { stream?: { pipes?: unknown } }).stream?.pipes;
    let bytes = 0;
    // The zip's PassThrough comes from readable-stream 2 (no readableLength): its states say what waits in it.
    const size = (s: unknown) =>
      typeof (s as { length?: unknown })?.length === 'number' ? (s as { length: number }).length : 0;
    if (Array.isArray(pipes))
      for (const p of pipes as { _readableState?: unknown; _writableState?: unknown }[])
        bytes += size(p._readableState) + size(p._writableState);
    return bytes;
  };
  return {
    add(cells) {
      ws.addRow(cells.map((c) => (typeof c === 'string' ? cellText(c) : c))).commit();
    },
    get behind() {
      return out.writableNeedDrain || backlog() > MAX_BACKLOG;
    },
    async settle() {
      await new Promise<void>((resolve) => setImmediate(resolve));
      // The zip takes the sheet's text as it compresses it: waited for in short naps, bounded by the file's errors.
      while (backlog() > MAX_BACKLOG / 4) await Promise.race([delay(5), failed]);
      if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), failed]);
    },
    async finish() {
      // The workbook commits its sheet itself.
      await Promise.race([wb.commit(), failed]);
      await closed;
    },
    async abort() {
      out.destroy();
      await closed.catch(() => {});
    },
  };
}
