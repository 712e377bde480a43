import type { Db } from '../db/open.ts';
import { productWhere, PRODUCTS_FROM, type ProductFilters } from './query.ts';

/** What the analysis charts draw: ROI histogram, profit against sales rank (a sample), verdicts per list, winners. */
export interface AnalysisStats {
  analysed: number;
  /** ROI buckets of 10 points from −50 % to +200 %; the ends hold everything beyond. */
  roiBuckets: { from: number; to: number; count: number; winners: number }[];
  /** At most 1,500 products with a rank and a profit, spread evenly over the catalog. */
  points: { id: number; rank: number; profit: number; roi: number | null; winner: boolean }[];
  winners: number;
  /** Buy / check / skip counts per imported list (the import that last named the product), newest list first. */
  verdictsByList: { importId: number; file: string; buy: number; check: number; skip: number }[];
}

/** How many lists the verdict chart shows: the most recent ones. */
const MAX_LISTS = 12;

/** The user's targets: a winner meets all that are set. */
export interface Targets {
  minRoi?: number;
  minProfit?: number;
  maxRank?: number;
}

const MAX_POINTS = 1500;

/** Chart data for the products matching the filters, computed in SQLite (no row list in memory). */
export function analysisStats(db: Db, q: ProductFilters, t: Targets): AnalysisStats {
  const w = productWhere(q);
  const winner = [
    'a.roi IS NOT NULL',
    t.minRoi !== undefined ? `a.roi >= ${Number(t.minRoi)}` : null,
    t.minProfit !== undefined ? `a.profit >= ${Number(t.minProfit)}` : null,
    t.maxRank !== undefined ? `coalesce(a.sales_rank, p.sales_rank) <= ${Number(t.maxRank)}` : null,
  ]
    .filter(Boolean)
    .join(' AND ');
  const base = `${PRODUCTS_FROM} ${w.sql ? `${w.sql} AND` : 'WHERE'} a.id IS NOT NULL`;
  const buckets = db
    .prepare(
      `SELECT max(-5, min(20, CAST(floor(a.roi * 10) AS INTEGER))) AS b, count(*) AS n, sum(${winner}) AS wins ${base} AND a.roi IS NOT NULL GROUP BY b`,
    )
    .all(...w.params) as { b: number; n: number; wins: number }[];
  const byBucket = new Map(buckets.map((r) => [r.b, r]));
  const roiBuckets = Array.from({ length: 26 }, (_, i) => {
    const b = i - 5;
    const r = byBucket.get(b);
    return { from: b / 10, to: (b + 1) / 10, count: r?.n ?? 0, winners: r?.wins ?? 0 };
  });
  const totals = db.prepare(`SELECT count(*) AS n, coalesce(sum(${winner}), 0) AS wins ${base}`).get(...w.params) as {
    n: number;
    wins: number;
  };
  const withRank = db
    .prepare(`SELECT count(*) ${base} AND a.profit IS NOT NULL AND coalesce(a.sales_rank, p.sales_rank) IS NOT NULL`)
    .pluck()
    .get(...w.params) as number;
  const step = Math.max(1, Math.ceil(withRank / MAX_POINTS));
  const points = (
    db
      .prepare(
        `SELECT p.id, coalesce(a.sales_rank, p.sales_rank) AS rank, a.profit, a.roi, (${winner}) AS win ${base}
         AND a.profit IS NOT NULL AND coalesce(a.sales_rank, p.sales_rank) IS NOT NULL AND p.id % ? = 0 LIMIT ?`,
      )
      .all(...w.params, step, MAX_POINTS) as {
      id: number;
      rank: number;
      profit: number;
      roi: number | null;
      win: number;
    }[]
  ).map((r) => ({ id: r.id, rank: r.rank, profit: r.profit, roi: r.roi, winner: r.win === 1 }));
  // A product belongs to the list that last named it: a supplier's newer list takes it over.
  const verdictsByList = (
    db
      .prepare(
        `SELECT l.id AS importId, l.file_name AS file, v.buy, v.check_, v.skip FROM (
           SELECT coalesce(p.seen_import_id, p.import_id) AS list, sum(a.verdict = 'buy') AS buy,
             sum(a.verdict = 'check') AS check_, sum(a.verdict = 'skip') AS skip
           ${base} AND a.verdict IS NOT NULL GROUP BY list
         ) v JOIN imports l ON l.id = v.list ORDER BY l.id DESC LIMIT ?`,
      )
      .all(...w.params, MAX_LISTS) as { importId: number; file: string; buy: number; check_: number; skip: number }[]
  ).map((r) => ({ importId: r.importId, file: r.file, buy: r.buy, check: r.check_, skip: r.skip }));
  return { analysed: totals.n, roiBuckets, points, winners: totals.wins, verdictsByList };
}
