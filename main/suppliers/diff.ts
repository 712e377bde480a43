import type { Db } from '../db/open.ts';
import type { Verdict } from '../decisions/reasons.ts';
import { offerRows } from './offer-rows.ts';

/** A product one list has and the other lacks. */
export interface DiffItem {
  productId: number;
  gtin: string | null;
  name: string | null;
  cost: number | null;
}

/** A product whose cost moved between the two lists. */
export interface CostChange {
  productId: number;
  gtin: string | null;
  name: string | null;
  from: number;
  to: number;
  /** to − from */
  change: number;
  /** change / from (null when from is 0) */
  changePct: number | null;
}

/** A product whose verdict changed after the later list arrived (its cost moved, or Amazon's figures did). */
export interface VerdictChange {
  productId: number;
  gtin: string | null;
  name: string | null;
  from: Verdict;
  to: Verdict;
  costFrom: number | null;
  costTo: number | null;
}

/** One side of a diff. */
export interface DiffSide {
  importId: number;
  fileName: string;
  supplier: string | null;
  createdAt: number;
  offers: number;
}

/** What changed from list A to list B; lists hold at most `limit` items each, `totals` count them all. */
export interface ImportDiff {
  a: DiffSide;
  b: DiffSide;
  /** False when the two imports belong to different suppliers (allowed: the diff compares their lists). */
  sameSupplier: boolean;
  added: DiffItem[];
  dropped: DiffItem[];
  /** Largest rise first. */
  costUp: CostChange[];
  /** Largest fall first. */
  costDown: CostChange[];
  /**
   * Products of the later list whose verdict before it arrived differs from their verdict since (buy → skip after a
   * cost rise…); worst news first (to skip, then to check, then to buy).
   */
  verdictChanged: VerdictChange[];
  /** Products in both lists at the same cost (or without a cost in either). */
  unchanged: number;
  /** Products in both lists with a cost in only one of them. */
  costMissing: number;
  totals: { added: number; dropped: number; costUp: number; costDown: number; verdictChanged: number };
  limit: number;
}

/** Why a diff cannot be made, in words for the seller. */
export class DiffError extends Error {
  constructor(
    readonly code: 'not_found' | 'no_history',
    message: string,
  ) {
    super(message);
    this.name = 'DiffError';
  }
}

// A list's offers: its history rows and the products it created (offer-rows.ts).
const ROWS = (param: string) => offerRows(`i.id = :${param}`);
// The two lists being compared, each read once (keyed by product, as history is): list 0 is A, list 1 is B. A
// temporary table, so the comparisons below read both in key order (reading the lists' rows in each of them took the
// diff of two 200k-row lists from 0.34 to 0.73 s); temporary tables work on the reader thread's read-only connection.
const L = 'temp.diff_offers';

/** An import's row as a diff names it. */
interface DiffableImport {
  id: number;
  file_name: string;
  created_at: number;
  supplier_id: number | null;
  name: string | null;
}

/** An import that can be diffed, or a DiffError saying why not: cheap (a key lookup each), fine on any thread. */
export function diffableImport(db: Db, id: number): DiffableImport {
  const r = db
    .prepare<[number], DiffableImport & { status: string }>(
      `SELECT i.id, i.file_name, i.created_at, i.supplier_id, s.name, i.status FROM imports i
       LEFT JOIN suppliers s ON s.id = i.supplier_id WHERE i.id = ?`,
    )
    .get(id);
  if (!r) throw new DiffError('not_found', `There is no import #${id}.`);
  if (!db.prepare(`SELECT 1 FROM ${ROWS('id')} LIMIT 1`).get({ id })) {
    const why =
      r.supplier_id === null
        ? 'it has no supplier (imported before suppliers were kept, or without one)'
        : r.status === 'undone'
          ? 'it was undone'
          : r.status !== 'completed'
            ? `it is ${r.status}`
            : 'its list offered no product';
    throw new DiffError('no_history', `Import #${id} (${r.file_name}) has no supplier offers to compare: ${why}.`);
  }
  return r;
}

