import type { Migration } from '../migrate.ts';

/** Products, the imports that made them (with what each changed, for undo) and saved supplier mappings. */
export const catalogMigration: Migration = {
  version: 2,
  name: 'catalog',
  up(db) {
    db.exec(`
      CREATE TABLE imports (
        id           INTEGER PRIMARY KEY,
        job_id       INTEGER UNIQUE REFERENCES jobs(id) ON DELETE SET NULL,
        file_name    TEXT    NOT NULL,
        file_path    TEXT    NOT NULL,
        file_size    INTEGER NOT NULL,
        file_hash    TEXT    NOT NULL,
        encoding     TEXT    NOT NULL,
        delimiter    TEXT    NOT NULL,
        decimal_sep  TEXT    NOT NULL,
        headers      TEXT    NOT NULL,
        mapping      TEXT    NOT NULL,
        fingerprint  TEXT    NOT NULL,
        status       TEXT    NOT NULL DEFAULT 'running'
                     CHECK (status IN ('running','completed','failed','cancelled','undoing','undone')),
        counts       TEXT,
        error_report TEXT,
        created_at   INTEGER NOT NULL,
        finished_at  INTEGER,
        undone_at    INTEGER
      );

      CREATE TABLE products (
        id                INTEGER PRIMARY KEY,
        gtin14            TEXT,
        sku               TEXT,
        mpn               TEXT,
        asin              TEXT,
        name              TEXT,
        brand             TEXT,
        category          TEXT,
        cost              REAL,
        currency          TEXT,
        price             REAL,
        pack_size         INTEGER,
        quantity          INTEGER,
        image_url         TEXT,
        description       TEXT,
        attributes        TEXT NOT NULL DEFAULT '{}',
        quality_score     INTEGER NOT NULL DEFAULT 0,
        name_brand_key    TEXT,
        import_id         INTEGER REFERENCES imports(id) ON DELETE SET NULL,
        created_import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,
        lookup_status     TEXT NOT NULL DEFAULT 'pending',
        lookup_attempts   INTEGER NOT NULL DEFAULT 0,
        next_lookup_at    INTEGER,
        potential_asins   TEXT,
        asin_found_at     INTEGER,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX products_gtin ON products(gtin14) WHERE gtin14 IS NOT NULL;
      -- Only products without a barcode are matched by name and brand.
      CREATE INDEX products_name_brand ON products(name_brand_key) WHERE gtin14 IS NULL;

      -- What an import changed, as it was before: undo restores these.
      CREATE TABLE import_changes (
        import_id  INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        product_id INTEGER NOT NULL,
        before     TEXT    NOT NULL,
        PRIMARY KEY (import_id, product_id)
      ) WITHOUT ROWID;

      CREATE TABLE supplier_mappings (
        fingerprint TEXT PRIMARY KEY,
        headers     TEXT    NOT NULL,
        mapping     TEXT    NOT NULL,
        decimal_sep TEXT,
        updated_at  INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
