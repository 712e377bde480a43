// Every bench `npm run bench` knows runs once at a tiny size, as the real command does (its own process), and must exit
// 0 by itself with one JSON line holding the keys it promises: a bench that hangs, dies or changes its output shape
// fails here instead of rotting until someone wants its figures. Shape and sanity only, never speed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tsxLoader } from '../../main/workers/entry-path.ts';
import { benches, type BenchResult } from './registry.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN = fileURLToPath(new URL('./run.ts', import.meta.url));
/** A tiny run takes 3–15 s here (2 cores); past this it is hung, not slow. */
const RUN_TIMEOUT_MS = 60_000;

/** What a bench promises to print: every key, by kind. Every key printed must be listed, so the shape is reviewed. */
interface Promised {
  /** Figures with a unit, which the key names. */
  measures: string[];
  /** Plain counts: whole numbers, never negative. */
  counts?: string[];
  /** Words (e.g. which worker build ran). */
  labels?: string[];
  /** Keys that may be null where the machine lacks something (the sqlite3 CLI, /proc). */
  nullable?: string[];
  /** Counts that must be 0 whatever the machine: the bench's correctness claims. */
  zero?: string[];
}

// A unit the key names: per second or hour, milliseconds, microseconds, MiB, seconds (`seconds` or `_s`), or a ratio
// of two figures (`ratio`, `a_vs_b`).
const UNIT = /(^|_)(per_s|per_hour|ms|us|mib|seconds|s|ratio|vs)(_|$)/;

