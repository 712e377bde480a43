import type { Migration } from '../migrate.ts';

/** Package size, weight and Amazon's figures on products; one analysis per product and marketplace. */
export const analysisMigration: Migration = {
  version: 3,
  name: 'analysis',
  up(db) {
    db.exec(`
      ALTER TABLE products ADD COLUMN weight_lb REAL;
      ALTER TABLE products ADD COLUMN length_in REAL;
      ALTER TABLE products ADD COLUMN width_in REAL;
      ALTER TABLE products ADD COLUMN height_in REAL;
      ALTER TABLE products ADD COLUMN sales_rank INTEGER;
      ALTER TABLE products ADD COLUMN amazon_price REAL;
      ALTER TABLE products ADD COLUMN amazon_category TEXT;
      ALTER TABLE products ADD COLUMN user_price REAL;

      -- A rowid table: rows are wide, so WITHOUT ROWID (which stores the whole row in the key's B-tree) measured slower.
      CREATE TABLE analyses (
        id                      INTEGER PRIMARY KEY,
        product_id              INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        marketplace             TEXT    NOT NULL,
        sell_price              REAL,
        price_source            TEXT,
        referral_category       TEXT    NOT NULL,
        referral_fee            REAL,
        size_tier               TEXT,
        shipping_weight_lb      REAL,
        fulfillment_fee         REAL,
        storage_fee             REAL,
        other_costs             REAL    NOT NULL,
        unit_cost               REAL,
        total_fees              REAL,
        profit                  REAL,
        margin                  REAL,
        roi                     REAL,
        breakeven_cost          REAL,
        max_cost_for_target_roi REAL,
        sales_rank              INTEGER,
        est_sales_low           INTEGER,
        est_sales_mid           INTEGER,
        est_sales_high          INTEGER,
        flags                   TEXT    NOT NULL DEFAULT '[]',
        reasons                 TEXT    NOT NULL DEFAULT '[]',
        fee_schedule            TEXT    NOT NULL,
        computed_at             INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX analyses_product ON analyses(product_id, marketplace);
    `);
  },
};
