// Migration 018 on a catalog made before it: the products keep every row and value, lose only their two foreign keys
// to `imports`, and every other key in the file is still enforced.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import { migrations } from '../../../main/db/migrations/index.ts';
import { productsUncheckedImportsMigration } from '../../../main/db/migrations/018-products-unchecked-imports.ts';
import { insertImports } from '../../support/catalog-rows.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

describe('018-products-unchecked-imports', () => {
  it('drops the products → imports keys in place and keeps rows, indexes and the other keys', () => {
    const old = openDatabase(tmp.path, {
      migrations: migrations.filter((m) => m.version < productsUncheckedImportsMigration.version),
    });
    insertImports(old, 1);
    old.exec(`
      INSERT INTO products (id, gtin14, name, cost, created_at, updated_at, import_id, created_import_id, seen_import_id)
        VALUES (7, '00036000291452', 'Widget', 4, 5, 5, 1, 1, 1), (8, NULL, 'Loose', 2, 5, 5, 1, 1, 1);
    `);
    expect(() =>
      old.prepare('INSERT INTO products (name, created_at, updated_at, import_id) VALUES (?, 1, 1, 99)').run('x'),
    ).toThrow(/FOREIGN KEY/);
    const keysBefore = (old.pragma('foreign_key_list(products)') as { from: string }[]).map((k) => k.from).sort();
    expect(keysBefore).toEqual(['cost_supplier_id', 'created_import_id', 'import_id']);
    const before = old.prepare('SELECT * FROM products ORDER BY id').all();
    const indexes = old
      .prepare(`SELECT name, sql FROM sqlite_schema WHERE tbl_name = 'products' AND type = 'index' ORDER BY name`)
      .all();
    old.close();

    const db = openDatabase(tmp.path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      // The pinned supplier's key (written by a seller's pin, never by an import) stays.
      const keys = db.pragma('foreign_key_list(products)') as { table: string; from: string }[];
      expect(keys.map((k) => `${k.from} → ${k.table}`)).toEqual(['cost_supplier_id → suppliers']);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT * FROM products ORDER BY id').all()).toEqual(before);
      expect(
        db
          .prepare(`SELECT name, sql FROM sqlite_schema WHERE tbl_name = 'products' AND type = 'index' ORDER BY name`)
          .all(),
      ).toEqual(indexes);
      // The columns are written as before, unchecked; the barcode stays unique.
      db.prepare(
        'INSERT INTO products (name, created_at, updated_at, import_id, created_import_id) VALUES (?, 1, 1, 99, 99)',
      ).run('y');
      expect(() =>
        db.prepare('INSERT INTO products (gtin14, created_at, updated_at) VALUES (?, 1, 1)').run('00036000291452'),
      ).toThrow(/UNIQUE/);
      // Keys elsewhere still hold: an analysis row of a product that does not exist is refused.
      expect(() =>
        db.prepare('INSERT INTO import_changes (import_id, product_id, before) VALUES (42, 7, ?)').run('{}'),
      ).toThrow(/FOREIGN KEY/);
      // Writing the schema is not left open to the app's connection.
      expect(() => db.prepare(`UPDATE sqlite_schema SET sql = sql WHERE name = 'products'`).run()).toThrow();
    } finally {
      db.close();
    }
  });

  it('refuses a products table it does not recognise, leaving the file as it was', () => {
    const old = openDatabase(tmp.path, {
      migrations: migrations.filter((m) => m.version < productsUncheckedImportsMigration.version),
    });
    expect(old.pragma('user_version', { simple: true })).toBe(productsUncheckedImportsMigration.version - 1);
    expect(() => productsUncheckedImportsMigration.up(old)).not.toThrow();
    // Run again on the edited table: the clauses are gone, so it must stop rather than guess.
    expect(() => productsUncheckedImportsMigration.up(old)).toThrow(/not as migration 002 made it/);
    old.close();
  });
});
