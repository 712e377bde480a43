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
  return percentile(rates, 50);
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
/** The middle value (nearest rank: the lower of the two middles for an even count). */
const median = (xs: number[]): number => percentile(xs, 50);

/**
 * Generates a supplier file of `rows` unique products (listed by barcode), imports it with every feature on
 * through a real worker, and times the sqlite3 CLI on the same file just before; then the same products in a
 * shuffled order (interleaved climbing runs) and in a random order, each into a fresh catalog and each against the
 * CLI timed on its own file just before it. The sorted and shuffled orders are imported `runs` times (at least
 * once), each into a fresh catalog right after its own CLI baseline, and report the median of the runs: a shared host
 * slows down for seconds at a time (the CLI alone ran 2.1 or 3.4 s on one file minutes apart), and one such moment
 * decided a single run. Also: worker peak RSS (the highest of the runs), the main event loop's lag while the sorted
 * imports run, and how fast cancel takes effect.
 */
export async function runImportBench(
  opts: {
    rows?: number;
    runs?: number;
    cancels?: number;
    cancelAfterMs?: readonly [number, number];
    log?: (l: string) => void;
  } = {},
) {
  const rows = opts.rows ?? 1_000_000;
  const runs = Math.max(1, Math.floor(opts.runs ?? 3));
  const cancels = opts.cancels ?? 10;
  const [cancelMinMs, cancelMaxMs] = opts.cancelAfterMs ?? [100, 1_600];
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'pallet-import-bench-'));
  const workerEntry = builtWorkerEntry();
  // The main loop's delay while each sorted import runs, one histogram a run: one enabled again after the CLI's
  // blocking runs counted their seconds as its first delay.
  const lags: { p99: number; max: number }[] = [];
  let made = 0;

  /**
   * One import of `file` into a fresh catalog, right after the CLI's baseline on the same file; `keep` leaves its
   * engine running (stopped anyway when the import fails).
   */
  const importOnce = async (file: string, label: string, keep: boolean) => {
    const cli = sqliteCliRowsPerSec(file, rows);
    const engine = await createEngine({
      dbPath: join(dir, `bench-${++made}.db`),
      launcher: createNodeLauncher(),
      workers: 1,
      workerEntry,
      kinds: KINDS,
    });
    let kept = false;
    try {
      log(`import, ${label}`);
      const lag = label === 'sorted' ? monitorEventLoopDelay({ resolution: 10 }) : null;
      lag?.enable();
      const t = process.hrtime.bigint();
      const job = engine.queue.enqueue({ kind: 'import', payload: { path: file } });
      await waitDone(engine, job.id);
      const seconds = Number(process.hrtime.bigint() - t) / 1e9;
      if (lag) {
        lag.disable();
        lags.push({ p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 });
      }
      const done = engine.queue.get(job.id);
      if (done.status !== 'completed')
        throw new Error(`the ${label} import ended ${done.status}: ${done.error?.message}`);
      if ((done.result as ImportResult).created !== rows)
        throw new Error(`expected ${rows} products, got ${(done.result as ImportResult).created}`);
      const run = { seconds, rate: rows / seconds, rss: peakRssMib(engine.workers[0]!.pid), cli };
      kept = keep;
      return { run, engine: keep ? engine : null };
    } finally {
      if (!kept) await engine.stop();
    }
  };
  /** Each run's rate against its own baseline; a null baseline (no sqlite3 here) gives a null figure. */
  const ratioOf = (r: { rate: number; cli: number | null }) => (r.cli === null ? null : r.rate / r.cli);
  /** The runs' medians (each ratio against its own baseline), the lowest and highest ratio, the highest RSS. */
  const summary = (all: { seconds: number; rate: number; rss: number | null; cli: number | null }[]) => {
    const ratios = all.map(ratioOf);
    const known = ratios.includes(null) ? null : (ratios as number[]);
    const clis = all.map((r) => r.cli);
    const rsses = all.map((r) => r.rss).filter((x): x is number => x !== null);
    return {
      seconds: median(all.map((r) => r.seconds)),
      rate: median(all.map((r) => r.rate)),
      ratio: known === null ? null : round3(median(known)),
      ratioMin: known === null ? null : round3(Math.min(...known)),
      ratioMax: known === null ? null : round3(Math.max(...known)),
      cli: clis.includes(null) ? null : Math.round(median(clis as number[])),
      rss: rsses.length ? Math.max(...rsses) : null,
    };
  };

  try {
    const path = join(dir, 'supplier.csv');
    log(`writing ${rows} rows`);
    await writeSupplierFile(path, rows);
    const fileMib = statSync(path).size / (1 << 20);
    const sortedRuns = [];
    let engine: Awaited<ReturnType<typeof createEngine>> | null = null;
    try {
      for (let i = 0; i < runs; i++) {
        // The last run's engine stays up: cancels re-import the file into its full catalog.
        const r = await importOnce(path, 'sorted', i === runs - 1);
        sortedRuns.push(r.run);
        engine = r.engine;
      }

      // Cancel latency: from the request to the job being cancelled in the database, at random moments.
      const latencies: number[] = [];
      for (let i = 0; i < cancels; i++) {
        const c = engine!.queue.enqueue({ kind: 'import', payload: { path } });
        // A small file can be imported between two polls: wait for running *or* finished, never for running alone.
        const status = () => engine!.queue.get(c.id).status;
        while (status() === 'queued' || status() === 'scheduled') await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setTimeout(r, cancelMinMs + Math.random() * (cancelMaxMs - cancelMinMs)));
        // Only a cancel that lands on a running import is a latency; one that finished first is not counted.
        if (FINISHED_STATUSES.includes(status())) continue;
        const t0 = process.hrtime.bigint();
        engine!.queue.cancel(c.id);
        await waitDone(engine!, c.id);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      await engine!.stop();
      engine = null;

      // The same products listed in other orders, each into a fresh catalog: as a list sorted by another column
      // (runs climbing through the codes, interleaved), and in no order at all (the staged path: once, it is slow).
      const other = async (order: 'shuffled' | 'random', times: number) => {
        const file = join(dir, `${order}.csv`);
        await writeSupplierFile(file, rows, order);
        const all = [];
        for (let i = 0; i < times; i++) all.push((await importOnce(file, order, false)).run);
        rmSync(file, { force: true });
        return summary(all);
      };
      const sorted = summary(sortedRuns);
      const shuffled = await other('shuffled', runs);
      const random = await other('random', 1);
      return {
        rows,
        runs,
        worker_entry: workerEntry ? 'built' : 'source',
        file_mib: Math.round(fileMib),
        import_seconds: Math.round(sorted.seconds * 100) / 100,
        import_rows_per_s: Math.round(sorted.rate),
        sqlite_cli_rows_per_s: sorted.cli,
        import_ratio_vs_sqlite_cli: sorted.ratio,
        import_ratio_vs_sqlite_cli_min: sorted.ratioMin,
        import_ratio_vs_sqlite_cli_max: sorted.ratioMax,
        worker_peak_rss_mib: sorted.rss,
        import_shuffled_rows_per_s: Math.round(shuffled.rate),
        sqlite_cli_rows_per_s_shuffled: shuffled.cli,
        import_shuffled_ratio_vs_sqlite_cli: shuffled.ratio,
        // The name for the figure above (both kept: older result files use the first).
        import_shuffled_seconds: Math.round(shuffled.seconds * 100) / 100,
        import_ratio_vs_sqlite_cli_shuffled: shuffled.ratio,
        import_ratio_vs_sqlite_cli_shuffled_min: shuffled.ratioMin,
        import_ratio_vs_sqlite_cli_shuffled_max: shuffled.ratioMax,
        worker_peak_rss_mib_shuffled: shuffled.rss,
        import_random_seconds: Math.round(random.seconds * 100) / 100,
        sqlite_cli_rows_per_s_random: random.cli,
        import_ratio_vs_sqlite_cli_random: random.ratio,
        worker_peak_rss_mib_random: random.rss,
        // The worst run's.
        main_loop_lag_p99_ms: Math.round(Math.max(...lags.map((l) => l.p99)) * 10) / 10,
        main_loop_lag_max_ms: Math.round(Math.max(...lags.map((l) => l.max)) * 10) / 10,
        cancel_p50_ms: Math.round(percentile(latencies, 50)),
        cancel_p99_ms: Math.round(percentile(latencies, 99)),
      };
    } finally {
      await engine?.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
