// Migration 019 on a database holding offers: the table goes, every offer is found in the history (one no history row
// held is written there with its own values), and costs, pins and later lists work from the history alone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import { migrations } from '../../../main/db/migrations/index.ts';
import { offersFromHistoryMigration } from '../../../main/db/migrations/019-offers-from-history.ts';
import { pinCostSupplier, productOffers, recordImportOffers } from '../../../main/suppliers/offers.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

const IMPORT = `INSERT INTO imports (id, file_name, file_path, file_size, file_hash, encoding, delimiter, decimal_sep, headers,
  mapping, fingerprint, status, created_at, supplier_id) VALUES`;

describe('019-offers-from-history', () => {
  it('moves every offer into the history; prices, pins and a later list then read it alone', () => {
    const old = openDatabase(tmp.path, {
      migrations: migrations.filter((m) => m.version < offersFromHistoryMigration.version),
    });
    old.exec(`
      INSERT INTO suppliers (id, name, created_at) VALUES (1, 'Acme', 1), (2, 'Globex', 1);
      ${IMPORT} (1, 'a.csv', '/x/a.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 5, 1),
                (2, 'b.csv', '/x/b.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 6, 2),
                (3, 'a2.csv', '/x/a2.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 7, 1);
      INSERT INTO products (id, gtin14, name, cost, created_at, updated_at, seen_import_id) VALUES
        (7, '00036000291452', 'Widget', 4, 5, 5, 2), (8, '00036000291469', 'Gadget', 9, 5, 5, 3);
      -- Acme's first list offered 7 (dropped by its second, which offers 8); Globex offers 7 at 4.
      INSERT INTO supplier_offer_history (supplier_id, product_id, import_id, cost, currency, case_pack, moq)
        VALUES (1, 7, 1, 5, 'USD', 6, NULL), (1, 8, 3, 9, 'USD', 1, 2);
      -- Globex's offer was recorded before its history row existed (an old file): it holds its values itself.
      INSERT INTO supplier_offers (supplier_id, product_id, cost, currency, case_pack, moq, first_seen_at, last_seen_at,
          first_import_id, last_import_id)
        VALUES (1, 7, NULL, NULL, NULL, NULL, NULL, NULL, 1, 1), (2, 7, 4, 'USD', 12, 3, 6, 6, 2, 2),
               (1, 8, NULL, NULL, NULL, NULL, NULL, NULL, 3, 3);
    `);
    old.close();

    const db = openDatabase(tmp.path);
    try {
      expect(db.prepare(`SELECT name FROM sqlite_schema WHERE name = 'supplier_offers'`).get()).toBeUndefined();
      expect(db.prepare('SELECT * FROM supplier_offer_history ORDER BY import_id, product_id').all()).toEqual([
        { supplier_id: 1, product_id: 7, import_id: 1, cost: 5, currency: 'USD', case_pack: 6, moq: null },
        { supplier_id: 2, product_id: 7, import_id: 2, cost: 4, currency: 'USD', case_pack: 12, moq: 3 },
        { supplier_id: 1, product_id: 8, import_id: 3, cost: 9, currency: 'USD', case_pack: 1, moq: 2 },
      ]);
      // Product 7: Globex's current offer first, then Acme's last one (its first list; no longer current).
      expect(productOffers(db, 7).map((o) => [o.supplier, o.importId, o.current, o.cost, o.casePack])).toEqual([
        ['Globex', 2, true, 4, 12],
        ['Acme', 1, false, 5, 6],
      ]);
      // A pin to Acme finds no current Acme offer on 7: the cost stays Globex's. Pinned to Globex, unpinned: still 4.
      expect(pinCostSupplier(db, 7, 1, 10)).toBe(0);
      expect(pinCostSupplier(db, 7, 2, 11)).toBe(0);
      expect(pinCostSupplier(db, 7, null, 12)).toBe(0);
      expect(db.prepare('SELECT cost FROM products WHERE id = 7').pluck().get()).toBe(4);
      expect(() => pinCostSupplier(db, 8, 2, 13)).toThrow(/never offered/);

      // Acme's third list offers 7 at 3.5 (written into the product as it was read) and drops 8.
      db.exec(`${IMPORT} (4, 'a3.csv', '/x/a3.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 8, 1);
        UPDATE products SET cost = 3.5, seen_import_id = 4 WHERE id = 7;`);
      const r = db.transaction(() => recordImportOffers(db, { importId: 4, supplierId: 1, staging: null, now: 20 }))();
      expect([r.offers, r.costsChanged]).toEqual([1, 0]);
      expect(productOffers(db, 7).map((o) => [o.supplier, o.importId, o.current, o.cost])).toEqual([
        ['Acme', 4, true, 3.5],
        ['Globex', 2, true, 4],
      ]);
      expect(productOffers(db, 8).map((o) => [o.supplier, o.importId, o.current])).toEqual([['Acme', 3, false]]);
      // Globex's 4 is no longer the best: 7 keeps Acme's 3.5; pinned to Globex it takes 4.
      expect(pinCostSupplier(db, 7, 2, 21)).toBe(1);
      expect(db.prepare('SELECT cost FROM products WHERE id = 7').pluck().get()).toBe(4);
    } finally {
      db.close();
    }
  });
});
