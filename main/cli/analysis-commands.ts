import { findUnfinishedAnalysis } from '../analysis/attach.ts';
import { writeErrorMessage } from '../files/write-errors.ts';
import { exportProducts, FilterError, parseFilter } from '../analysis/export.ts';
import { analysisJobs, type AnalysisJobResult, type AnalysisPayload } from '../analysis/task.ts';
import { openDatabase } from '../db/open.ts';
import { wakeJob } from '../queue/orphans.ts';
import { UsageError } from './import-commands.ts';
import { printJobReport } from './print-job.ts';
import { runJobsToEnd } from './run-job.ts';

interface Out {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** Parses `--ids 1,2,3`. */
export function parseIds(text: string): number[] {
  const ids = text.split(',').map((s) => s.trim());
  if (ids.length === 0 || ids.some((s) => !/^\d{1,15}$/.test(s) || Number(s) < 1))
    throw new UsageError(`--ids takes product ids separated by commas (got "${text}").`);
  return ids.map(Number);
}

const number = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text.replace(/%$/, '')) / (text.endsWith('%') ? 100 : 1);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} takes a number (got "${text}").`);
  return n;
};

/** `pallet analyze [--all | --ids …]`: fees, profit and ROI through a worker, like the app. */
export async function analyzeCommand(
  dbPath: string,
  v: { all: boolean; ids?: string; minRoi?: string; minProfit?: string; maxRank?: string },
  o: Out,
): Promise<number> {
  if (v.all === (v.ids !== undefined)) throw new UsageError('analyze needs either --all or --ids 1,2,3.');
  const targets = {
    minRoi: number('min-roi', v.minRoi),
    minProfit: number('min-profit', v.minProfit),
    maxRank: number('max-rank', v.maxRank),
  };
  const payload: AnalysisPayload = {
    ...(v.all ? { all: true } : { ids: parseIds(v.ids!) }),
    options: { targets: Object.fromEntries(Object.entries(targets).filter(([, x]) => x !== undefined)) },
  };
  const started = Date.now();
  // The same request still unfinished (its owner died, or the app runs it): attach to it instead of a second run.
  const db = openDatabase(dbPath);
  let earlier;
  try {
    earlier = findUnfinishedAnalysis(db, payload);
  } finally {
    db.close();
  }
  // A full run is shared by two workers, one shard each.
  const inputs = analysisJobs(payload, 2);
  const ran = await runJobsToEnd(
    dbPath,
    {
      kinds: ['analysis'],
      workers: earlier?.unfinished.length ?? inputs.length,
      start: (queue) => {
        if (!earlier) return inputs.map((i) => queue.enqueue(i));
        o.err(
          `Attaching to unfinished analysis ${earlier.unfinished.map((j) => `#${j.id}`).join(', ')} of the same products and targets.`,
        );
        return earlier.unfinished.map((j) => wakeJob(queue, queue.get(j.id)));
      },
    },
    { notify: o.err },
  );
  const jobs = [...(earlier?.done ?? []), ...ran].sort((a, b) => a.id - b.id);
  const failed = jobs.find((j) => j.status !== 'completed');
  const r = failed ? null : sumResults(jobs.map((j) => j.result as AnalysisJobResult));
  return printJobReport(o, {
    ids: { jobIds: jobs.map((j) => j.id) },
    status: failed ? failed.status : 'completed',
    result: r,
    error: failed?.error ?? null,
    failure: 'analysis failed',
    lines: (r) => [
      `Analysed ${r.analyzed} products (fee schedule ${r.feeSchedule}): ${r.withProfit} with a profit figure, ${r.winners} winners; ${r.missingPrice} without a sell price, ${r.missingDimensions} without package size.`,
    ],
    extra: { elapsedMs: Date.now() - started },
  });
}

/** Adds up the counts of a run's shards. */
function sumResults(parts: readonly AnalysisJobResult[]): AnalysisJobResult {
  const sum = (k: Exclude<keyof AnalysisJobResult, 'feeSchedule'>) => parts.reduce((n, p) => n + p[k], 0);
  return {
    analyzed: sum('analyzed'),
    withProfit: sum('withProfit'),
    winners: sum('winners'),
    missingPrice: sum('missingPrice'),
    missingDimensions: sum('missingDimensions'),
    feeSchedule: parts[0]!.feeSchedule,
  };
}

/** `pallet export products OUT.csv [--filter roi>=0.3 …]`. */
export async function exportCommand(
  dbPath: string,
  what: string,
  out: string,
  filters: readonly string[],
  o: Out,
): Promise<number> {
  if (what !== 'products') throw new UsageError(`Only "export products" exists (got "${what}").`);
  let parsed;
  try {
    parsed = filters.map(parseFilter);
  } catch (err) {
    if (err instanceof FilterError) throw new UsageError(err.message);
    throw err;
  }
  const db = openDatabase(dbPath);
  try {
    const rows = await exportProducts(db, out, { filters: parsed }).catch((err: NodeJS.ErrnoException) => {
      throw new Error(writeErrorMessage(out, err));
    });
    o.out(o.json ? JSON.stringify({ file: out, rows }) : `Wrote ${rows} products to ${out}.`);
    return 0;
  } finally {
    db.close();
  }
}
