// Migration 009 on a database of the version before it: every import, product and saved mapping survives.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import { migrations } from '../../../main/db/migrations/index.ts';
import { suppliersMigration } from '../../../main/db/migrations/009-suppliers.ts';
import { createSupplierStore } from '../../../main/suppliers/store.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

describe('009-suppliers', () => {
  it('keeps the rows of a version-8 database; older imports have no supplier, products keep their cost', () => {
    const before = migrations.filter((m) => m.version < suppliersMigration.version);
    const old = openDatabase(tmp.path, { migrations: before });
    old.exec(`
      INSERT INTO imports (id, file_name, file_path, file_size, file_hash, encoding, delimiter, decimal_sep, headers, mapping, fingerprint, status, created_at)
        VALUES (1, 'old.csv', '/x/old.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 5);
      INSERT INTO products (id, gtin14, name, cost, pack_size, import_id, created_import_id, seen_import_id, seen_row, created_at, updated_at)
        VALUES (1, '00036000291452', 'Widget', 2.5, 6, 1, 1, 1, 2, 5, 5);
      INSERT INTO supplier_mappings (fingerprint, headers, mapping, decimal_sep, updated_at) VALUES ('fp', '["UPC"]', '{}', '.', 5);
    `);
    old.close();

    const db = openDatabase(tmp.path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(9);
      expect(db.prepare('SELECT id, file_name, status, supplier_id FROM imports').all()).toEqual([
        { id: 1, file_name: 'old.csv', status: 'completed', supplier_id: null },
      ]);
      expect(db.prepare('SELECT id, gtin14, cost, pack_size, cost_supplier_id FROM products').all()).toEqual([
        { id: 1, gtin14: '00036000291452', cost: 2.5, pack_size: 6, cost_supplier_id: null },
      ]);
      expect(db.prepare('SELECT fingerprint, supplier FROM supplier_mappings').all()).toEqual([
        { fingerprint: 'fp', supplier: null },
      ]);
      expect(db.prepare('SELECT count(*) FROM supplier_offer_history').pluck().get()).toBe(0);
      // Names are unique whatever their case.
      const s = createSupplierStore(db);
      expect(s.ensure(' Acme  Corp ')).toBe(s.ensure('ACME CORP'));
      expect(s.byName('acme corp')).toEqual({ id: 1, name: 'Acme Corp' });
    } finally {
      db.close();
    }
  });
});
