// Recording what a supplier offers, set-based, once an import's rows are in: the import's hot path does no per-row
// work for suppliers (docs/architecture.md §3). Everything here runs inside the caller's transaction.
import type { Db } from '../db/open.ts';

/** What recording an import's offers did. */
export interface OffersRecorded {
  supplierId: number;
  supplier: string;
  /** Products the supplier's list offered (one history row each). */
  offers: number;
  /** Products whose cost (the one analysis reads) moved to another offer. */
  costsChanged: number;
}

// Each supplier's latest completed list: its offers are the current ones.
const LATEST = `latest AS (SELECT supplier_id, max(id) AS id FROM imports
  WHERE supplier_id IS NOT NULL AND status = 'completed' GROUP BY supplier_id)`;
const CURRENT = (o: string) =>
  `EXISTS (SELECT 1 FROM latest l WHERE l.supplier_id = ${o}.supplier_id AND l.id = ${o}.last_import_id)`;
// Offers are keyed (supplier_id, product_id) and nothing else (migration 012): a product's offers are found through
// the suppliers, a handful, by one key lookup each. CROSS JOIN keeps that order.
const OFFERS_OF = (product: string, o: string) =>
  `suppliers ${o}_s CROSS JOIN supplier_offers ${o} ON ${o}.supplier_id = ${o}_s.id AND ${o}.product_id = ${product}`;

/**
 * What offer `o` says is its last list's history row `h` (migration 017): this joins it. An offer recorded before
 * keeps its own values, read first (see OFFER_VALUE).
 */
export const OFFER_SAID = (o: string, h: string) =>
  `LEFT JOIN supplier_offer_history ${h} ON ${h}.import_id = ${o}.last_import_id AND ${h}.product_id = ${o}.product_id`;
/** One of an offer's values (cost, currency, case_pack, moq), with OFFER_SAID joined as `h`. */
export const OFFER_VALUE = (o: string, h: string, column: 'cost' | 'currency' | 'case_pack' | 'moq') =>
  `coalesce(${o}.${column}, ${h}.${column})`;
// The current offer of the supplier a product's cost is pinned to.
const PINNED_COST = `(SELECT ${OFFER_VALUE('po', 'ph', 'cost')} FROM supplier_offers po ${OFFER_SAID('po', 'ph')}
  WHERE po.supplier_id = products.cost_supplier_id AND po.product_id = products.id
    AND ${OFFER_VALUE('po', 'ph', 'cost')} IS NOT NULL AND ${CURRENT('po')})`;

/** The supplier an import belongs to, or null (older imports, files without one). */
export function importSupplier(db: Db, importId: number): number | null {
  return (db.prepare('SELECT supplier_id FROM imports WHERE id = ?').pluck().get(importId) as number | null) ?? null;
}

/**
 * Sets `products.cost` of the products `scope` selects (SQL yielding `product_id`s over `params`) to the best
 * current offer: the lowest cost among suppliers whose latest list included it; a product pinned to a supplier takes
 * that supplier's current offer instead. Products no current offer prices keep their cost. Returns how many changed.
 */
function applyBestCosts(db: Db, scope: string, params: { now: number } & Record<string, number>): number {
  const best = db.prepare(
    `WITH ${LATEST},
     best AS (SELECT s.product_id, min(${OFFER_VALUE('o', 'oh', 'cost')}) AS cost FROM (${scope}) s
       CROSS JOIN ${OFFERS_OF('s.product_id', 'o')} ${OFFER_SAID('o', 'oh')}
       WHERE ${OFFER_VALUE('o', 'oh', 'cost')} IS NOT NULL AND ${CURRENT('o')} GROUP BY s.product_id)
     UPDATE products SET cost = coalesce(${PINNED_COST}, b.cost), updated_at = :now
     FROM best b WHERE products.id = b.product_id AND products.cost IS NOT coalesce(${PINNED_COST}, b.cost)`,
  );
  return best.run(params).changes;
}

const HISTORY_COLS = 'supplier_id, product_id, import_id, cost, currency, case_pack, moq';

/**
 * Records the offers of a finished import of supplier `supplierId`: one history row per product its file named,
 * the supplier's latest offers upserted from them, then the best offer's cost on the products where it can differ
 * from the list's own (offered by another supplier too, dropped by this list, or pinned; costs in different currencies
 * are compared as numbers). Call it after the import is marked completed, in
 * the same transaction. `staging` is the attached staging schema holding the rows merged (not appended) by the
 * import, or null when it has none; `stagedMarked` when the merge marked the products of its barcode rows seen.
 * Idempotent: a rerun after a crash writes the same rows.
 */
