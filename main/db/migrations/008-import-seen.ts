import type { Migration } from '../migrate.ts';

/**
 * Imports write straight into products: each product remembers the last import whose file named it and at which
 * row, so a later row of the same file is known as a duplicate in the same lookup that finds the product (and a
 * crash cannot lose that knowledge: it commits with the row).
 */
export const importSeenMigration: Migration = {
  version: 8,
  name: 'import-seen',
  up(db) {
    db.exec(`
      ALTER TABLE products ADD COLUMN seen_import_id INTEGER;
      ALTER TABLE products ADD COLUMN seen_row INTEGER;
    `);
  },
};
