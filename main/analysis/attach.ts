import type { Db } from '../db/open.ts';
import { activeJobsOfKind, completedJobsBetween } from '../queue/sql/read.ts';
import type { Job } from '../queue/types.ts';
import type { AnalysisPayload } from './task.ts';

/** An earlier request's analysis jobs that have not all finished, and the shards of that run that already have. */
export interface UnfinishedAnalysis {
  unfinished: Job[];
  /** Completed shards of the same run: their counts belong in the run's total. */
  done: Job[];
}

type Shard = { count: number; index: number };

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, sortedKeys(v)]),
  );
}

/** What an analysis request covers and how (products, marketplace, date, options), without its shard: equal keys, same work. */
export function analysisScopeKey(p: AnalysisPayload): string {
  const ids = p.ids ? [...new Set(p.ids)].sort((a, b) => a - b) : null;
  return JSON.stringify(
    sortedKeys({
      all: p.all === true,
      ids,
      marketplace: p.marketplace ?? 'US',
      date: p.date ?? null,
      options: p.options ?? {},
    }),
  );
}

const shardOf = (job: Job) => (job.payload as { shard?: Shard } | null)?.shard ?? null;

/**
 * The unfinished analysis jobs of the same scope as `payload` (the newest run's, if several), with their completed
 * sibling shards; null when there are none and a new run is due.
 */
export function findUnfinishedAnalysis(db: Db, payload: AnalysisPayload): UnfinishedAnalysis | null {
  const key = analysisScopeKey(payload);
  const same = activeJobsOfKind(db, 'analysis').filter((j) => analysisScopeKey(j.payload as AnalysisPayload) === key);
  if (same.length === 0) return null;
  // One run: the newest job and the jobs of its shard set enqueued with it (ids within one shard count of it).
  const newest = same[0]!;
  const count = shardOf(newest)?.count ?? 1;
  const unfinished = same
    .filter((j) => (shardOf(j)?.count ?? 1) === count && newest.id - j.id < count)
    .sort((a, b) => a.id - b.id);
  if (count === 1) return { unfinished, done: [] };
  const missing = new Set(Array.from({ length: count }, (_, i) => i));
  for (const j of unfinished) missing.delete(shardOf(j)!.index);
  const done: Job[] = [];
  if (missing.size) {
    const lo = unfinished[0]!.id - count;
    const hi = unfinished[unfinished.length - 1]!.id + count;
    const siblings = completedJobsBetween(db, 'analysis', lo, hi);
    for (const s of siblings) {
      const shard = shardOf(s);
      if (
        shard &&
        shard.count === count &&
        missing.has(shard.index) &&
        analysisScopeKey(s.payload as AnalysisPayload) === key
      ) {
        missing.delete(shard.index);
        done.push(s);
      }
    }
  }
  return { unfinished, done };
}