export function recordImportOffers(
  db: Db,
  p: { importId: number; supplierId: number; staging: string | null; stagedMarked?: boolean; now: number },
): OffersRecorded {
  const args = { imp: p.importId, sup: p.supplierId, now: p.now };
  const into = `INSERT OR REPLACE INTO supplier_offer_history (${HISTORY_COLS})`;
  let offers = 0;
  const st = p.staging ? `${p.staging}.staged` : null;
  // A file in barcode order stages nothing: then every product it named was written while reading.
  const staged = st !== null && (db.prepare(`SELECT EXISTS (SELECT 1 FROM ${st})`).pluck().get() as number) === 1;
  const marked = staged && p.stagedMarked === true;
  // Products the import marked seen, in one scan. Those it created hold the file's values as they are. Without a
  // marking merge, those are the rows written while reading, which extended the catalog. With one, products that
  // existed before take the list's own values from their staged row (an empty cell there kept the catalog's value in
  // the product, which is not what this supplier said); one that took a row while reading (another import wrote it
  // first) has no staged row: its values are that row's. A created product joins no staged row (a NULL key).
  offers += db
    .prepare(
      marked
        ? `${into} SELECT :sup, p.id, :imp, iif(s.row IS NULL, p.cost, s.cost), iif(s.row IS NULL, p.currency, s.currency),
             iif(s.row IS NULL, p.pack_size, s.pack_size), NULL
           FROM products p LEFT JOIN ${st} s ON s.gtin14 = iif(p.created_import_id IS :imp, NULL, p.gtin14) AND s.dup_of IS NULL
           WHERE p.seen_import_id = :imp`
        : `${into} SELECT :sup, p.id, :imp, p.cost, p.currency, p.pack_size, NULL FROM products p WHERE p.seen_import_id = :imp`,
    )
    .run(args).changes;
  if (st && staged) {
    // A merge saved by an earlier version did not mark its products: its rows are found through staging. A staged
    // row meeting a product this import wrote while reading repeated an earlier row: the first row wins.
    if (!marked)
      offers += db
        .prepare(
          `${into} SELECT :sup, p.id, :imp, s.cost, s.currency, s.pack_size, NULL FROM ${st} s
           JOIN products p ON p.gtin14 = s.gtin14
           WHERE s.gtin14 IS NOT NULL AND s.dup_of IS NULL AND p.seen_import_id IS NOT :imp`,
        )
        .run(args).changes;
    offers += db
      .prepare(
        `${into} SELECT :sup, p.id, :imp, s.cost, s.currency, s.pack_size, NULL FROM ${st} s
         JOIN products p ON p.id = (SELECT min(id) FROM products WHERE name_brand_key = s.name_brand_key AND gtin14 IS NULL)
         WHERE s.gtin14 IS NULL AND s.dup_of IS NULL`,
      )
      .run(args).changes;
  }
  // The current offers: keys and the lists that made them; their values are this list's history rows (migration
  // 017). An offer recorded before keeps values of its own: this list's replace them.
  db.prepare(
    `INSERT INTO supplier_offers (supplier_id, product_id, first_import_id, last_import_id)
     SELECT supplier_id, product_id, :imp, :imp FROM supplier_offer_history WHERE import_id = :imp
     ON CONFLICT (supplier_id, product_id) DO UPDATE SET cost = NULL, currency = NULL, case_pack = NULL, moq = NULL,
       last_seen_at = NULL, last_import_id = excluded.last_import_id
     WHERE excluded.last_import_id >= supplier_offers.last_import_id`,
  ).run(args);
  // Rows wrote this list's costs into products: only products another supplier also offers (this list's, and those
  // it dropped) and pinned ones can need another cost. Most often no other supplier exists and the step is free.
  // Only a supplier with a completed import has offers (undo rebuilds them from the lists left): the small imports
  // table answers, where probing the offers for another supplier read past all of this one's.
  const others = db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM imports WHERE supplier_id IS NOT NULL AND supplier_id <> :sup AND status = 'completed')`,
    )
    .pluck()
    .get(args) as number;
  const shared = (from: string) =>
    `${from} AND EXISTS (SELECT 1 FROM ${OFFERS_OF('h.product_id', 'x')} WHERE x_s.id <> :sup)`;
  const scope = [
    // Named: without statistics the planner scanned every product (~170 ms a million) rather than the few pinned.
    'SELECT id AS product_id FROM products INDEXED BY products_cost_supplier WHERE cost_supplier_id IS NOT NULL',
    ...(others
      ? [
          shared('SELECT h.product_id FROM supplier_offer_history h WHERE h.import_id = :imp'),
          shared('SELECT h.product_id FROM supplier_offers h WHERE h.supplier_id = :sup AND h.last_import_id < :imp'),
        ]
      : []),
  ].join(' UNION ');
  const costsChanged = applyBestCosts(db, scope, args);
  const supplier = db.prepare('SELECT name FROM suppliers WHERE id = ?').pluck().get(p.supplierId) as string;
  return { supplierId: p.supplierId, supplier, offers, costsChanged };
}

/** What undoing an import did to its supplier's offers. */
export interface OffersUndone {
  supplierId: number;
  /** History rows of the undone import removed. */
  removed: number;
  /** Products whose cost moved back to the best offer left. */
  costsChanged: number;
}

/**
 * After an import is marked undone (same transaction): its offer history goes, its supplier's offers are rebuilt
 * from the lists left (so the previous list is current again) and the products it offered get the best cost left.
 * Returns null for an import without a supplier.
 */
export function undoImportOffers(db: Db, importId: number, now: number): OffersUndone | null {
  const sup = importSupplier(db, importId);
  if (sup === null) return null;
  const args = { imp: importId, sup, now };
  // Undo deleted the products the import created (unless a later import changed them): no offer may name them.
  db.prepare(
    `DELETE FROM supplier_offers WHERE (supplier_id, product_id) IN (
       SELECT s.id, h.product_id FROM supplier_offer_history h CROSS JOIN suppliers s
       WHERE h.import_id = :imp AND NOT EXISTS (SELECT 1 FROM products p WHERE p.id = h.product_id))`,
  ).run(args);
  db.prepare('DELETE FROM supplier_offers WHERE supplier_id = :sup').run(args);
  // Rebuilt as keys and lists (their values are the last list's history rows, which stay).
  db.prepare(
    `INSERT INTO supplier_offers (supplier_id, product_id, first_import_id, last_import_id)
     SELECT :sup, f.product_id, f.first, f.last
     FROM (SELECT product_id, min(import_id) AS first, max(import_id) AS last FROM supplier_offer_history
           WHERE import_id IN (SELECT id FROM imports WHERE supplier_id = :sup AND status = 'completed' AND id <> :imp)
           GROUP BY product_id) f
     JOIN products p ON p.id = f.product_id`,
  ).run(args);
  // The products either list offered: those the undone one did, and those the previous one did (current again).
  const costsChanged = applyBestCosts(
    db,
    `SELECT product_id FROM supplier_offer_history WHERE import_id = :imp
     UNION SELECT product_id FROM supplier_offers WHERE supplier_id = :sup`,
    args,
  );
  const removed = db.prepare('DELETE FROM supplier_offer_history WHERE import_id = ?').run(importId).changes;
  return { supplierId: sup, removed, costsChanged };
}

/**
 * Pins a product's cost to one supplier's current offer (null unpins: the best offer again) and applies it at once.
 * Throws when the product or the supplier's offer on it is unknown.
 */
export function pinCostSupplier(db: Db, productId: number, supplierId: number | null, now = Date.now()): number {
  const exists = db.prepare('SELECT 1 FROM products WHERE id = ?').pluck().get(productId);
  if (!exists) throw new OfferNotFoundError(`There is no product #${productId}.`);
  if (supplierId !== null) {
    const offer = db
      .prepare('SELECT 1 FROM supplier_offers WHERE supplier_id = ? AND product_id = ?')
      .pluck()
      .get(supplierId, productId);
    if (!offer) throw new OfferNotFoundError(`That supplier never offered product #${productId}.`);
  }
  db.prepare('UPDATE products SET cost_supplier_id = ? WHERE id = ?').run(supplierId, productId);
  return applyBestCosts(db, 'SELECT :product AS product_id', { product: productId, now });
}

/** A product or offer that does not exist. */
export class OfferNotFoundError extends Error {}
