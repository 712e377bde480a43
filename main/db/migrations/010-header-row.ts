import type { Migration } from '../migrate.ts';

/**
 * Supplier files with a title above their table: the line holding the column names. A remembered supplier mapping
 * keeps it (NULL: line 1), and an import keeps the one it read from, so a resume reads the same table (NULL: an
 * import started before this, whose header was the first non-blank line).
 */
export const headerRowMigration: Migration = {
  version: 10,
  name: 'header-row',
  up(db) {
    db.exec(`
      ALTER TABLE supplier_mappings ADD COLUMN header_row INTEGER;
      ALTER TABLE imports ADD COLUMN header_row INTEGER;
    `);
  },
};
