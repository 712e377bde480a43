import type { Db } from '../db/open.ts';
import type { Verdict } from '../decisions/reasons.ts';
import { offerFound, offerJoin, offerRows, offerValue } from './offer-rows.ts';

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

// A list's offers (history rows and the products it created, offer-rows.ts), and one product's offer in the other
// list, looked up by key: `as` names it (as.cost reads offerValue).
const ROWS = (param: string) => offerRows(`i.id = :${param}`);
const A_COST = offerValue('ha', 'cost');
const IN_LIST = (param: string, product: string, as: string) =>
  `CROSS JOIN imports ${as}_i ON ${as}_i.id = :${param} ${offerJoin(`${as}_i`, product, as)}`;

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
  const side = (id: number): DiffSide & { supplierId: number | null } => {
    const r = diffableImport(db, id);
    const offers = db
      .prepare(`SELECT count(*) FROM ${ROWS('id')}`)
      .pluck()
      .get({ id }) as number;
    return {
      importId: r.id,
      fileName: r.file_name,
      supplier: r.name,
      createdAt: r.created_at,
      offers,
      supplierId: r.supplier_id,
    };
  };
  const { supplierId: supA, ...a } = side(importA);
  const { supplierId: supB, ...b } = side(importB);
  const n = Math.max(0, Math.floor(limit));
  const args = { a: importA, b: importB, n };

  const pairs = db
    .prepare<typeof args, { matched: number; up: number; down: number; same: number }>(
      `SELECT count(*) AS matched, coalesce(sum(${A_COST} < hb.cost), 0) AS up,
         coalesce(sum(${A_COST} > hb.cost), 0) AS down, coalesce(sum(${A_COST} IS hb.cost), 0) AS same
       FROM ${ROWS('b')} hb ${IN_LIST('a', 'hb.product_id', 'ha')}
       WHERE ${offerFound('ha')}`,
    )
    .get(args)!;
  const only = (from: 'a' | 'b', other: 'a' | 'b') =>
    db
      .prepare<typeof args, DiffItem>(
        `SELECT h.product_id AS productId, p.gtin14 AS gtin, p.name, h.cost FROM ${ROWS(from)} h
         ${IN_LIST(other, 'h.product_id', 'o')}
         LEFT JOIN products p ON p.id = h.product_id
         WHERE NOT ${offerFound('o')}
         ORDER BY h.product_id LIMIT :n`,
      )
      .all(args);
  const moved = (dir: 'up' | 'down') =>
    db
      .prepare<typeof args, Omit<CostChange, 'changePct'>>(
        `SELECT hb.product_id AS productId, p.gtin14 AS gtin, p.name, ${A_COST} AS "from", hb.cost AS "to",
           hb.cost - ${A_COST} AS change
         FROM ${ROWS('b')} hb ${IN_LIST('a', 'hb.product_id', 'ha')}
         LEFT JOIN products p ON p.id = hb.product_id
         WHERE ${offerFound('ha')} AND ${A_COST} ${dir === 'up' ? '<' : '>'} hb.cost
         ORDER BY abs(hb.cost - ${A_COST}) DESC, hb.product_id LIMIT :n`,
      )
      .all(args)
      .map((c) => ({ ...c, changePct: c.from === 0 ? null : c.change / c.from }));

  // The verdict a product had before the later list arrived, and the one it has had since (both from the history the
  // analyses' triggers keep): products never decided on either side are not compared.
  const later = a.createdAt > b.createdAt || (a.createdAt === b.createdAt && importA > importB) ? importA : importB;
  const earlier = later === importA ? importB : importA;
  const verdictArgs = { later, earlier, at: Math.max(a.createdAt, b.createdAt), n };
  const verdictSql = (what: string, tail: string) =>
    `WITH v AS (
       SELECT h.product_id, h.cost AS cost_to, ${offerValue('e', 'cost')} AS cost_from,
         (SELECT verdict FROM verdict_history WHERE product_id = h.product_id AND marketplace = 'US' AND decided_at < :at
           ORDER BY decided_at DESC, seq DESC LIMIT 1) AS before,
         (SELECT verdict FROM verdict_history WHERE product_id = h.product_id AND marketplace = 'US' AND decided_at >= :at
           ORDER BY decided_at DESC, seq DESC LIMIT 1) AS since
       FROM ${ROWS('later')} h ${IN_LIST('earlier', 'h.product_id', 'e')})
     SELECT ${what} FROM v LEFT JOIN products p ON p.id = v.product_id
     WHERE v.before IS NOT NULL AND v.since IS NOT NULL AND v.before <> v.since ${tail}`;
  const verdictTotal = db.prepare(verdictSql('count(*)', '')).pluck().get(verdictArgs) as number;
  const verdictChanged = db
    .prepare<typeof verdictArgs, VerdictChange>(
      verdictSql(
        `v.product_id AS productId, p.gtin14 AS gtin, p.name, v.before AS "from", v.since AS "to", v.cost_from AS costFrom,
         v.cost_to AS costTo`,
        `ORDER BY CASE v.since WHEN 'skip' THEN 0 WHEN 'check' THEN 1 ELSE 2 END, v.product_id LIMIT :n`,
      ),
    )
    .all(verdictArgs);

  return {
    a,
    b,
    sameSupplier: supA === supB,
    added: only('b', 'a'),
    dropped: only('a', 'b'),
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
