// Migration 020: a list's offers on the products it created are those products until their cost, currency or pack
// changes; the trigger writes the list's row out first. Lists recorded before it keep their rows and read as before.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import { migrations } from '../../../main/db/migrations/index.ts';
import { offersOfCreatedProductsMigration } from '../../../main/db/migrations/020-offers-of-created-products.ts';
import { diffImports } from '../../../main/suppliers/diff.ts';
import { productCostHistory } from '../../../main/suppliers/cost-history.ts';
import { offerRows } from '../../../main/suppliers/offer-rows.ts';
import { productOffers, recordImportOffers } from '../../../main/suppliers/offers.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

const IMPORT = `INSERT INTO imports (id, file_name, file_path, file_size, file_hash, encoding, delimiter, decimal_sep, headers,
  mapping, fingerprint, status, created_at, supplier_id) VALUES`;
const history = (db: ReturnType<typeof openDatabase>) =>
  db.prepare('SELECT import_id, product_id, cost, case_pack FROM supplier_offer_history ORDER BY 1, 2').raw().all();

describe('020-offers-of-created-products', () => {
  it('keeps the rows of lists recorded before it; a cost moved later writes nothing for them', () => {
    const old = openDatabase(tmp.path, {
      migrations: migrations.filter((m) => m.version < offersOfCreatedProductsMigration.version),
    });
    old.exec(`
      INSERT INTO suppliers (id, name, created_at) VALUES (1, 'Acme', 1);
      ${IMPORT} (1, 'a.csv', '/x/a.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 5, 1);
      INSERT INTO products (id, gtin14, name, cost, pack_size, created_at, updated_at, import_id, created_import_id, seen_import_id)
        VALUES (1, '00036000291452', 'Widget', 4, 6, 5, 5, 1, 1, 1);
      INSERT INTO supplier_offer_history (supplier_id, product_id, import_id, cost, currency, case_pack, moq)
        VALUES (1, 1, 1, 4, 'USD', 6, NULL);
    `);
    old.close();
    const db = openDatabase(tmp.path);
    try {
      expect(db.prepare('SELECT created_from, created_to FROM imports').raw().all()).toEqual([[null, null]]);
      db.prepare('UPDATE products SET cost = 9 WHERE id = 1').run();
      expect(history(db)).toEqual([[1, 1, 4, 6]]);
      expect(
        db
          .prepare(`SELECT count(*) FROM ${offerRows('i.id = 1')}`)
          .pluck()
          .get(),
      ).toBe(1);
    } finally {
      db.close();
    }
  });

  it('reads the products a list created as its offers, and writes a row out before one of them changes', () => {
    const db = openDatabase(tmp.path);
    try {
      db.exec(`
        INSERT INTO suppliers (id, name, created_at) VALUES (1, 'Acme', 1);
        ${IMPORT} (1, 'a.csv', '/x/a.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 5, 1);
        UPDATE imports SET created_from = 1 WHERE id = 1;
        INSERT INTO products (id, gtin14, name, cost, currency, pack_size, created_at, updated_at, import_id, created_import_id, seen_import_id)
          VALUES (1, '00036000291452', 'Widget', 4, 'USD', 6, 5, 5, 1, 1, 1),
                 (2, '00036000291469', 'Gadget', 9, 'USD', 1, 5, 5, 1, 1, 1),
                 (3, '00036000291476', 'Gizmo', 3, 'USD', 2, 5, 5, 1, 1, 1);
        UPDATE products SET cost = 2 WHERE id = 3;
      `);
      // A cost moved before the list's offers are recorded (the import still running) writes nothing.
      const first = db.transaction(() =>
        recordImportOffers(db, { importId: 1, supplierId: 1, staging: null, created: 3, now: 10 }),
      )();
      expect(first.offers).toBe(3);
      expect(history(db)).toEqual([]);
      expect(db.prepare('SELECT created_from, created_to FROM imports WHERE id = 1').raw().get()).toEqual([1, 3]);
      expect(productOffers(db, 1).map((o) => [o.supplier, o.importId, o.current, o.cost, o.casePack])).toEqual([
        ['Acme', 1, true, 4, 6],
      ]);
      expect(productCostHistory(db, 2).map((p) => [p.importId, p.cost])).toEqual([[1, 9]]);

      // A name changed: no row. Acme's second list (import 2) moves 1's cost and pack and names 3 unchanged.
      db.prepare(`UPDATE products SET name = 'Widget 2' WHERE id = 1`).run();
      expect(history(db)).toEqual([]);
      db.exec(`${IMPORT} (2, 'a2.csv', '/x/a2.csv', 10, 'h', 'utf-8', ',', '.', '["UPC"]', '{}', 'fp', 'completed', 6, 1);
        UPDATE imports SET created_from = 4 WHERE id = 2;
        UPDATE products SET cost = 5, pack_size = 12, seen_import_id = 2, import_id = 2 WHERE id = 1;
        UPDATE products SET seen_import_id = 2 WHERE id = 3;`);
      // What the first list said about 1 is written out as it was, once.
      expect(history(db)).toEqual([[1, 1, 4, 6]]);
      db.prepare('UPDATE products SET cost = 5.5 WHERE id = 1').run();
      expect(history(db)).toEqual([[1, 1, 4, 6]]);
      db.prepare('UPDATE products SET cost = 5 WHERE id = 1').run();
      const second = db.transaction(() =>
        recordImportOffers(db, { importId: 2, supplierId: 1, staging: null, created: 0, now: 20 }),
      )();
      expect(second.offers).toBe(2);
      expect(history(db)).toEqual([
        [1, 1, 4, 6],
        [2, 1, 5, 12],
        [2, 3, 2, 2],
      ]);
      const d = diffImports(db, 1, 2);
      expect([d.a.offers, d.b.offers]).toEqual([3, 2]);
      expect(d.costUp.map((c) => [c.productId, c.from, c.to])).toEqual([[1, 4, 5]]);
      expect(d.dropped.map((x) => [x.productId, x.cost])).toEqual([[2, 9]]);
      expect(d.unchanged).toBe(1);
      expect(productOffers(db, 1).map((o) => [o.importId, o.current, o.cost])).toEqual([[2, true, 5]]);
      expect(productCostHistory(db, 1).map((p) => [p.importId, p.cost, p.casePack])).toEqual([
        [1, 4, 6],
        [2, 5, 12],
      ]);
    } finally {
      db.close();
    }
  });
});
