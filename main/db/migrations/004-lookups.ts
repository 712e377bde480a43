import type { Migration } from '../migrate.ts';

/** The local reference catalog (barcode → ASIN pairs the seller imported) and the cache of provider answers. */
export const lookupsMigration: Migration = {
  version: 4,
  name: 'lookups',
  up(db) {
    db.exec(`
      CREATE TABLE reference_catalog (
        gtin14      TEXT    NOT NULL,
        asin        TEXT    NOT NULL,
        title       TEXT,
        brand       TEXT,
        source      TEXT    NOT NULL,
        imported_at INTEGER NOT NULL,
        PRIMARY KEY (gtin14, asin)
      ) WITHOUT ROWID;

      CREATE TABLE lookup_cache (
        gtin14      TEXT    NOT NULL,
        marketplace TEXT    NOT NULL,
        provider    TEXT    NOT NULL,
        matches     TEXT    NOT NULL,
        fetched_at  INTEGER NOT NULL,
        PRIMARY KEY (gtin14, marketplace, provider)
      ) WITHOUT ROWID;

      -- The sweep's pick: pending products, and retries that are due.
      CREATE INDEX products_lookup ON products(lookup_status, next_lookup_at) WHERE lookup_status IN ('pending', 'retry_pending');
    `);
  },
};
