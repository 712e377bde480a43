import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../main/app/engine.ts';
import { analysisJobs, type AnalysisJobResult } from '../../main/analysis/task.ts';
import { writeSupplierFile } from '../../main/bench/supplier-file.ts';
import { createNodeLauncher } from '../../main/workers/node-launcher.ts';
import { builtWorkerEntry, timedJob, timedJobs } from './jobs.ts';

// Only what is measured runs: the lookup an import enqueues would share the worker.
const KINDS = ['import', 'analysis'];

/** Imports `rows` products, then analyses all of them, in one run: products/s and the time ratio to the import. */
export async function runAnalysisBench(opts: { rows?: number; log?: (l: string) => void } = {}) {
  const rows = opts.rows ?? 1_000_000;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'pallet-analysis-bench-'));
  try {
    const path = join(dir, 'supplier.csv');
    log(`writing ${rows} rows`);
    await writeSupplierFile(path, rows);
    const workerEntry = builtWorkerEntry();
    // Two workers, as the app runs: the import uses one, a full analysis is split across both.
    const engine = await createEngine({
      dbPath: join(dir, 'bench.db'),
      launcher: createNodeLauncher(),
      workers: 2,
      workerEntry,
      kinds: KINDS,
      concurrency: { import: 1, analysis: 2 },
    });
    try {
      log('import');
      const imp = await timedJob(engine, { kind: 'import', payload: { path } });
      log('analysis');
      const ana = await timedJobs(engine, analysisJobs({ all: true, options: { targets: { minRoi: 0.3 } } }, 2));
      const parts = ana.results as AnalysisJobResult[];
      const r = {
        analyzed: parts.reduce((n, p) => n + p.analyzed, 0),
        withProfit: parts.reduce((n, p) => n + p.withProfit, 0),
      };
      if (r.analyzed !== rows) throw new Error(`expected ${rows} analyses, got ${r.analyzed}`);
      return {
        rows,
        worker_entry: workerEntry ? 'built' : 'source',
        import_seconds: Math.round(imp.seconds * 100) / 100,
        analysis_seconds: Math.round(ana.seconds * 100) / 100,
        analysis_products_per_s: Math.round(rows / ana.seconds),
        analysis_vs_import_time_ratio: Math.round((ana.seconds / imp.seconds) * 100) / 100,
        analysed_with_profit: r.withProfit,
      };
    } finally {
      await engine.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
