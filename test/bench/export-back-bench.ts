// An import written back in its own shape (issue 22): a supplier list of `rows` products imported by the CLI, then
// exported as CSV and as XLSX in this process, timed, with the process's peak memory while each export runs.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSupplierFile } from '../../main/bench/supplier-file.ts';
import { runCli } from '../../main/cli/run.ts';
import { openDatabase } from '../../main/db/open.ts';
import { exportImportBack, type ExportFormat } from '../../main/imports/export-back.ts';

/** Exports once, sampling the resident set every 20 ms (the export yields to the loop between chunks). */
async function timedExport(dbPath: string, importId: number, out: string, format: ExportFormat) {
  const db = openDatabase(dbPath);
  const before = process.memoryUsage().rss;
  let peak = before;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  try {
    const r = await exportImportBack(db, importId, out, { format });
    const ms = performance.now() - t0;
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      rows: r.rows,
      ms: Math.round(ms),
      peakRssGrowthMiB: Math.round((peak - before) / (1 << 20)),
      bytes: statSync(out).size,
    };
  } finally {
    clearInterval(sample);
    db.close();
  }
}

export async function runExportBackBench(opts: { rows?: number; log?: (l: string) => void } = {}) {
  const rows = opts.rows ?? 200_000;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'pallet-export-back-bench-'));
  try {
    const src = join(dir, 'list.csv');
    const dbPath = join(dir, 'pallet.db');
    await writeSupplierFile(src, rows);
    log(`importing ${rows} rows…`);
    const out: string[] = [];
    const code = await runCli(['--db', dbPath, 'import', src, '--json'], { out: (t) => out.push(t), err: () => {} });
    if (code !== 0) throw new Error(`import failed: ${out.join('\n')}`);
    const importId = (JSON.parse(out.join('\n')) as { importId: number }).importId;
    log('exporting as CSV…');
    const csv = await timedExport(dbPath, importId, join(dir, 'back.csv'), 'csv');
    log('exporting as XLSX…');
    const xlsx = await timedExport(dbPath, importId, join(dir, 'back.xlsx'), 'xlsx');
    return {
      rows: csv.rows,
      csv_ms: csv.ms,
      csv_rows_per_s: Math.round(csv.rows / (csv.ms / 1000)),
      csv_peak_rss_growth_mib: csv.peakRssGrowthMiB,
      csv_bytes: csv.bytes,
      xlsx_ms: xlsx.ms,
      xlsx_rows_per_s: Math.round(xlsx.rows / (xlsx.ms / 1000)),
      xlsx_peak_rss_growth_mib: xlsx.peakRssGrowthMiB,
      xlsx_bytes: xlsx.bytes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
