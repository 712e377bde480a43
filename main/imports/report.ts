import { closeSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { toCsv } from '../files/csv-out.ts';
import type { CellProblem } from './validate.ts';

/** `error`: a row left out (rejected, or a duplicate); `warning`: a row imported with something to check. */
export type ReportLevel = 'error' | 'warning';

/** The report's own columns, before the file's. */
export const REPORT_COLUMNS = ['Row', 'Level', 'Message'] as const;

/** Appends rows needing attention to an import's report CSV as the import runs; resumable at a known length. */
export interface ReportWriter {
  readonly path: string;
  /** Bytes written so far: saved with the checkpoint, so a resume truncates back to it. */
  readonly bytes: number;
  add(rowNumber: number, level: ReportLevel, problems: readonly CellProblem[] | string, raw: readonly string[]): void;
  /** Writes what was added since the last flush. */
  flush(): void;
  close(): void;
}

/** Says what is wrong with a row in one cell: `Cost: "abc" is not an amount.; UPC: …` */
export function describeProblems(problems: readonly CellProblem[]): string {
  return problems
    .map((p) => `${p.column}: ${p.value && !p.reason.includes(p.value) ? `"${p.value}" ` : ''}${p.reason}`)
    .join('; ');
}

// The header earlier versions wrote (`Row, Error, …`), without a level column.
const LEGACY_HEADER = Buffer.from('\ufeffRow,Error,', 'utf8');

/**
 * Opens (or reopens at `resumeBytes`) the report: columns Row, Level, Message, then the file's own columns. A row with
 * several problems gets one line, its problems joined by `; `.
 */
export function openReport(path: string, headers: readonly string[], resumeBytes: number): ReportWriter {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, resumeBytes > 0 ? 'r+' : 'w');
  // Lines written after the last checkpoint belong to rows that will be read again: drop them.
  ftruncateSync(fd, resumeBytes);
  // An import an earlier version started goes on in that report's columns, its level told in the message.
  const legacy = resumeBytes > 0 && startsWith(fd, LEGACY_HEADER);
  let bytes = resumeBytes;
  let pending: (string | number)[][] = [];
  if (bytes === 0) pending.push([...REPORT_COLUMNS, ...headers]);
  return {
    path,
    get bytes() {
      return bytes;
    },
    add(rowNumber, level, problems, raw) {
      const message = typeof problems === 'string' ? problems : describeProblems(problems);
      if (legacy) pending.push([rowNumber, level === 'warning' ? `Warning: ${message}` : message, ...raw]);
      else pending.push([rowNumber, level, message, ...raw]);
    },
    flush() {
      if (pending.length === 0) return;
      // A BOM up front lets Excel open the report as UTF-8.
      const buf = Buffer.from((bytes === 0 ? '\ufeff' : '') + toCsv(pending), 'utf8');
      pending = [];
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off, bytes + off);
      bytes += buf.length;
    },
    close() {
      closeSync(fd);
    },
  };
}

/** Whether the open file begins with `prefix`. */
function startsWith(fd: number, prefix: Buffer): boolean {
  const head = Buffer.alloc(prefix.length);
  const n = readSync(fd, head, 0, head.length, 0);
  return n === prefix.length && head.equals(prefix);
}