const SMOKE: Record<string, Promised> = {
  queue: {
    measures: [
      ...['enqueue_batched', 'enqueue_single', 'e2e_inprocess_jobs'].flatMap((k) => [
        `${k}_per_s`,
        `${k}_min_per_s`,
        `${k}_max_per_s`,
      ]),
      'e2e_2workers_jobs_per_s',
      ...['1k', '1m', '1m_with_1m_delayed'].flatMap((k) => [`claim_p50_us_${k}`, `claim_p99_us_${k}`]),
      'claim_p50_growth_ratio_1k_to_1m',
      'claim_p50_growth_ratio_1k_to_1m_delayed',
      'enqueue_to_start_p50_ms',
    ],
  },
  crash: {
    measures: [],
    counts: ['kills', 'jobs_total', 'jobs_completed', 'lost_jobs', 'lost_steps', 'doubled_steps'],
    zero: ['lost_jobs', 'lost_steps', 'doubled_steps'],
  },
  'crash-owner': {
    measures: [
      'resumed_ms_p50',
      'resumed_ms_p95',
      'clean_import_ms',
      'clean_analysis_ms',
      'clean_import_job_ms',
      'clean_analysis_job_ms',
      'clean_lookup_job_ms',
      'clean_images_job_ms',
    ],
    counts: [
      ...[
        'rows',
        'trials',
        'kills_mid_job',
        'lost',
        'doubled',
        'doubled_import',
        'doubled_analysis',
        'doubled_lookup',
        'digest_mismatches',
        'hung_restarts',
      ],
      ...['orphans_alive', 'staging_files_left', 'lookup_requests_repeated', 'lookup_requests_clean'],
      ...['images', 'doubled_images', 'image_requests_repeated', 'image_requests_clean', 'image_files_orphaned'],
    ],
    labels: ['owner_entry', 'restart_command'],
    // No sample when every kill landed after its job had completed (before the CLI exited): nothing to resume.
    nullable: ['resumed_ms_p50', 'resumed_ms_p95'],
    // `doubled` is not here: restarted with the same command (a CLI without `pallet work`), the CLI enqueues its job again.
    zero: [
      'lost',
      'digest_mismatches',
      'hung_restarts',
      'orphans_alive',
      'staging_files_left',
      'lookup_requests_repeated',
      'image_requests_repeated',
      'image_files_orphaned',
    ],
  },
  'import-xlsx': {
    measures: [
      'xlsx_file_mib',
      'xlsx_rows_per_s',
      'csv_rows_per_s',
      'xlsx_vs_csv_ratio',
      'xlsx_worker_peak_rss_mib',
      'csv_worker_peak_rss_mib',
    ],
    counts: ['xlsx_rows'],
    labels: ['worker_entry'],
  },
  'export-back': {
    measures: [
      'csv_ms',
      'csv_rows_per_s',
      'csv_peak_rss_growth_mib',
      'xlsx_ms',
      'xlsx_rows_per_s',
      'xlsx_peak_rss_growth_mib',
    ],
    counts: ['rows', 'csv_bytes', 'xlsx_bytes'],
  },
  lists: {
    measures: ['lists_cold_ms', 'lists_warm_ms', 'lists_after_job_ms'],
    counts: ['products', 'lists', 'list_products', 'list_found'],
  },
  suppliers: {
    measures: [
      'import_no_supplier_ms',
      'import_with_supplier_ms',
      'import_with_supplier_ratio',
      'offers_step_first_ms',
      'second_list_import_ms',
      'offers_step_second_ms',
      'diff_ms',
      'diff_ms_200k',
    ],
    counts: ['rows', 'costs_changed_second', 'diff_cost_up'],
    nullable: ['diff_ms_200k'],
  },
  import: {
    measures: [
      'file_mib',
      'import_seconds',
      'import_rows_per_s',
      'sqlite_cli_rows_per_s',
      'import_ratio_vs_sqlite_cli',
      'import_ratio_vs_sqlite_cli_min',
      'import_ratio_vs_sqlite_cli_max',
      'worker_peak_rss_mib',
      'import_shuffled_rows_per_s',
      'sqlite_cli_rows_per_s_shuffled',
      'import_shuffled_ratio_vs_sqlite_cli',
      'import_shuffled_seconds',
      'import_ratio_vs_sqlite_cli_shuffled',
      'import_ratio_vs_sqlite_cli_shuffled_min',
      'import_ratio_vs_sqlite_cli_shuffled_max',
      'worker_peak_rss_mib_shuffled',
      'import_random_seconds',
      'sqlite_cli_rows_per_s_random',
      'import_ratio_vs_sqlite_cli_random',
      'worker_peak_rss_mib_random',
      'main_loop_lag_p99_ms',
      'main_loop_lag_max_ms',
      'cancel_p50_ms',
      'cancel_p99_ms',
    ],
    counts: ['rows', 'runs'],
    labels: ['worker_entry'],
    nullable: [
      'import_ratio_vs_sqlite_cli_min',
      'import_ratio_vs_sqlite_cli_max',
      'import_ratio_vs_sqlite_cli_shuffled_min',
      'import_ratio_vs_sqlite_cli_shuffled_max',
      'sqlite_cli_rows_per_s',
      'sqlite_cli_rows_per_s_shuffled',
      'sqlite_cli_rows_per_s_random',
      'import_ratio_vs_sqlite_cli',
      'import_shuffled_ratio_vs_sqlite_cli',
      'import_ratio_vs_sqlite_cli_shuffled',
      'import_ratio_vs_sqlite_cli_random',
      'worker_peak_rss_mib',
      'worker_peak_rss_mib_shuffled',
      'worker_peak_rss_mib_random',
    ],
  },
  analysis: {
    measures: ['import_seconds', 'analysis_seconds', 'analysis_products_per_s', 'analysis_vs_import_time_ratio'],
    counts: ['rows', 'analysed_with_profit'],
    labels: ['worker_entry'],
  },
  lookup: {
    measures: ['achieved_requests_per_s', 'limit_requests_per_s', 'rate_ratio_to_limit', 'identifiers_per_s'],
    counts: ['identifiers', 'found', 'requests', 'throttled_429_total', 'throttled_429_after_10s'],
  },
  decide: {
    measures: [
      'run_seconds',
      'decided_per_hour',
      'ceiling_per_hour',
      'decided_vs_ceiling',
      'first_verdict_s',
      'first_offers_verdict_s',
      'viewed_verdict_s',
      'viewed_verdict_max_s',
      'offers_calls_saved_ratio',
    ],
    counts: [
      // The k the throughput phase ran the double and the scheduler at; its figures are scaled back to real rates.
      'rate_scale',
      'products',
      'asins',
      'decided',
      'buy',
      'check',
      'skip',
      'task_offers_calls_saved',
      'steady_429s',
      'throttled_429_total',
      'search_requests',
      'pricing_requests',
      'fees_requests',
      'restrictions_requests',
      'offers_requests',
      'eligibility_requests',
    ],
    labels: ['bottleneck'],
    // A tiny list can end before any product went the whole way to getItemOffersBatch.
    nullable: ['first_offers_verdict_s', 'viewed_verdict_s', 'viewed_verdict_max_s'],
  },
  images: {
    measures: [
      'image_mib',
      'images_seconds',
      'images_per_s',
      'download_mib_per_s',
      'worker_peak_rss_mib',
      'main_loop_lag_p99_ms',
    ],
    counts: ['images'],
    labels: ['worker_entry'],
    nullable: ['worker_peak_rss_mib'],
  },
  fuzz: {
    measures: ['fuzz_seconds'],
    counts: ['cases', 'skipped_valid_inputs', 'crashes', 'unclear_errors', 'seed'],
    zero: ['crashes', 'unclear_errors'],
  },
  table: {
    measures: [
      'scroll_seconds',
      'longest_task_ms',
      'jump_to_rows_drawn_p50_ms',
      'jump_to_rows_drawn_max_ms',
      'page_query_ms_offset_0',
      'page_query_ms_offset_middle',
      'page_query_ms_offset_end',
      'page_query_ms_sorted_roi_middle',
      'count_query_ms_filtered',
      'main_loop_lag_p99_ms',
    ],
    counts: ['table_rows', 'scroll_steps', 'long_tasks_over_50ms', 'dom_rows'],
  },
  window: {
    measures: [
      'first_paint_ms',
      'first_paint_max_ms',
      'longest_scroll_task_ms',
      'filter_p50_ms_1m',
      'filter_p95_ms_1m',
      'filter_max_ms_1m',
    ],
    counts: ['paint_rows', 'table_rows', 'long_tasks_scroll_1m', 'scroll_steps', 'filter_changes', 'filter_timeouts'],
    zero: ['filter_timeouts'],
  },
  'db-health': {
    measures: [
      'db_mib',
      'quick_check_ms',
      'integrity_check_ms',
      'app_start_check_ms',
      'app_start_check_loop_stall_ms',
      'backup_on_thread_ms',
      'backup_loop_stall_ms',
    ],
    counts: ['products'],
  },
};

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `npm run bench -- <name> --smoke` as its own process (run.ts under tsx, without npm's wrappers). */
function runBench(name: string, script = RUN, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Its own process group: a hung bench is killed with every worker and browser it started.
    const child = spawn(process.execPath, ['--import', tsxLoader(), script, name, '--smoke'], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, RUN_TIMEOUT_MS);
    child.on('error', (err) => (clearTimeout(timer), reject(err)));
    child.on('close', (code, signal) => (clearTimeout(timer), resolve({ code, signal, stdout, stderr, timedOut })));
  });
}

