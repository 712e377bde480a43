// The first few lines of each level in an import's report, for the CLI to show after its summary. The read is
// bounded: a report of a million lines costs one read of its first megabyte.
import { open } from 'node:fs/promises';
import Papa from 'papaparse';
import { REPORT_COLUMNS, type ReportLevel } from './report.ts';

/** One line of a report: the row it is about and what was wrong. */
export interface ReportLine {
  row: number;
  message: string;
}

/** The first lines of each level: rows left out (rejected, duplicates) and rows imported with warnings. */
export interface ReportSample {
  rejected: ReportLine[];
  warnings: ReportLine[];
}

// toCsv neutralizes cells starting with = + - @ tab or CR with a leading quote; the sample shows the text as written.
const unescape = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

/**
 * Up to `perLevel` lines of each level from the start of the report at `path`, reading at most `maxBytes` of it.
 * A report an earlier version wrote (`Row, Error, …`) lists only rows left out. A missing report has none.
 */
export async function readReportSample(path: string, perLevel = 5, maxBytes = 1 << 20): Promise<ReportSample> {
  const sample: ReportSample = { rejected: [], warnings: [] };
  let text: string;
  let whole: boolean;
  try {
    const fh = await open(path, 'r');
    try {
      const size = (await fh.stat()).size;
      const buf = Buffer.alloc(Math.min(size, maxBytes));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      whole = bytesRead >= size;
      text = buf
        .subarray(0, bytesRead)
        .toString('utf8')
        .replace(/^\ufeff/, '');
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return sample;
    throw err;
  }
  const rows = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
  // The last line of a cut read may be cut too.
  if (!whole) rows.pop();
  const header = rows.shift();
  const leveled = header?.[1] === REPORT_COLUMNS[1];
  for (const cells of rows) {
    const row = Number(cells[0]);
    if (!Number.isInteger(row)) continue;
    const level: ReportLevel = leveled && cells[1] === 'warning' ? 'warning' : 'error';
    const list = level === 'warning' ? sample.warnings : sample.rejected;
    if (list.length < perLevel) list.push({ row, message: unescape(cells[leveled ? 2 : 1] ?? '') });
    if (sample.rejected.length >= perLevel && sample.warnings.length >= perLevel) break;
  }
  return sample;
}
