import type { Migration } from '../migrate.ts';

/**
 * `supplier_offers` goes: a supplier's current offers are its latest completed list's history rows, and its last
 * offer on a product the latest of its lists naming it (main/suppliers/offers.ts). Keeping the table in step cost a
 * 1M-row list a second million-entry b-tree (~0.25 s of its import, measured). What it held is in the history: each
 * offer was made from its last list's history row. An offer whose row is missing (none known; kept for safety) has
 * its values written there first, so nothing a seller saw is lost.
 */
export const offersFromHistoryMigration: Migration = {
  version: 19,
  name: 'offers-from-history',
  up(db) {
    db.exec(`
      INSERT OR IGNORE INTO supplier_offer_history (supplier_id, product_id, import_id, cost, currency, case_pack, moq)
        SELECT o.supplier_id, o.product_id, o.last_import_id, o.cost, o.currency, o.case_pack, o.moq
        FROM supplier_offers o
        WHERE NOT EXISTS (SELECT 1 FROM supplier_offer_history h
                          WHERE h.import_id = o.last_import_id AND h.product_id = o.product_id);
      DROP TABLE supplier_offers;
    `);
  },
};
