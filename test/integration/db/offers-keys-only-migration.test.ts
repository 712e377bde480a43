// Migration 017 on a database with offers recorded before it: every offer keeps its values; what an offer says may be
// left to its history row from then on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import { migrations } from '../../../main/db/migrations/index.ts';
import { offersKeysOnlyMigration } from '../../../main/db/migrations/017-offers-keys-only.ts';
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

    // At its own rung: the table keeps every offer and value (migration 019 later moves offers into the history).
    const db = openDatabase(tmp.path, {
      migrations: migrations.filter((m) => m.version <= offersKeysOnlyMigration.version),
    });
    try {
      expect(db.prepare('SELECT * FROM supplier_offers ORDER BY supplier_id').all()).toEqual(before);
      const cols = db.prepare(`SELECT name, "notnull" FROM pragma_table_info('supplier_offers')`).all() as {
        name: string;
        notnull: number;
      }[];
      // What an offer says may now be left to its history row.
      expect(cols.filter((c) => ['cost', 'currency', 'case_pack', 'first_seen_at'].includes(c.name))).toEqual([
        { name: 'cost', notnull: 0 },
        { name: 'currency', notnull: 0 },
        { name: 'case_pack', notnull: 0 },
        { name: 'first_seen_at', notnull: 0 },
      ]);
    } finally {
      db.close();
    }
  });
});
