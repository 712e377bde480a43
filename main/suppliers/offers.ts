// Recording what a supplier offers, set-based, once an import's rows are in: the import's hot path does no per-row
// work for suppliers (docs/architecture.md §3). Everything here runs inside the caller's transaction.
import type { Db } from '../db/open.ts';
import { offerFound, offerJoin, offerRows, offerValue } from './offer-rows.ts';

/** What recording an import's offers did. */
export interface OffersRecorded {
  supplierId: number;
  supplier: string;
  /** Products the supplier's list offered (a history row each, or the product it created: offer-rows.ts). */
  offers: number;
  /** Products whose cost (the one analysis reads) moved to another offer. */
  costsChanged: number;
}

// Each supplier's latest completed list: what it says are the supplier's current offers (migration 019: no table
// repeats them). `created_to`: the list's row (max() picks it), for its offers on the products it created.
const LATEST = `latest AS (SELECT supplier_id, max(id) AS id, created_to FROM imports
  WHERE supplier_id IS NOT NULL AND status = 'completed' GROUP BY supplier_id)`;
// A supplier's current offer on a product is its latest list's offer: a key lookup or two per supplier (a handful),
// as history's key starts with the import (offer-rows.ts). `h` names the offer (offerValue(h, …)), `h_l` the list.
const CURRENT_OFFERS_OF = (product: string, h: string) => `latest ${h}_l ${offerJoin(`${h}_l`, product, h)}`;
// The current offer of the supplier a product's cost is pinned to.
const PINNED_COST = `(SELECT ${offerValue('ph', 'cost')} FROM ${CURRENT_OFFERS_OF('products.id', 'ph')}
  WHERE ph_l.supplier_id = products.cost_supplier_id AND ${offerValue('ph', 'cost')} IS NOT NULL)`;

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
     best AS (SELECT s.product_id, min(${offerValue('o', 'cost')}) AS cost
       FROM (${scope}) s CROSS JOIN ${CURRENT_OFFERS_OF('s.product_id', 'o')}
       WHERE ${offerValue('o', 'cost')} IS NOT NULL GROUP BY s.product_id)
     UPDATE products SET cost = coalesce(${PINNED_COST}, b.cost), updated_at = :now
     FROM best b WHERE products.id = b.product_id AND products.cost IS NOT coalesce(${PINNED_COST}, b.cost)`,
  );
  return best.run(params).changes;
}

const HISTORY_COLS = 'supplier_id, product_id, import_id, cost, currency, case_pack, moq';

/**
 * Records the offers of a finished import of supplier `supplierId`: one history row per product its file named and
 * did not create (a product it created is its offer as it is: offer-rows.ts), then the best offer's cost on the
 * products where it can differ from the list's own (offered by another supplier too, dropped by this list, or pinned;
 * costs in different currencies are compared as numbers). Call it after the import is marked completed, in the same
 * transaction. `staging` is the attached staging schema holding the rows merged (not appended) by the import, or null
 * when it has none; `stagedMarked` when the merge marked the products of its barcode rows seen; `created`, the
 * products it created (counted again when absent); `existing`, the products it named and did not create (updated or
 * unchanged): when none, the scan of the catalog for them is skipped. An import started before migration 020 (no
 * `created_from`) writes a row for every product, as it did then. Idempotent: a rerun after a crash writes the same
 * rows.
 */
export function recordImportOffers(
  db: Db,
  p: {
    importId: number;
    supplierId: number;
    staging: string | null;
    stagedMarked?: boolean;
    created?: number;
    existing?: number;
    now: number;
  },
): OffersRecorded {
  const args = { imp: p.importId, sup: p.supplierId, now: p.now };
  const into = `INSERT OR REPLACE INTO supplier_offer_history (${HISTORY_COLS})`;
  let offers = 0;
  // The products it created are its offers from here on (set before any cost below moves: the trigger then keeps
  // what this list said).
  const implicit =
    db
      .prepare(
        `UPDATE imports SET created_to = (SELECT coalesce(max(id), 0) FROM products)
         WHERE id = :imp AND created_from IS NOT NULL`,
      )
      .run(args).changes === 1;
  if (implicit)
    offers +=
      p.created ??
      (db
        .prepare(
          `SELECT count(*) FROM imports i CROSS JOIN products p ON p.id BETWEEN i.created_from AND i.created_to
           WHERE i.id = :imp AND p.created_import_id = i.id`,
        )
        .pluck()
        .get(args) as number);
  const notCreated = implicit ? ' AND p.created_import_id IS NOT :imp' : '';
  const st = p.staging ? `${p.staging}.staged` : null;
  // A file in barcode order stages nothing: then every product it named was written while reading.
  const staged = st !== null && (db.prepare(`SELECT EXISTS (SELECT 1 FROM ${st})`).pluck().get() as number) === 1;
  const marked = staged && p.stagedMarked === true;
  // Products the import marked seen, in one scan. Those it created hold the file's values as they are. Without a
  // marking merge, those are the rows written while reading, which extended the catalog. With one, products that
  // existed before take the list's own values from their staged row (an empty cell there kept the catalog's value in
  // the product, which is not what this supplier said); one that took a row while reading (another import wrote it
  // first) has no staged row: its values are that row's. A created product joins no staged row (a NULL key).
  // A list that only created products (a first list into an empty catalog) has nothing more in products: the scan
  // (of the whole catalog: seen_import_id has no index) is skipped.
  if (!(implicit && p.existing === 0))
    offers += db
      .prepare(
        marked
          ? `${into} SELECT :sup, p.id, :imp, iif(s.row IS NULL, p.cost, s.cost), iif(s.row IS NULL, p.currency, s.currency),
             iif(s.row IS NULL, p.pack_size, s.pack_size), NULL
           FROM products p LEFT JOIN ${st} s ON s.gtin14 = iif(p.created_import_id IS :imp, NULL, p.gtin14) AND s.dup_of IS NULL
           WHERE p.seen_import_id = :imp${notCreated}`
          : `${into} SELECT :sup, p.id, :imp, p.cost, p.currency, p.pack_size, NULL FROM products p
           WHERE p.seen_import_id = :imp${notCreated}`,
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
           WHERE s.gtin14 IS NOT NULL AND s.dup_of IS NULL AND p.seen_import_id IS NOT :imp${notCreated}`,
        )
        .run(args).changes;
    offers += db
      .prepare(
        `${into} SELECT :sup, p.id, :imp, s.cost, s.currency, s.pack_size, NULL FROM ${st} s
         JOIN products p ON p.id = (SELECT min(id) FROM products WHERE name_brand_key = s.name_brand_key AND gtin14 IS NULL)
         WHERE s.gtin14 IS NULL AND s.dup_of IS NULL${notCreated}`,
      )
      .run(args).changes;
  }
  // This list is now the supplier's latest: its offers are the current ones, nothing else is written.
  // Rows wrote this list's costs into products: only products another supplier also offers (this list's, and those
  // it dropped) and pinned ones can need another cost. Most often no other supplier exists and the step is free.
  // Only a supplier with a completed import has offers: the small imports table answers.
  const others = db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM imports WHERE supplier_id IS NOT NULL AND supplier_id <> :sup AND status = 'completed')`,
    )
    .pluck()
    .get(args) as number;
  const shared = (products: string) =>
    `SELECT h.product_id FROM ${products} h
     WHERE EXISTS (SELECT 1 FROM ${CURRENT_OFFERS_OF('h.product_id', 'x')} WHERE x_l.supplier_id <> :sup AND ${offerFound('x')})`;
  // The supplier's list before this one: what it offered and this one does not was current until now. This list
  // created none of those products (they existed before it): its history rows say what it named.
  const previous = `(SELECT max(id) FROM imports WHERE supplier_id = :sup AND status = 'completed' AND id < :imp)`;
  const scope = [
    // Named: without statistics the planner scanned every product (~170 ms a million) rather than the few pinned.
    'SELECT id AS product_id FROM products INDEXED BY products_cost_supplier WHERE cost_supplier_id IS NOT NULL',
    ...(others
      ? [
          shared(offerRows('i.id = :imp')),
          shared(`(SELECT o.product_id FROM ${offerRows(`i.id = ${previous}`)} o
            WHERE NOT EXISTS (SELECT 1 FROM supplier_offer_history n WHERE n.import_id = :imp AND n.product_id = o.product_id))`),
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
  /** Offers of the undone import removed (its history rows and the products it created). */
  removed: number;
  /** Products whose cost moved back to the best offer left. */
  costsChanged: number;
}

/**
 * After an import is marked undone (same transaction): its offers go (the supplier's previous list is current again,
 * being its latest completed one) and the products either list offered get the best cost left. `deleted`: the
 * products the undo removed (all created by the import, so all its offers). Returns null for an import without a
 * supplier.
 */
export function undoImportOffers(db: Db, importId: number, now: number, deleted: number): OffersUndone | null {
  const sup = importSupplier(db, importId);
  if (sup === null) return null;
  const args = { imp: importId, sup, now };
  // Undo deleted the products the import created (unless a later import changed them): no list may name them. A later
  // list that named one without changing it is looked up list by list (history's key starts with the import): by the
  // import's history rows, and by the span of ids it created in (those products had no row of its own).
  db.prepare(
    `DELETE FROM supplier_offer_history WHERE (import_id, product_id) IN (
       SELECT i.id, h.product_id FROM supplier_offer_history h CROSS JOIN imports i
       WHERE h.import_id = :imp AND i.supplier_id IS NOT NULL AND i.id <> :imp
         AND NOT EXISTS (SELECT 1 FROM products p WHERE p.id = h.product_id)
       UNION ALL
       SELECT i.id, h.product_id FROM imports x CROSS JOIN imports i CROSS JOIN supplier_offer_history h
         ON h.import_id = i.id AND h.product_id BETWEEN x.created_from AND x.created_to
       WHERE x.id = :imp AND x.created_to IS NOT NULL AND i.supplier_id IS NOT NULL AND i.id > :imp
         AND NOT EXISTS (SELECT 1 FROM products p WHERE p.id = h.product_id))`,
  ).run(args);
  // Its offers: those still found, and those on the products the undo removed that had no history row (every removed
  // product was its offer; one with a row is found above).
  const found = db
    .prepare(`SELECT count(*) FROM ${offerRows('i.id = :imp')}`)
    .pluck()
    .get(args) as number;
  const goneWithRow = db
    .prepare(
      `SELECT count(*) FROM supplier_offer_history h
       WHERE h.import_id = :imp AND NOT EXISTS (SELECT 1 FROM products p WHERE p.id = h.product_id)`,
    )
    .pluck()
    .get(args) as number;
  const removed = found + deleted - goneWithRow;
  // The import is no longer completed: the supplier's latest list left is current again. The products either list
  // offered get the best cost left (a product the import created and a later one changed keeps its offer until here:
  // a cost moved now writes it out, removed below).
  const costsChanged = applyBestCosts(
    db,
    `SELECT product_id FROM ${offerRows('i.id = :imp')}
     UNION SELECT product_id FROM ${offerRows('i.id = (SELECT id FROM latest WHERE supplier_id = :sup)')}`,
    args,
  );
  db.prepare('DELETE FROM supplier_offer_history WHERE import_id = ?').run(importId);
  db.prepare('UPDATE imports SET created_to = NULL WHERE id = ?').run(importId);
  return { supplierId: sup, removed, costsChanged };
}

/** A supplier's offer on a product: what its latest list naming it said; `current` when that list is its latest. */
export interface ProductOffer {
  supplierId: number;
  supplier: string;
  importId: number;
  current: boolean;
  cost: number | null;
  currency: string | null;
  casePack: number | null;
  moq: number | null;
}

/** Every supplier's last offer on a product, cheapest first (no cost last), then by supplier name. */
export function productOffers(db: Db, productId: number): ProductOffer[] {
  // Through the suppliers and their lists, a few, by history's key (and the product's own row for the list that
  // created it): history has no index by product.
  const rows = db
    .prepare(
      `WITH ${LATEST}, last AS (
         SELECT s.id AS supplier_id, s.name, (SELECT max(i.id) FROM imports i ${offerJoin('i', ':p', 'x')}
           WHERE i.supplier_id = s.id AND i.status = 'completed' AND ${offerFound('x')}) AS import_id
         FROM suppliers s)
       SELECT l.supplier_id AS supplierId, l.name AS supplier, l.import_id AS importId,
         EXISTS (SELECT 1 FROM latest c WHERE c.supplier_id = l.supplier_id AND c.id = l.import_id) AS current,
         ${offerValue('h', 'cost')} AS cost, ${offerValue('h', 'currency')} AS currency,
         ${offerValue('h', 'case_pack')} AS casePack, ${offerValue('h', 'moq')} AS moq
       FROM last l CROSS JOIN imports li ON li.id = l.import_id ${offerJoin('li', ':p', 'h')}
       WHERE ${offerFound('h')}
       ORDER BY ${offerValue('h', 'cost')} IS NULL, ${offerValue('h', 'cost')}, l.name`,
    )
    .all({ p: productId }) as (Omit<ProductOffer, 'current'> & { current: number })[];
  return rows.map((r) => ({ ...r, current: r.current === 1 }));
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
      .prepare(
        `SELECT 1 FROM imports i ${offerJoin('i', ':p', 'h')}
         WHERE i.supplier_id = :sup AND i.status = 'completed' AND ${offerFound('h')}`,
      )
      .pluck()
      .get({ p: productId, sup: supplierId });
    if (!offer) throw new OfferNotFoundError(`That supplier never offered product #${productId}.`);
  }
  db.prepare('UPDATE products SET cost_supplier_id = ? WHERE id = ?').run(supplierId, productId);
  return applyBestCosts(db, 'SELECT :product AS product_id', { product: productId, now });
}

/** A product or offer that does not exist. */
export class OfferNotFoundError extends Error {}
