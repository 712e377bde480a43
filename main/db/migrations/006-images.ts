import type { Migration } from '../migrate.ts';

/** Product images: one row per stored image (by content hash), each product's sources and their state, and the
 * probable duplicates found among products without a barcode. */
export const imagesMigration: Migration = {
  version: 6,
  name: 'images',
  up(db) {
    db.exec(`
      CREATE TABLE images (
        sha256     TEXT    PRIMARY KEY,
        format     TEXT    NOT NULL,
        width      INTEGER NOT NULL,
        height     INTEGER NOT NULL,
        bytes      INTEGER NOT NULL,
        dhash      TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE product_images (
        product_id  INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        source      TEXT    NOT NULL,
        status      TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','done','retry','failed')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        error_code  TEXT,
        error       TEXT,
        sha256      TEXT REFERENCES images(sha256),
        next_try_at INTEGER,
        updated_at  INTEGER NOT NULL,
        PRIMARY KEY (product_id, position)
      ) WITHOUT ROWID;
      -- The job's work list, in product order, without scanning what is done.
      CREATE INDEX product_images_todo ON product_images(status, product_id, position) WHERE status IN ('pending','retry');
      -- One download serves every product that links the same address.
      CREATE INDEX product_images_source ON product_images(source) WHERE status = 'done';

      CREATE TABLE image_duplicates (
        a_id         INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        b_id         INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        distance     INTEGER NOT NULL,
        similarity   REAL    NOT NULL,
        found_at     INTEGER NOT NULL,
        dismissed_at INTEGER,
        PRIMARY KEY (a_id, b_id),
        CHECK (a_id < b_id)
      ) WITHOUT ROWID;
      CREATE INDEX image_duplicates_b ON image_duplicates(b_id);
    `);
  },
};
