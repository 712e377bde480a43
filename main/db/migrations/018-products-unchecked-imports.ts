import type { Migration } from '../migrate.ts';

/** The two clauses `products` had, exactly as migration 002 wrote them. */
const CLAUSE = ' REFERENCES imports(id) ON DELETE SET NULL';

/**
 * `products.import_id` and `created_import_id` lose their foreign keys to `imports`. Imports are never deleted (undo
 * marks one undone), so the clauses' only effect was a parent lookup per key and row written: ~0.2–0.4 s of a
 * 1M-row import, measured end to end. The columns and their values stay.
 *
 * SQLite documents editing the stored CREATE TABLE text as the way to drop a FOREIGN KEY constraint without
 * rebuilding the table (https://sqlite.org/lang_altertable.html, "otheralter"): the rows are untouched, so a
 * 1M-product catalog upgrades at once. better-sqlite3 opens connections in defensive mode, which forbids that edit;
 * it is lifted for this statement only.
 */
export const productsUncheckedImportsMigration: Migration = {
  version: 18,
  name: 'products-unchecked-imports',
  up(db) {
    const sql = db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'products'`).pluck().get();
    if (typeof sql !== 'string') throw new Error('Migration "products-unchecked-imports": no products table.');
    const parts = sql.split(CLAUSE);
    if (parts.length !== 3)
      throw new Error('Migration "products-unchecked-imports": the products table is not as migration 002 made it.');
    const version = db.pragma('schema_version', { simple: true }) as number;
    db.unsafeMode(true);
    try {
      db.pragma('writable_schema = ON');
      db.prepare(`UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'products'`).run(parts.join(''));
      // A new schema version makes every connection, this one included, read the edited text again.
      db.pragma(`schema_version = ${version + 1}`);
    } finally {
      db.pragma('writable_schema = OFF');
      db.unsafeMode(false);
    }
    const keys = db.pragma('foreign_key_list(products)') as { table: string }[];
    if (keys.some((k) => k.table === 'imports'))
      throw new Error('Migration "products-unchecked-imports": the edit did not take.');
  },
};
