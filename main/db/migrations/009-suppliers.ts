import type { Migration } from '../migrate.ts';

/**
 * Suppliers over time: an import belongs to a supplier; each product a supplier offers keeps its latest offer
 * (`supplier_offers`) and one row per import that listed it (`supplier_offer_history`), so any two lists of a
 * supplier can be compared. `products.cost` stays the cost analysis reads: the best current offer, unless the seller
 * pinned a supplier (`cost_supplier_id`).
 */
export const suppliersMigration: Migration = {
  version: 9,
  name: 'suppliers',
  up(db) {
    db.exec(`
      CREATE TABLE suppliers (
        id         INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
        created_at INTEGER NOT NULL
      );

      -- Older imports have no supplier.
      ALTER TABLE imports ADD COLUMN supplier_id INTEGER REFERENCES suppliers(id) ON DELETE SET NULL;
      CREATE INDEX imports_supplier ON imports(supplier_id, id) WHERE supplier_id IS NOT NULL;

      ALTER TABLE products ADD COLUMN cost_supplier_id INTEGER REFERENCES suppliers(id) ON DELETE SET NULL;
      -- The few pinned products: an import's cost step re-applies their pin.
      CREATE INDEX products_cost_supplier ON products(cost_supplier_id) WHERE cost_supplier_id IS NOT NULL;

      -- The supplier a remembered mapping belongs to (files with the same headers come from the same supplier).
      ALTER TABLE supplier_mappings ADD COLUMN supplier TEXT;

      -- No foreign keys on the two offer tables: checking them doubled the cost of recording a 200k-row list
      -- (measured), and only undo deletes products or history (main/suppliers/offers.ts cleans up after it).
      CREATE TABLE supplier_offers (
        supplier_id     INTEGER NOT NULL,
        product_id      INTEGER NOT NULL,
        cost            REAL,
        currency        TEXT,
        case_pack       INTEGER,
        moq             INTEGER,
        first_seen_at   INTEGER NOT NULL,
        last_seen_at    INTEGER NOT NULL,
        first_import_id INTEGER NOT NULL,
        last_import_id  INTEGER NOT NULL,
        PRIMARY KEY (supplier_id, product_id)
      ) WITHOUT ROWID;
      -- Every supplier's offer on a product (the best offer; products offered by more than one supplier).
      CREATE INDEX supplier_offers_product ON supplier_offers(product_id);

      CREATE TABLE supplier_offer_history (
        supplier_id INTEGER NOT NULL,
        product_id  INTEGER NOT NULL,
        import_id   INTEGER NOT NULL,
        cost        REAL,
        currency    TEXT,
        case_pack   INTEGER,
        moq         INTEGER,
        PRIMARY KEY (import_id, product_id)
      ) WITHOUT ROWID;
    `);
  },
};
