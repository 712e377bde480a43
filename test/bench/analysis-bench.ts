import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, type Engine } from '../../main/app/engine.ts';
import type { AnalysisJobResult } from '../../main/analysis/task.ts';
import { writeSupplierFile } from '../../main/bench/supplier-file.ts';
import { FINISHED_STATUSES, type EnqueueInput } from '../../main/queue/types.ts';
import { WORKER_V8_FLAGS } from '../../main/workers/entry-path.ts';
import { createNodeLauncher } from '../../main/workers/node-launcher.ts';

async function timed(engine: Engine, input: EnqueueInput): Promise<{ seconds: number; result: unknown }> {
  const t = process.hrtime.bigint();
  const job = engine.queue.enqueue(input);
  while (!FINISHED_STATUSES.includes(engine.queue.get(job.id).status)) await new Promise((r) => setTimeout(r, 10));
  const done = engine.queue.get(job.id);
  if (done.status !== 'completed') throw new Error(`${input.kind} ended ${done.status}: ${done.error?.message}`);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, result: done.result };
}

/** Imports `rows` products, then analyses all of them, in one run: products/s and the time ratio to the import. */
export async function runAnalysisBench(opts: { rows?: number; log?: (l: string) => void } = {}) {
  const rows = opts.rows ?? 1_000_000;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'pallet-analysis-bench-'));
  try {
    const path = join(dir, 'supplier.csv');
    log(`writing ${rows} rows`);
    await writeSupplierFile(path, rows);
    const built = fileURLToPath(new URL('../../dist/node/worker.js', import.meta.url));
    const workerEntry = existsSync(built) ? { entry: built, execArgv: WORKER_V8_FLAGS } : undefined;
    const engine = await createEngine({ dbPath: join(dir, 'bench.db'), launcher: createNodeLauncher(), workers: 1, workerEntry });
    try {
      log('import');
      const imp = await timed(engine, { kind: 'import', payload: { path } });
      log('analysis');
      const ana = await timed(engine, { kind: 'analysis', payload: { all: true, options: { targets: { minRoi: 0.3 } } } });
      const r = ana.result as AnalysisJobResult;
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
