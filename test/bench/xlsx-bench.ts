// The same supplier rows imported as CSV and as an .xlsx workbook, side by side in one run: how much slower a
// workbook reads, and the worker's peak memory while it does.
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { createEngine } from '../../main/app/engine.ts';
import { writeSupplierFile } from '../../main/bench/supplier-file.ts';
import type { ImportResult } from '../../main/imports/task.ts';
import { createNodeLauncher } from '../../main/workers/node-launcher.ts';
import { peakRssMib, waitDone } from './jobs.ts';

/** Writes the CSV's rows as a one-sheet workbook with shared strings (as Excel saves), numbers as numbers. */
async function csvToXlsx(csv: string, xlsx: string): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx, useSharedStrings: true, useStyles: false });
  const ws = wb.addWorksheet('Price list');
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(createReadStream(csv), {
      skipEmptyLines: true,
      // A UPC typed into Excel is a number: it loses its leading zero, as suppliers' files do.
      step: (r) => ws.addRow(r.data.map((c) => (/^\d+(\.\d+)?$/.test(c) ? Number(c) : c))).commit(),
      complete: () => resolve(),
      error: reject,
    });
  });
  ws.commit();
  await wb.commit();
}

/** Imports one file in a fresh engine (its own worker process): rows per second and the worker's peak RSS. */
async function importOnce(dir: string, name: string, path: string, rows: number) {
  const engine = await createEngine({
    dbPath: join(dir, `${name}.db`),
    launcher: createNodeLauncher(),
    workers: 1,
    kinds: ['import'],
  });
  try {
    const t = process.hrtime.bigint();
    const job = engine.queue.enqueue({ kind: 'import', payload: { path, lookupAfter: false, imagesAfter: false } });
    await waitDone(engine, job.id);
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    const done = engine.queue.get(job.id);
    if (done.status !== 'completed') throw new Error(`the ${name} import ended ${done.status}: ${done.error?.message}`);
    const created = (done.result as ImportResult).created;
    if (created !== rows) throw new Error(`the ${name} import made ${created} products, not ${rows}`);
    return { rate: rows / seconds, rss: peakRssMib(engine.workers[0]!.pid) };
  } finally {
    await engine.stop();
  }
}

/** Runs the side-by-side import of `rows` products (default 200k) and returns the xlsx figures. */
export async function runXlsxBench(opts: { rows?: number; log?: (l: string) => void } = {}) {
  const rows = opts.rows ?? 200_000;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'pallet-xlsx-bench-'));
  try {
    const csv = join(dir, 'supplier.csv');
    const xlsx = join(dir, 'supplier.xlsx');
    log(`writing ${rows} rows as CSV and as XLSX`);
    await writeSupplierFile(csv, rows);
    await csvToXlsx(csv, xlsx);
    log('importing the CSV');
    const c = await importOnce(dir, 'csv', csv, rows);
    log('importing the XLSX');
    const x = await importOnce(dir, 'xlsx', xlsx, rows);
    return {
      xlsx_rows: rows,
      xlsx_file_mib: Math.round((statSync(xlsx).size / (1 << 20)) * 10) / 10,
      xlsx_rows_per_s: Math.round(x.rate),
      csv_rows_per_s: Math.round(c.rate),
      xlsx_vs_csv_ratio: Math.round((x.rate / c.rate) * 100) / 100,
      xlsx_worker_peak_rss_mib: x.rss,
      csv_worker_peak_rss_mib: c.rss,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