/** The problems with one bench's output, as sentences; empty when it kept its promise. */
function check(name: string, result: BenchResult, promised: Promised): string[] {
  const problems: string[] = [];
  const { measures, counts = [], labels = [], nullable = [], zero = [] } = promised;
  const listed = new Set(['bench', ...measures, ...counts, ...labels]);
  if (result.bench !== name) problems.push(`"bench" is ${JSON.stringify(result.bench)}, not "${name}"`);
  for (const key of listed) if (!(key in result)) problems.push(`"${key}" is missing`);
  for (const key of Object.keys(result))
    if (!listed.has(key))
      problems.push(`"${key}" is not listed in the smoke: add it to SMOKE.${name} (with its unit in its name)`);
  for (const key of measures) {
    if (!UNIT.test(key)) problems.push(`"${key}" does not say its unit (_per_s, _ms, _us, _mib, _seconds, _ratio)`);
    const v = result[key];
    if (v === null && nullable.includes(key)) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      problems.push(`"${key}" is ${JSON.stringify(v)}, not a number >= 0`);
  }
  for (const key of counts) {
    const v = result[key];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0))
      problems.push(`"${key}" is ${JSON.stringify(v)}, not a whole number >= 0`);
  }
  for (const key of labels)
    if (typeof result[key] !== 'string') problems.push(`"${key}" is ${JSON.stringify(result[key])}, not a word`);
  for (const key of zero) if (result[key] !== 0) problems.push(`"${key}" is ${JSON.stringify(result[key])}, must be 0`);
  return problems;
}

describe('the bench runner', () => {
  const MISBEHAVING = fileURLToPath(new URL('./fixtures/misbehaving-benches.ts', import.meta.url));

  it('a bench whose promise can never settle fails loudly (exit 3, named), not with a bare exit 13', async () => {
    const run = await runBench('never-settles', MISBEHAVING);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('"never-settles" can never finish');
    expect(run.stdout).toBe('');
  });

  it('a bench that leaves a handle open is reported after its result (exit 4), not left hanging', async () => {
    const run = await runBench('leaves-open', MISBEHAVING, { ...process.env, PALLET_BENCH_LEAK_GRACE_MS: '500' });
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(4);
    expect(run.stdout.trim()).toBe('{"bench":"leaves-open","x_ms":1}');
    expect(run.stderr).toMatch(/left open: .*Timeout/);
  });
});

describe('bench smoke: every bench runs at a tiny size and exits 0 with its JSON line', () => {
  it('every bench in the registry has a smoke entry, and every entry a bench', () => {
    expect(
      Object.keys(SMOKE).sort(),
      'a bench added to test/bench/registry.ts needs its keys listed in SMOKE here',
    ).toEqual(Object.keys(benches).sort());
  });

  // Sequential: each spawns worker processes (and the table bench a browser), and two cores are all there is.
  for (const name of Object.keys(benches)) {
    it(name, { timeout: RUN_TIMEOUT_MS + 10_000 }, async (ctx) => {
      const promised = SMOKE[name];
      if (!promised) return; // reported by the registry test above
      const why = (await benches[name]!.unavailable?.()) ?? null;
      if (why) return ctx.skip(why);
      const run = await runBench(name);
      const tail = `\n--- stderr (last 2,000 characters) ---\n${run.stderr.slice(-2_000)}`;
      expect(run.timedOut, `"${name}" did not exit within ${RUN_TIMEOUT_MS / 1000} s${tail}`).toBe(false);
      expect(run.code, `"${name}" exited with ${run.code ?? run.signal}${tail}`).toBe(0);
      const lines = run.stdout.split('\n').filter((l) => l.trim() !== '');
      expect(lines, `stdout must be exactly one JSON line${tail}`).toHaveLength(1);
      let result: BenchResult;
      try {
        result = JSON.parse(lines[0]!) as BenchResult;
      } catch {
        throw new Error(`"${name}" printed a line that is not JSON: ${lines[0]}`);
      }
      expect(check(name, result, promised), lines[0]).toEqual([]);
    });
  }
});
