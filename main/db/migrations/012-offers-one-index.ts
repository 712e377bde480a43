import type { Migration } from '../migrate.ts';

/**
 * Supplier offers keep one b-tree: the `(supplier_id, product_id)` key. The second index on `product_id` cost every
 * import a third million-entry write (measured: ~1/4 of recording a 1M-row list and half its commit); offers by
 * product are now found through the few suppliers instead (main/suppliers/offers.ts). No row changes.
 */
export const offersOneIndexMigration: Migration = {
  version: 12,
  name: 'offers-one-index',
  up(db) {
    db.exec('DROP INDEX IF EXISTS supplier_offers_product;');
  },
};
