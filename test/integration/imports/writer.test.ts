import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pushRow } from '../../../main/imports/product-row.ts';
import type { CleanProduct } from '../../../main/imports/validate.ts';
import { createCatalogWriter } from '../../../main/imports/writer.ts';
import { gtin, insertImports, product } from '../../support/catalog-rows.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

let t: TestQueue;
beforeEach(() => {
  t = openTestQueue();
  insertImports(t.db, 1, 2);
});
afterEach(() => t.close());

/** Rows flat as the parsing thread hands them over: [row number, product] pairs. */
const flat = (...rows: [number, CleanProduct][]) => {
  const out: unknown[] = [];
  for (const [row, p] of rows) pushRow(out, row, p);
  return out;
};
const inTx = <T>(fn: () => T): T => t.db.transaction(fn)();

describe('catalog writer', () => {
  it('counts created, updated, unchanged and duplicates; keeps what empty cells leave; remembers prior states for undo', () => {
    const first = createCatalogWriter(t.db, 1);
    first.begin();
    expect(
      inTx(() => first.write(flat([2, product(1, { price: 9.99 })], [3, product(2)], [4, product(3)]), 10)),
    ).toMatchObject({ created: 3, updated: 0, unchanged: 0, duplicates: [] });
    first.end();

    const second = createCatalogWriter(t.db, 2);
    second.begin();
    // Product 1: new cost, no price (must keep 9.99); product 2 as it is; product 4 new; product 1 again (a duplicate).
    const rows = flat(
      [2, product(1, { cost: 7, price: null })],
      [3, product(2)],
      [4, product(4)],
      [5, product(1, { cost: 8 })],
    );
    const r = inTx(() => second.write(rows, 20));
    expect(r).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect(r.duplicates.map((d) => [d.row, d.dupOf, d.by])).toEqual([[5, 2, 'barcode']]);
    second.end();

    const p1 = t.db
      .prepare('SELECT cost, price, import_id, updated_at, seen_import_id, seen_row FROM products WHERE gtin14 = ?')
      .get(gtin(1));
    expect(p1).toEqual({ cost: 7, price: 9.99, import_id: 2, updated_at: 20, seen_import_id: 2, seen_row: 2 });
    const p2 = t.db.prepare('SELECT import_id, updated_at, seen_import_id FROM products WHERE gtin14 = ?').get(gtin(2));
    expect(p2).toEqual({ import_id: 1, updated_at: 10, seen_import_id: 2 });
    const changes = t.db.prepare('SELECT import_id, product_id, before FROM import_changes').all() as {
      import_id: number;
      before: string;
    }[];
    expect(changes).toHaveLength(1);
    expect(JSON.parse(changes[0]!.before)).toMatchObject({ cost: 1, price: 9.99, import_id: 1, updated_at: 10 });
    // The undo trigger lives only while the import writes.
    expect(t.db.prepare(`SELECT count(*) FROM temp.sqlite_master WHERE type = 'trigger'`).pluck().get()).toBe(0);
  });

  it('binds only the columns a chunk has values in, and a column empty in one chunk and filled in the next is written', () => {
    const w = createCatalogWriter(t.db, 1);
    w.begin();
    inTx(() =>
      w.write(flat(...Array.from({ length: 20 }, (_, i) => [i + 2, product(i + 1)] as [number, CleanProduct])), 1),
    );
    inTx(() =>
      w.write(
        flat(
          ...Array.from(
            { length: 20 },
            (_, i) => [i + 22, product(i + 21, { mpn: `M${i}`, description: 'd' })] as [number, CleanProduct],
          ),
        ),
        1,
      ),
    );
    w.end();
    expect(
      t.db.prepare('SELECT count(*), count(mpn), count(description), sum(cost) FROM products').raw().get(),
    ).toEqual([40, 20, 20, 820]);
  });

  it('a file whose filled columns change with every chunk is written whole', () => {
    const w = createCatalogWriter(t.db, 1);
    w.begin();
    const optional: (keyof CleanProduct)[] = [
      'sku',
      'mpn',
      'asin',
      'category',
      'price',
      'packSize',
      'quantity',
      'imageUrl',
      'description',
      'weightLb',
      'lengthIn',
      'widthIn',
      'heightIn',
    ];
    // Each chunk fills one optional column and leaves every other one empty: thirteen different column sets.
    optional.forEach((field, k) =>
      inTx(() =>
        w.write(
          flat([
            k + 2,
            product(k + 1, {
              sku: null,
              [field]:
                field === 'sku' ||
                field === 'mpn' ||
                field === 'asin' ||
                field === 'category' ||
                field === 'imageUrl' ||
                field === 'description'
                  ? `v${k}`
                  : k + 1,
            }),
          ]),
          1,
        ),
      ),
    );
    w.end();
    const filled = t.db
      .prepare(
        'SELECT count(sku) + count(mpn) + count(asin) + count(category) + count(price) + count(pack_size) + count(quantity) + count(image_url) + count(description) + count(weight_lb) + count(length_in) + count(width_in) + count(height_in) FROM products',
      )
      .pluck()
      .get();
    expect(filled).toBe(optional.length);
    expect(t.db.prepare('SELECT count(*) FROM products').pluck().get()).toBe(optional.length);
  });

  it('binds a column every row of a chunk agrees on once, and writes each row its own value when they differ', () => {
    const w = createCatalogWriter(t.db, 1);
    w.begin();
    const rows = (from: number, over: (i: number) => Partial<CleanProduct>) =>
      flat(
        ...Array.from({ length: 20 }, (_, i) => [from + i + 1, product(from + i, over(i))] as [number, CleanProduct]),
      );
    // One currency and no attributes all along (both shared); then both per row; then shared again with other values
    // (a quote in one: it is written into the statement).
    inTx(() =>
      w.write(
        rows(1, () => ({})),
        1,
      ),
    );
    inTx(() =>
      w.write(
        rows(21, (i) => ({
          currency: i % 2 ? 'EUR' : 'GBP',
          attributes: i % 3 ? { Colour: `c${i}` } : ({} as Record<string, string>),
        })),
        1,
      ),
    );
    inTx(() =>
      w.write(
        rows(41, () => ({ currency: 'CAD', attributes: { Size: "kid's L" } })),
        1,
      ),
    );
    w.end();
    const got = t.db.prepare('SELECT currency, attributes FROM products ORDER BY id').raw().all() as [string, string][];
    expect(got).toHaveLength(60);
    expect(got.slice(0, 20).every(([c, a]) => c === 'USD' && a === '{}')).toBe(true);
    expect(got.slice(20, 40)).toEqual(
      Array.from({ length: 20 }, (_, i) => [i % 2 ? 'EUR' : 'GBP', i % 3 ? JSON.stringify({ Colour: `c${i}` }) : '{}']),
    );
    expect(got.slice(40).every(([c, a]) => c === 'CAD' && a === `{"Size":"kid's L"}`)).toBe(true);
  });
});
