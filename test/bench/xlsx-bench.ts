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
import { builtWorkerEntry, peakRssMib, waitDone } from './jobs.ts';

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
    // The worker as it ships, as the import bench runs it (the source under tsx carried ~30 MiB of transpiler).
    workerEntry: builtWorkerEntry(),
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
    // A worker that died (out of memory) and resumed in a new process: the peak read would be the last process's.
    if (done.attempts !== 1) throw new Error(`the ${name} import took ${done.attempts} attempts (a worker died)`);
    return { rate: rows / seconds, rss: peakRssMib(engine.workers[0]!.pid) };
  } finally {
    await engine.stop();
  }
}

/** The side-by-side size: the ratio is always measured at it. */
const BASE_ROWS = 200_000;

/** A key suffix naming a row count: 1000000 → `1m`, 500000 → `500k`. */
const sizeLabel = (rows: number) =>
  rows % 1_000_000 === 0 ? `${rows / 1_000_000}m` : rows % 1000 === 0 ? `${rows / 1000}k` : String(rows);

/**
 * Runs the side-by-side import of `rows` products (default 200k) and returns the xlsx figures. Past 200k rows the
 * side by side stays at 200k and the workbook alone is imported again at `rows`, its keys suffixed with the size
 * (`xlsx_worker_peak_rss_mib_1m`): the worker's memory must be the same at both sizes.
 */
export async function runXlsxBench(opts: { rows?: number; log?: (l: string) => void } = {}) {
  const rows = opts.rows ?? BASE_ROWS;
  const base = Math.min(rows, BASE_ROWS);
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'pallet-xlsx-bench-'));
  try {
    const files = async (n: number) => {
      const csv = join(dir, `supplier-${n}.csv`);
      const xlsx = join(dir, `supplier-${n}.xlsx`);
      log(`writing ${n} rows as CSV and as XLSX`);
      await writeSupplierFile(csv, n);
      await csvToXlsx(csv, xlsx);
      return { csv, xlsx };
    };
    const { csv, xlsx } = await files(base);
    log('importing the CSV');
    const c = await importOnce(dir, 'csv', csv, base);
    log('importing the XLSX');
    const x = await importOnce(dir, 'xlsx', xlsx, base);
    const out: Record<string, number | string | null> = {
      worker_entry: builtWorkerEntry() ? 'built' : 'source',
      xlsx_rows: base,
      xlsx_file_mib: Math.round((statSync(xlsx).size / (1 << 20)) * 10) / 10,
      xlsx_rows_per_s: Math.round(x.rate),
      csv_rows_per_s: Math.round(c.rate),
      xlsx_vs_csv_ratio: Math.round((x.rate / c.rate) * 100) / 100,
      xlsx_worker_peak_rss_mib: x.rss,
      csv_worker_peak_rss_mib: c.rss,
    };
    if (rows > base) {
      const big = await files(rows);
      log(`importing the XLSX of ${rows} rows`);
      const b = await importOnce(dir, `xlsx-${rows}`, big.xlsx, rows);
      const l = sizeLabel(rows);
      out[`xlsx_rows_${l}`] = rows;
      out[`xlsx_file_mib_${l}`] = Math.round((statSync(big.xlsx).size / (1 << 20)) * 10) / 10;
      out[`xlsx_rows_per_s_${l}`] = Math.round(b.rate);
      out[`xlsx_worker_peak_rss_mib_${l}`] = b.rss;
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
