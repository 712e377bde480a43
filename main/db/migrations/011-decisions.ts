import type { Migration } from '../migrate.ts';

/**
 * Buying decisions. Amazon's answers are keyed by ASIN and marketplace (several products can share an ASIN), and
 * restrictions also by seller; each product keeps its candidate ASINs and the verdict on its analysis. JSON cells are
 * checked with json_valid so a bad write fails at once; readers validate their shape too.
 * The seller's ASIN override lives on products: it is a fact about the product, and must survive re-analysis.
 */
export const decisionsMigration: Migration = {
  version: 11,
  name: 'decisions',
  up(db) {
    db.exec(`
      CREATE TABLE catalog_items (
        asin                TEXT    NOT NULL,
        marketplace         TEXT    NOT NULL,
        title               TEXT,
        brand               TEXT,
        package_quantity    INTEGER,
        number_of_items     INTEGER,
        parent_asin         TEXT,
        variation_theme     TEXT,
        is_variation_parent INTEGER NOT NULL DEFAULT 0 CHECK (is_variation_parent IN (0, 1)),
        length_in           REAL,
        width_in            REAL,
        height_in           REAL,
        weight_lb           REAL,
        image_url           TEXT,
        sales_ranks         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(sales_ranks)),
        hazmat              TEXT    CHECK (hazmat IS NULL OR json_valid(hazmat)),
        fetched_at          INTEGER NOT NULL,
        PRIMARY KEY (asin, marketplace)
      );
      CREATE INDEX catalog_items_parent ON catalog_items(parent_asin) WHERE parent_asin IS NOT NULL;

      CREATE TABLE listing_restrictions (
        asin        TEXT    NOT NULL,
        marketplace TEXT    NOT NULL,
        seller_id   TEXT    NOT NULL,
        status      TEXT    NOT NULL CHECK (status IN ('ok', 'approval_required', 'not_eligible', 'asin_not_found')),
        reasons     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(reasons)),
        fetched_at  INTEGER NOT NULL,
        PRIMARY KEY (asin, marketplace, seller_id)
      );

      CREATE TABLE offer_summaries (
        asin              TEXT    NOT NULL,
        marketplace       TEXT    NOT NULL,
        buy_box_price     REAL,
        buy_box_winner    TEXT    CHECK (buy_box_winner IN ('amazon', 'fba', 'fbm')),
        amazon_on_listing INTEGER CHECK (amazon_on_listing IN (0, 1)),
        fba_offers        INTEGER,
        fbm_offers        INTEGER,
        lowest_fba        REAL,
        lowest_fbm        REAL,
        source            TEXT    NOT NULL CHECK (source IN ('competitive_pricing', 'item_offers')),
        fetched_at        INTEGER NOT NULL,
        PRIMARY KEY (asin, marketplace)
      );

      CREATE TABLE fba_eligibility (
        asin         TEXT    NOT NULL,
        marketplace  TEXT    NOT NULL,
        status       TEXT    NOT NULL CHECK (status IN ('eligible', 'ineligible', 'review')),
        reason_codes TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(reason_codes)),
        fetched_at   INTEGER NOT NULL,
        PRIMARY KEY (asin, marketplace)
      );

      CREATE TABLE product_candidates (
        product_id    INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        marketplace   TEXT    NOT NULL,
        asin          TEXT    NOT NULL,
        chosen        INTEGER NOT NULL DEFAULT 0 CHECK (chosen IN (0, 1)),
        verdict       TEXT    CHECK (verdict IN ('buy', 'check', 'skip')),
        profit        REAL,
        roi           REAL,
        est_sales_mid INTEGER,
        reasons       TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(reasons)),
        updated_at    INTEGER NOT NULL,
        PRIMARY KEY (product_id, marketplace, asin)
      );
      CREATE UNIQUE INDEX product_candidates_chosen ON product_candidates(product_id, marketplace) WHERE chosen = 1;
      CREATE INDEX product_candidates_asin ON product_candidates(asin, marketplace);

      ALTER TABLE analyses ADD COLUMN verdict TEXT CHECK (verdict IN ('buy', 'check', 'skip'));
      ALTER TABLE analyses ADD COLUMN verdict_reasons TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(verdict_reasons));
      ALTER TABLE analyses ADD COLUMN pack_multiplier REAL;
      ALTER TABLE analyses ADD COLUMN decided_asin TEXT;
      ALTER TABLE analyses ADD COLUMN decided_at INTEGER;
      CREATE INDEX analyses_verdict ON analyses(marketplace, verdict);

      ALTER TABLE products ADD COLUMN asin_override TEXT;
    `);
  },
};