/** Compares the offers of two imports (any order): added, dropped and re-priced products, with totals. */
export function diffImports(db: Db, importA: number, importB: number, limit = 100): ImportDiff {
  const ra = diffableImport(db, importA);
  const rb = diffableImport(db, importB);
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS diff_offers (list INTEGER NOT NULL, product_id INTEGER NOT NULL, cost REAL,
    PRIMARY KEY (list, product_id)) WITHOUT ROWID`);
  try {
    // Both lists read in one transaction: the same state of the catalog.
    return db.transaction(() => {
      db.prepare(`DELETE FROM ${L}`).run();
      const fill = db.prepare(`INSERT INTO ${L} SELECT :list, product_id, cost FROM ${ROWS('id')}`);
      const side = (r: DiffableImport, list: number): DiffSide => ({
        importId: r.id,
        fileName: r.file_name,
        supplier: r.name,
        createdAt: r.created_at,
        offers: fill.run({ list, id: r.id }).changes,
      });
      return compare(db, side(ra, 0), side(rb, 1), ra.supplier_id === rb.supplier_id, limit);
    })();
  } finally {
    db.prepare(`DELETE FROM ${L}`).run();
  }
}

/** The diff of lists A and B as read into the temporary table (list 0 and 1). */
function compare(db: Db, a: DiffSide, b: DiffSide, sameSupplier: boolean, limit: number): ImportDiff {
  const n = Math.max(0, Math.floor(limit));
  const args = { n };

  const pairs = db
    .prepare<[], { matched: number; up: number; down: number; same: number }>(
      `SELECT count(*) AS matched, coalesce(sum(ha.cost < hb.cost), 0) AS up, coalesce(sum(ha.cost > hb.cost), 0) AS down,
         coalesce(sum(ha.cost IS hb.cost), 0) AS same
       FROM ${L} hb JOIN ${L} ha ON ha.list = 0 AND ha.product_id = hb.product_id
       WHERE hb.list = 1`,
    )
    .get()!;
  const only = (from: 0 | 1, other: 0 | 1) =>
    db
      .prepare<typeof args, DiffItem>(
        `SELECT h.product_id AS productId, p.gtin14 AS gtin, p.name, h.cost FROM ${L} h
         LEFT JOIN products p ON p.id = h.product_id
         WHERE h.list = ${from} AND NOT EXISTS (SELECT 1 FROM ${L} o WHERE o.list = ${other} AND o.product_id = h.product_id)
         ORDER BY h.product_id LIMIT :n`,
      )
      .all(args);
  const moved = (dir: 'up' | 'down') =>
    db
      .prepare<typeof args, Omit<CostChange, 'changePct'>>(
        `SELECT hb.product_id AS productId, p.gtin14 AS gtin, p.name, ha.cost AS "from", hb.cost AS "to", hb.cost - ha.cost AS change
         FROM ${L} hb JOIN ${L} ha ON ha.list = 0 AND ha.product_id = hb.product_id
         LEFT JOIN products p ON p.id = hb.product_id
         WHERE hb.list = 1 AND ha.cost ${dir === 'up' ? '<' : '>'} hb.cost
         ORDER BY abs(hb.cost - ha.cost) DESC, hb.product_id LIMIT :n`,
      )
      .all(args)
      .map((c) => ({ ...c, changePct: c.from === 0 ? null : c.change / c.from }));

  // The verdict a product had before the later list arrived, and the one it has had since (both from the history the
  // analyses' triggers keep): products never decided on either side are not compared.
  const aLater = a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.importId > b.importId);
  // The count binds no limit: the list of changes does.
  const verdictArgs = { later: aLater ? 0 : 1, earlier: aLater ? 1 : 0, at: Math.max(a.createdAt, b.createdAt) };
  const verdictSql = (what: string, tail: string) =>
    `WITH v AS (
       SELECT h.product_id, h.cost AS cost_to, e.cost AS cost_from,
         (SELECT verdict FROM verdict_history WHERE product_id = h.product_id AND marketplace = 'US' AND decided_at < :at
           ORDER BY decided_at DESC, seq DESC LIMIT 1) AS before,
         (SELECT verdict FROM verdict_history WHERE product_id = h.product_id AND marketplace = 'US' AND decided_at >= :at
           ORDER BY decided_at DESC, seq DESC LIMIT 1) AS since
       FROM ${L} h LEFT JOIN ${L} e ON e.list = :earlier AND e.product_id = h.product_id
       WHERE h.list = :later)
     SELECT ${what} FROM v LEFT JOIN products p ON p.id = v.product_id
     WHERE v.before IS NOT NULL AND v.since IS NOT NULL AND v.before <> v.since ${tail}`;
  const verdictTotal = db.prepare(verdictSql('count(*)', '')).pluck().get(verdictArgs) as number;
  const verdictChanged = db
    .prepare<typeof verdictArgs & { n: number }, VerdictChange>(
      verdictSql(
        `v.product_id AS productId, p.gtin14 AS gtin, p.name, v.before AS "from", v.since AS "to", v.cost_from AS costFrom,
         v.cost_to AS costTo`,
        `ORDER BY CASE v.since WHEN 'skip' THEN 0 WHEN 'check' THEN 1 ELSE 2 END, v.product_id LIMIT :n`,
      ),
    )
    .all({ ...verdictArgs, n });

  return {
    a,
    b,
    sameSupplier,
    added: only(1, 0),
    dropped: only(0, 1),
    costUp: moved('up'),
    costDown: moved('down'),
    verdictChanged,
    unchanged: pairs.same,
    costMissing: pairs.matched - pairs.same - pairs.up - pairs.down,
    totals: {
      added: b.offers - pairs.matched,
      dropped: a.offers - pairs.matched,
      costUp: pairs.up,
      costDown: pairs.down,
      verdictChanged: verdictTotal,
    },
    limit: n,
  };
}
