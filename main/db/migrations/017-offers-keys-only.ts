import type { Migration } from '../migrate.ts';

/**
 * A supplier's current offer keeps its keys and the span of lists that made it (first and last import); what the
 * offer says — cost, currency, case pack, MOQ — is read from the last list's history row, which holds the same values.
 * Writing them twice cost a 1M-row list ~0.17 s (measured) and 30 MiB. The columns stay, nullable, for the offers
 * recorded before: their values are kept and read first (`coalesce(o.cost, h.cost)`); a later list clears them.
 * SQLite cannot drop NOT NULL in place: the table is rebuilt with every row.
 */
export const offersKeysOnlyMigration: Migration = {
  version: 17,
  name: 'offers-keys-only',
  up(db) {
    db.exec(`
      CREATE TABLE supplier_offers_new (
        supplier_id     INTEGER NOT NULL,
        product_id      INTEGER NOT NULL,
        cost            REAL,
        currency        TEXT,
        case_pack       INTEGER,
        moq             INTEGER,
        first_seen_at   INTEGER,
        last_seen_at    INTEGER,
        first_import_id INTEGER NOT NULL,
        last_import_id  INTEGER NOT NULL,
        PRIMARY KEY (supplier_id, product_id)
      ) WITHOUT ROWID;
      INSERT INTO supplier_offers_new SELECT supplier_id, product_id, cost, currency, case_pack, moq, first_seen_at,
        last_seen_at, first_import_id, last_import_id FROM supplier_offers;
      DROP TABLE supplier_offers;
      ALTER TABLE supplier_offers_new RENAME TO supplier_offers;
    `);
  },
};
