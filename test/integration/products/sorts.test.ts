// Every column the products table shows can be sorted on, in SQLite, both ways, nulls last.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { queryProducts, SORTS, type ProductRow, type SortColumn } from '../../../main/products/query.ts';
import { seedCatalog } from '../../bench/table-bench.ts';
import { tempDbPath } from '../../support/temp-db.ts';

describe('sorting the products table', () => {
  const tmp = tempDbPath();
  let db: Db;
  beforeAll(() => {
    db = openDatabase(tmp.path);
    seedCatalog(db, 1, 300);
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  const values: Partial<Record<SortColumn, (r: ProductRow) => number | string | null>> = {
    barcode: (r) => r.gtin14,
    asin: (r) => r.asin,
    price: (r) => r.analysis?.sellPrice ?? null,
    sales: (r) => r.analysis?.estSales ?? null,
    buyBox: (r) => r.offers?.buyBoxPrice ?? null,
  };

  it('sorts on every column, both ways, with the rows without a value last', () => {
    for (const sort of Object.keys(SORTS) as SortColumn[]) {
      for (const desc of [false, true]) {
        const rows = queryProducts(db, { sort, desc, offset: 0, limit: 300 });
        expect(rows, `${sort} ${desc ? 'desc' : 'asc'}`).toHaveLength(300);
        const get = values[sort];
        if (!get) continue;
        const seen = rows.map(get);
        const present = seen.filter((v) => v !== null);
        // Nulls after every value, and the values in order.
        expect(seen.slice(0, present.length)).toEqual(present);
        const ordered = [...present].sort((a, b) => (a! < b! ? -1 : a! > b! ? 1 : 0));
        expect(present).toEqual(desc ? ordered.reverse() : ordered);
      }
    }
  });
});
