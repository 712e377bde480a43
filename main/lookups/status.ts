import type { Db } from '../db/open.ts';

/** Per-product lookup states (docs/architecture.md §4, Product lookup states). */
export const LOOKUP_STATUSES = [
  'pending',
  'looking_up',
  'found',
  'not_found',
  'ambiguous',
  'retry_pending',
  'failed',
] as const;
export type LookupStatus = (typeof LOOKUP_STATUSES)[number];

/** Attempts before a product's lookup is `failed` (the user can retry it). */
export const MAX_LOOKUP_ATTEMPTS = 3;

/** Counts per status and how much of the catalog has a final answer, for the window and `pallet lookup --status`. */
export function lookupSummary(db: Db): {
  counts: Record<LookupStatus, number>;
  total: number;
  percentComplete: number;
} {
  const counts = Object.fromEntries(LOOKUP_STATUSES.map((s) => [s, 0])) as Record<LookupStatus, number>;
  for (const r of db
    .prepare('SELECT lookup_status AS s, count(*) AS n FROM products WHERE gtin14 IS NOT NULL GROUP BY lookup_status')
    .all() as { s: LookupStatus; n: number }[])
    counts[r.s] = r.n;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const settled = counts.found + counts.not_found + counts.ambiguous + counts.failed;
  return { counts, total, percentComplete: total ? Math.round((settled / total) * 1000) / 10 : 100 };
}

/** The product asked for does not exist (deleted by an undo, or never there). */
export class ProductNotFoundError extends Error {
  constructor(readonly productId: number) {
    super(`There is no product #${productId}.`);
    this.name = 'ProductNotFoundError';
  }
}

/** The ASIN chosen is not among the product's candidates (the lookup changed them, or the choice is stale). */
export class NotACandidateError extends Error {
  constructor(
    readonly productId: number,
    readonly asin: string,
    candidates: readonly string[],
  ) {
    super(`${asin} is not one of the candidates for product #${productId} (${candidates.join(', ') || 'none'}).`);
    this.name = 'NotACandidateError';
  }
}

/** The user picked one of an ambiguous product's candidates; throws ProductNotFoundError or NotACandidateError. */
export function chooseAsin(db: Db, productId: number, asin: string): void {
  const row = db
    .prepare<[number], { lookup_status: string; potential_asins: string | null }>(
      'SELECT lookup_status, potential_asins FROM products WHERE id = ?',
    )
    .get(productId);
  if (!row) throw new ProductNotFoundError(productId);
  const candidates = (JSON.parse(row.potential_asins ?? '[]') as { asin: string }[]).map((c) => c.asin);
  if (!candidates.includes(asin)) throw new NotACandidateError(productId, asin, candidates);
  db.prepare(
    `UPDATE products SET asin = ?, lookup_status = 'found', asin_found_at = ?, updated_at = ? WHERE id = ?`,
  ).run(asin, Date.now(), Date.now(), productId);
}

/** Puts chosen products, or every failed one, back in line for a lookup with fresh attempts. */
export function retryLookups(db: Db, which: { ids: readonly number[] } | 'failed'): number {
  if (which === 'failed')
    return db
      .prepare(
        `UPDATE products SET lookup_status = 'pending', lookup_attempts = 0, next_lookup_at = NULL WHERE lookup_status = 'failed'`,
      )
      .run().changes;
  const stmt = db.prepare(
    `UPDATE products SET lookup_status = 'pending', lookup_attempts = 0, next_lookup_at = NULL WHERE id = ?`,
  );
  return db.transaction(() => which.ids.reduce((n, id) => n + stmt.run(id).changes, 0))();
}
