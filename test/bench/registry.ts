// Every benchmark `npm run bench` knows, with its tiny size for the smoke run (test/bench/smoke.test.ts).
// Each bench module is imported only when it runs: the registry stays cheap to load, and a bench's heavy imports
// (Playwright, vite, sharp) never slow another's start.

/** What the runner hands a bench. */
export interface BenchContext {
  /** --rows N, in the bench's own unit (see `rows`). */
  rows?: number;
  /** A tiny run that proves the bench still works end to end; its figures mean nothing. */
  smoke: boolean;
  log: (line: string) => void;
}

/** One JSON line's worth of figures; keys name their unit. */
export type BenchResult = Record<string, number | string | null>;

export interface Bench {
  /** What --rows counts for this bench, if it takes it. */
  rows?: string;
  /** Why this bench cannot run on this machine, or null when it can. */
  unavailable?: () => Promise<string | null>;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/** The benches by name, in the order the README lists them. */
export const benches: Record<string, Bench> = {
  queue: {
    run: async ({ smoke, log }) =>
      (await import('../../main/bench/queue-bench.ts')).runQueueBench({
        log,
        ...(smoke
          ? {
              largePending: 2_000,
              sizes: {
                trials: 1,
                warmupJobs: 500,
                batchedJobs: 2_000,
                singleJobs: 200,
                e2eJobs: 500,
                workerJobs: 200,
                startSamples: 3,
              },
            }
          : {}),
      }),
  },
  crash: {
    run: async ({ smoke, log }) =>
      (await import('./crash-bench.ts')).runCrashBench({ log, ...(smoke ? { kills: 4, jobs: 12, steps: 5 } : {}) }),
  },
  'crash-owner': {
    rows: 'rows',
    run: async ({ rows, smoke, log }) =>
      (await import('./crash-owner-bench.ts')).runCrashOwnerBench({
        log,
        rows: rows ?? (smoke ? 2_000 : undefined),
        ...(smoke ? { trials: 1, lookupRows: 60, images: 30, parallel: true } : {}),
      }),
  },
  import: {
    rows: 'rows',
    run: async ({ rows, smoke, log }) =>
      (await import('./import-bench.ts')).runImportBench({
        log,
        rows: rows ?? (smoke ? 2_000 : undefined),
        ...(smoke ? { runs: 1, cancels: 1, cancelAfterMs: [0, 10] as const } : {}),
      }),
  },
  // The same rows as CSV and as .xlsx, side by side (the import bench's xlsx figures): --rows is the xlsx size knob;
  // past 200k the side by side stays at 200k and the workbook alone is imported again at --rows (keys suffixed _1m…).
  'import-xlsx': {
    rows: 'rows (as CSV and as XLSX; past 200k also the XLSX alone at that size)',
    run: async ({ rows, smoke, log }) =>
      (await import('./xlsx-bench.ts')).runXlsxBench({ log, rows: rows ?? (smoke ? 300 : undefined) }),
  },
  // An import written back in its own shape, as CSV and as XLSX: time and peak memory of each export.
  'export-back': {
    rows: 'rows',
    run: async ({ rows, smoke, log }) =>
      (await import('./export-back-bench.ts')).runExportBackBench({ log, rows: rows ?? (smoke ? 500 : undefined) }),
  },
  // Suppliers over time: recording offers with an import, a supplier's second list, the diff of the two.
  suppliers: {
    rows: 'products per list',
    run: async ({ rows, smoke, log }) =>
      (await import('./suppliers-bench.ts')).runSuppliersBench({ log, rows: rows ?? (smoke ? 1_000 : undefined) }),
  },
  // The Lists view's rows: stages, found and verdict counts per list over a big catalog.
  lists: {
    rows: 'products',
    run: async ({ rows, smoke, log }) =>
      (await import('./lists-bench.ts')).runListsBench({ log, rows: rows ?? (smoke ? 2_000 : undefined) }),
  },
  analysis: {
    rows: 'rows',
    run: async ({ rows, smoke, log }) =>
      (await import('./analysis-bench.ts')).runAnalysisBench({ log, rows: rows ?? (smoke ? 1_000 : undefined) }),
  },
  lookup: {
    rows: 'identifiers',
    run: async ({ rows, smoke, log }) =>
      (await import('./lookup-bench.ts')).runLookupBench({ log, ids: rows ?? (smoke ? 60 : undefined) }),
  },
  // The whole buying decision at the SP-API ceiling (k× rates against the double, figures scaled back; see the file).
  decide: {
    rows: 'barcodes',
    run: async ({ rows, smoke, log }) =>
      (await import('./decide-bench.ts')).runDecideBench({ log, ids: rows ?? (smoke ? 60 : undefined) }),
  },
  images: {
    rows: 'images',
    run: async ({ rows, smoke, log }) =>
      (await import('./images-bench.ts')).runImagesBench({ log, images: rows ?? (smoke ? 6 : undefined) }),
  },
  table: {
    rows: 'products',
    unavailable: async () => {
      const why = (await import('../e2e/harness.ts')).e2eUnavailable();
      return why && `the table bench needs the e2e setup: ${why}`;
    },
    run: async ({ rows, smoke, log }) =>
      (await import('./table-bench.ts')).runTableBench({
        log,
        rows: rows ?? (smoke ? 2_000 : undefined),
        ...(smoke ? { wheelSteps: 20, stepsPerJump: 4, settleMs: 100 } : {}),
      }),
  },
  // The seller's window: first paint over 100k products, scrolling and filtering 1M (--rows: the scroll/filter size).
  window: {
    rows: 'products (scroll and filter; first paint uses 100k or fewer)',
    unavailable: async () => {
      const why = (await import('../e2e/harness.ts')).e2eUnavailable();
      return why && `the window bench needs the e2e setup: ${why}`;
    },
    run: async ({ rows, smoke, log }) =>
      (await import('./window-bench.ts')).runWindowBench({
        log,
        rows: rows ?? (smoke ? 2_000 : undefined),
        ...(smoke
          ? {
              paintRows: Math.min(rows ?? 1_000, 1_000),
              paintTrials: 1,
              filterChanges: 3,
              wheelSteps: 10,
              stepsPerJump: 2,
            }
          : rows !== undefined
            ? { paintRows: Math.min(rows, 100_000) }
            : {}),
      }),
  },
  'db-health': {
    rows: 'products',
    run: async ({ rows, smoke, log }) =>
      (await import('./db-health-bench.ts')).runDbHealthBench({ log, rows: rows ?? (smoke ? 2_000 : undefined) }),
  },
  fuzz: {
    rows: 'cases per target',
    run: async ({ rows, smoke, log }) =>
      (await import('./fuzz-bench.ts')).runFuzzBench({ log, cases: rows ?? (smoke ? 20 : undefined) }),
  },
};
