import type { Migration } from '../migrate.ts';

/**
 * What a reference catalog row may say beyond barcode → ASIN (sales rank, category, offers, Buy Box, restriction,
 * hazmat), as one JSON cell: the offline decide chain reads it where SP-API would answer. Looked up by ASIN.
 */
export const referenceFactsMigration: Migration = {
  version: 16,
  name: 'reference-facts',
  up(db) {
    db.exec(`
      ALTER TABLE reference_catalog ADD COLUMN facts TEXT;
      CREATE INDEX reference_catalog_asin ON reference_catalog(asin);
    `);
  },
};
