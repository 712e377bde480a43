// Migration 012 on a database with offers: the product index goes, every offer stays, and offers by product are
// still found (the cost follows the best offer of two suppliers, through the suppliers, by their key alone).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import { migrations } from '../../../main/db/migrations/index.ts';
import { offersOneIndexMigration } from '../../../main/db/migrations/012-offers-one-index.ts';
import { pinCostSupplier } from '../../../main/suppliers/offers.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

const index = (db: ReturnType<typeof openDatabase>) =>
  db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'supplier_offers_product'`).pluck().get();

describe('012-offers-one-index', () => {
  it('drops the product index of a database holding offers; every offer stays and costs still follow them', () => {
    const old = openDatabase(tmp.path, {
      migrations: migrations.filter((m) => m.version < offersOneIndexMigration.version),
    });
    old.exec(`
      INSERT INTO suppliers (id, name, created_at) VALUES (1, 'Acme', 1), (2, 'Globex', 1);
      INSERT INTO imports (id, file_name, file_path, file_size, file_hash, encoding, delimiter, decimal_sep, headers, mapping, fingerprint, status, created_at, supplier_id)
        VALUES (1, 'a.csv', '/x/a.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 5, 1),
               (2, 'b.csv', '/x/b.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 6, 2);
      INSERT INTO products (id, gtin14, name, cost, created_at, updated_at) VALUES (7, '00036000291452', 'Widget', 5, 5, 5);
      INSERT INTO supplier_offers (supplier_id, product_id, cost, currency, case_pack, moq, first_seen_at, last_seen_at, first_import_id, last_import_id)
        VALUES (1, 7, 5, 'USD', 6, NULL, 5, 5, 1, 1), (2, 7, 4, 'USD', 12, 3, 6, 6, 2, 2);
    `);
    expect(index(old)).toBe('supplier_offers_product');
    const offersBefore = old.prepare('SELECT * FROM supplier_offers ORDER BY supplier_id').all();
    old.close();

    const at12 = openDatabase(tmp.path, {
      migrations: migrations.filter((m) => m.version <= offersOneIndexMigration.version),
    });
    try {
      expect(index(at12)).toBeUndefined();
      expect(at12.prepare('SELECT * FROM supplier_offers ORDER BY supplier_id').all()).toEqual(offersBefore);
    } finally {
      at12.close();
    }

    // Through the later rungs too (019 keeps these offers, which no history row holds, in the history).
    const db = openDatabase(tmp.path);
    try {
      // Pinned to Acme, then unpinned: the best current offer (Globex's 4) is found by product without the index.
      expect(pinCostSupplier(db, 7, 1, 10)).toBe(0);
      expect(pinCostSupplier(db, 7, null, 11)).toBe(1);
      expect(db.prepare('SELECT cost FROM products WHERE id = 7').pluck().get()).toBe(4);
    } finally {
      db.close();
    }
  });
});
