// Migration 017 on a database with offers recorded before it: every offer keeps its values and still prices its
// product; a later list of the supplier replaces them, and from then on the offer's values are its history row's.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import { migrations } from '../../../main/db/migrations/index.ts';
import { offersKeysOnlyMigration } from '../../../main/db/migrations/017-offers-keys-only.ts';
import { OFFER_SAID, OFFER_VALUE, pinCostSupplier, recordImportOffers } from '../../../main/suppliers/offers.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

const IMPORT = `INSERT INTO imports (id, file_name, file_path, file_size, file_hash, encoding, delimiter, decimal_sep, headers,
  mapping, fingerprint, status, created_at, supplier_id) VALUES`;

describe('017-offers-keys-only', () => {
  it('keeps the values of offers recorded before; a later list replaces them with its history rows', () => {
    const old = openDatabase(tmp.path, {
      migrations: migrations.filter((m) => m.version < offersKeysOnlyMigration.version),
    });
    old.exec(`
      INSERT INTO suppliers (id, name, created_at) VALUES (1, 'Acme', 1), (2, 'Globex', 1);
      ${IMPORT} (1, 'a.csv', '/x/a.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 5, 1),
                (2, 'b.csv', '/x/b.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 6, 2);
      INSERT INTO products (id, gtin14, name, cost, created_at, updated_at, seen_import_id) VALUES
        (7, '00036000291452', 'Widget', 4, 5, 5, 2);
      INSERT INTO supplier_offer_history (supplier_id, product_id, import_id, cost, currency, case_pack, moq)
        VALUES (1, 7, 1, 5, 'USD', 6, NULL), (2, 7, 2, 4, 'USD', 12, 3);
      INSERT INTO supplier_offers (supplier_id, product_id, cost, currency, case_pack, moq, first_seen_at, last_seen_at, first_import_id, last_import_id)
        VALUES (1, 7, 5, 'USD', 6, NULL, 5, 5, 1, 1), (2, 7, 4, 'USD', 12, 3, 6, 6, 2, 2);
    `);
    const before = old.prepare('SELECT * FROM supplier_offers ORDER BY supplier_id').all();
    old.close();

    const db = openDatabase(tmp.path);
    const offers = () =>
      db
        .prepare(
          `SELECT o.supplier_id AS s, ${OFFER_VALUE('o', 'h', 'cost')} AS cost, ${OFFER_VALUE('o', 'h', 'case_pack')} AS pack,
             o.cost AS own, o.last_import_id AS last
           FROM supplier_offers o ${OFFER_SAID('o', 'h')} ORDER BY o.supplier_id`,
        )
        .all();
    try {
      expect(db.prepare('SELECT * FROM supplier_offers ORDER BY supplier_id').all()).toEqual(before);
      // Pinned to Acme (its 5), then unpinned: Globex's 4 again, read from the values the offers kept.
      expect(pinCostSupplier(db, 7, 1, 10)).toBe(1);
      expect(db.prepare('SELECT cost FROM products WHERE id = 7').pluck().get()).toBe(5);
      expect(pinCostSupplier(db, 7, null, 11)).toBe(1);
      expect(db.prepare('SELECT cost FROM products WHERE id = 7').pluck().get()).toBe(4);

      // Globex's next list offers the product at 3.5 (the import wrote the product's cost as it read the list).
      db.exec(`${IMPORT} (3, 'b2.csv', '/x/b2.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 7, 2);
        UPDATE products SET cost = 3.5, pack_size = 24, seen_import_id = 3 WHERE id = 7;`);
      db.transaction(() => recordImportOffers(db, { importId: 3, supplierId: 2, staging: null, now: 20 }))();
      expect(offers()).toEqual([
        { s: 1, cost: 5, pack: 6, own: 5, last: 1 },
        { s: 2, cost: 3.5, pack: 24, own: null, last: 3 },
      ]);
      expect(db.prepare('SELECT cost FROM products WHERE id = 7').pluck().get()).toBe(3.5);
      // A new offer holds its keys and lists only.
      db.exec(`INSERT INTO products (id, gtin14, name, cost, pack_size, created_at, updated_at, created_import_id, seen_import_id)
        VALUES (8, '00036000291469', 'Gadget', 2, 1, 20, 20, 3, 3)`);
      db.transaction(() => recordImportOffers(db, { importId: 3, supplierId: 2, staging: null, now: 21 }))();
      expect(
        db
          .prepare(
            'SELECT cost, currency, case_pack, moq, first_seen_at, last_seen_at FROM supplier_offers WHERE product_id = 8',
          )
          .get(),
      ).toEqual({ cost: null, currency: null, case_pack: null, moq: null, first_seen_at: null, last_seen_at: null });
    } finally {
      db.close();
    }
  });
});
