import type { Migration } from '../migrate.ts';

/**
 * A list's offers on the products it created are those products as it wrote them: no history row is written for
 * them (a 1M-row first list spent ~0.35–0.5 s of its import writing a million rows that repeat the products).
 * `created_from`/`created_to` bound the ids of the products an import may have created; `created_to` is set when its
 * offers are recorded that way (main/suppliers/offer-rows.ts), and cleared by its undo. The trigger keeps the rule
 * true for good: before a product's cost, currency or case pack changes, the offer of the list that created it is
 * written out as a history row with the values it had, so what the list said is never lost. (NOT EXISTS, not OR
 * IGNORE: a trigger's conflict clause gives way to the firing statement's, and the import's upserts have their own.)
 */
export const offersOfCreatedProductsMigration: Migration = {
  version: 20,
  name: 'offers-of-created-products',
  up(db) {
    db.exec(`
      ALTER TABLE imports ADD COLUMN created_from INTEGER;
      ALTER TABLE imports ADD COLUMN created_to INTEGER;
      CREATE TRIGGER products_offer_kept AFTER UPDATE OF cost, currency, pack_size ON products
      WHEN OLD.created_import_id IS NOT NULL
        AND (NEW.cost IS NOT OLD.cost OR NEW.currency IS NOT OLD.currency OR NEW.pack_size IS NOT OLD.pack_size)
      BEGIN
        INSERT INTO supplier_offer_history (supplier_id, product_id, import_id, cost, currency, case_pack, moq)
        SELECT i.supplier_id, OLD.id, i.id, OLD.cost, OLD.currency, OLD.pack_size, NULL
        FROM imports i WHERE i.id = OLD.created_import_id AND i.created_to IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM supplier_offer_history h WHERE h.import_id = i.id AND h.product_id = OLD.id);
      END;
    `);
  },
};
