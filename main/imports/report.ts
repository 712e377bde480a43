import { closeSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { toCsv } from '../files/csv-out.ts';
import type { CellProblem } from './validate.ts';

/** Appends rejected rows to an import's error report CSV as the import runs; resumable at a known length. */
export interface ReportWriter {
  readonly path: string;
  /** Bytes written so far: saved with the checkpoint, so a resume truncates back to it. */
  readonly bytes: number;
  add(rowNumber: number, problems: readonly CellProblem[] | string, raw: readonly string[]): void;
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

/** Opens (or reopens at `resumeBytes`) the error report: columns Row, Error, then the file's own columns. */
export function openReport(path: string, headers: readonly string[], resumeBytes: number): ReportWriter {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, resumeBytes > 0 ? 'r+' : 'w');
  // Lines written after the last checkpoint belong to rows that will be read again: drop them.
  ftruncateSync(fd, resumeBytes);
  let bytes = resumeBytes;
  let pending: (string | number)[][] = [];
  if (bytes === 0) pending.push(['Row', 'Error', ...headers]);
  return {
    path,
    get bytes() {
      return bytes;
    },
    add(rowNumber, problems, raw) {
      pending.push([rowNumber, typeof problems === 'string' ? problems : describeProblems(problems), ...raw]);
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
