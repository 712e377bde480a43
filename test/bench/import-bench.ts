import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createEngine } from '../../main/app/engine.ts';
import { writeSupplierFile } from '../../main/bench/supplier-file.ts';
import type { ImportResult } from '../../main/imports/task.ts';
import { createNodeLauncher } from '../../main/workers/node-launcher.ts';
import { FINISHED_STATUSES } from '../../main/queue/types.ts';
import { builtWorkerEntry, peakRssMib, percentile, waitDone } from './jobs.ts';

// Only imports run: the lookup an import enqueues would share the worker.
const KINDS = ['import'];

// The CLI's runs per baseline: its median, so one slow moment of a shared host does not make the baseline.
const CLI_RUNS = 3;

/**
 * Times `sqlite3 :memory: '.import --csv'` of the same file: the baseline rows/s (the median of CLI_RUNS runs). Each
 * order's baseline is taken on its own file just before its import: a shared host's speed drifts over a run, and a
 * ratio compares two figures measured side by side.
 */
function sqliteCliRowsPerSec(path: string, rows: number): number | null {
  const rates: number[] = [];
  for (let i = 0; i < CLI_RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync('sqlite3', [':memory:', `.import --csv ${path} t`], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.error || r.status !== 0) return null;
    rates.push(rows / (Number(process.hrtime.bigint() - t) / 1e9));
  }
  return rates.sort((a, b) => a - b)[CLI_RUNS >> 1]!;
}

/**
 * Generates a supplier file of `rows` unique products (listed by barcode), imports it with every feature on
 * through a real worker, and times the sqlite3 CLI on the same file just before; then the same products in a
 * shuffled order (interleaved climbing runs) and in a random order, each into a fresh catalog and each against the
 * CLI timed on its own file just before it. Also: worker peak RSS, the main event loop's lag
 * while the import runs, and how fast cancel takes effect.
 */
export async function runImportBench(
  opts: { rows?: number; cancels?: number; cancelAfterMs?: readonly [number, number]; log?: (l: string) => void } = {},
) {
  const rows = opts.rows ?? 1_000_000;
  const cancels = opts.cancels ?? 10;
  const [cancelMinMs, cancelMaxMs] = opts.cancelAfterMs ?? [100, 1_600];
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'pallet-import-bench-'));
  try {
    const path = join(dir, 'supplier.csv');
    log(`writing ${rows} rows`);
    await writeSupplierFile(path, rows);
    const fileMib = statSync(path).size / (1 << 20);
    log('sqlite3 CLI baseline');
    const cli = sqliteCliRowsPerSec(path, rows);

    const workerEntry = builtWorkerEntry();
    const engine = await createEngine({
      dbPath: join(dir, 'bench.db'),
      launcher: createNodeLauncher(),
      workers: 1,
      workerEntry,
      kinds: KINDS,
    });
    try {
      const lag = monitorEventLoopDelay({ resolution: 10 });
      log('import');
      lag.enable();
      const t = process.hrtime.bigint();
      const job = engine.queue.enqueue({ kind: 'import', payload: { path } });
      await waitDone(engine, job.id);
      const seconds = Number(process.hrtime.bigint() - t) / 1e9;
      lag.disable();
      const done = engine.queue.get(job.id);
      if (done.status !== 'completed') throw new Error(`the import ended ${done.status}: ${done.error?.message}`);
      const result = done.result as ImportResult;
      if (result.created !== rows) throw new Error(`expected ${rows} products, got ${result.created}`);
      const rss = peakRssMib(engine.workers[0]!.pid);

      // Cancel latency: from the request to the job being cancelled in the database, at random moments.
      const latencies: number[] = [];
      for (let i = 0; i < cancels; i++) {
        const c = engine.queue.enqueue({ kind: 'import', payload: { path } });
        // A small file can be imported between two polls: wait for running *or* finished, never for running alone.
        const status = () => engine.queue.get(c.id).status;
        while (status() === 'queued' || status() === 'scheduled') await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setTimeout(r, cancelMinMs + Math.random() * (cancelMaxMs - cancelMinMs)));
        // Only a cancel that lands on a running import is a latency; one that finished first is not counted.
        if (FINISHED_STATUSES.includes(status())) continue;
        const t0 = process.hrtime.bigint();
        engine.queue.cancel(c.id);
        await waitDone(engine, c.id);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      const importRate = rows / seconds;

      // The same products listed in other orders, each into a fresh catalog: as a list sorted by another column
      // (runs climbing through the codes, interleaved), and in no order at all (the staged path).
      const fresh = async (order: 'shuffled' | 'random') => {
        log(`import, ${order} order`);
        const file = join(dir, `${order}.csv`);
        await writeSupplierFile(file, rows, order);
        const cliHere = sqliteCliRowsPerSec(file, rows);
        const other = await createEngine({
          dbPath: join(dir, `${order}.db`),
          launcher: createNodeLauncher(),
          workers: 1,
          workerEntry,
          kinds: KINDS,
        });
        try {
          const t1 = process.hrtime.bigint();
          const s = other.queue.enqueue({ kind: 'import', payload: { path: file } });
          await waitDone(other, s.id);
          const secs = Number(process.hrtime.bigint() - t1) / 1e9;
          const end = other.queue.get(s.id);
          if (end.status !== 'completed' || (end.result as ImportResult).created !== rows)
            throw new Error(`the ${order} import ended ${end.status}: ${end.error?.message}`);
          return { seconds: secs, rate: rows / secs, rss: peakRssMib(other.workers[0]!.pid), cli: cliHere };
        } finally {
          await other.stop();
          rmSync(file, { force: true });
        }
      };
      const shuffled = await fresh('shuffled');
      const random = await fresh('random');
      // Each order against its own baseline; a null baseline (no sqlite3 here) gives null figures.
      const ratio = (o: { rate: number; cli: number | null }) =>
        o.cli === null ? null : Math.round((o.rate / o.cli) * 1000) / 1000;
      const baseline = (o: { cli: number | null }) => (o.cli === null ? null : Math.round(o.cli));
      const sorted = { rate: importRate, cli };
      return {
        rows,
        worker_entry: workerEntry ? 'built' : 'source',
        file_mib: Math.round(fileMib),
        import_seconds: Math.round(seconds * 100) / 100,
        import_rows_per_s: Math.round(importRate),
        sqlite_cli_rows_per_s: baseline(sorted),
        import_ratio_vs_sqlite_cli: ratio(sorted),
        worker_peak_rss_mib: rss,
        import_shuffled_rows_per_s: Math.round(shuffled.rate),
        sqlite_cli_rows_per_s_shuffled: baseline(shuffled),
        import_shuffled_ratio_vs_sqlite_cli: ratio(shuffled),
        // The name for the figure above (both kept: older result files use the first).
        import_shuffled_seconds: Math.round(shuffled.seconds * 100) / 100,
        import_ratio_vs_sqlite_cli_shuffled: ratio(shuffled),
        worker_peak_rss_mib_shuffled: shuffled.rss,
        import_random_seconds: Math.round(random.seconds * 100) / 100,
        sqlite_cli_rows_per_s_random: baseline(random),
        import_ratio_vs_sqlite_cli_random: ratio(random),
        worker_peak_rss_mib_random: random.rss,
        main_loop_lag_p99_ms: Math.round((lag.percentile(99) / 1e6) * 10) / 10,
        main_loop_lag_max_ms: Math.round((lag.max / 1e6) * 10) / 10,
        cancel_p50_ms: Math.round(percentile(latencies, 50)),
        cancel_p99_ms: Math.round(percentile(latencies, 99)),
      };
    } finally {
      await engine.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
