import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pushRow, ROW_WIDTH } from '../../../main/imports/product-row.ts';
import {
  createRowRouter,
  MAX_GTIN_SQL,
  NEAR_KEYS_SQL,
  NEAR_LIST_SQL,
  type RowRouter,
} from '../../../main/imports/router.ts';
import { createCatalogWriter, type CatalogWriter } from '../../../main/imports/writer.ts';
import { gtin, insertImports, product } from '../../support/catalog-rows.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

let t: TestQueue;
beforeEach(() => {
  t = openTestQueue();
  insertImports(t.db, 1);
});
afterEach(() => t.close());

/** Rows flat as the parsing thread hands them over, numbered from `firstRow`. */
const flat = (keys: readonly number[], firstRow = 2) => {
  const out: unknown[] = [];
  keys.forEach((k, i) => pushRow(out, firstRow + i, product(k)));
  return out;
};
const gtinsOf = (values: readonly unknown[]) => values.filter((_, i) => i % ROW_WIDTH === 0);

/** Routes `keys` chunk by chunk as an import does, writing what goes in at once; returns the barcodes staged. */
function route(router: RowRouter, writer: CatalogWriter, keys: readonly number[], chunk = 160): string[] {
  const staged: string[] = [];
  for (let i = 0; i < keys.length; i += chunk) {
    const { append, stage } = router.split(flat(keys.slice(i, i + chunk), 2 + i));
    t.db.transaction(() => writer.write(append, 1))();
    staged.push(...(gtinsOf(stage) as string[]));
  }
  return staged;
}

/** A catalog holding the products `keys`. */
function catalogOf(keys: readonly number[]): void {
  const w = createCatalogWriter(t.db, 1);
  t.db.transaction(() => w.write(flat(keys), 0))();
}

/** 0..n-1 in a fixed pseudo-random order. */
function scrambled(n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  let seed = 12345;
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('row router', () => {
  it("writes rows past the catalog's last barcode at once, and a chunk wholly past it as it came", () => {
    catalogOf([40]);
    const router = createRowRouter(t.db);
    const rows = flat([50, 30, 70, 60, 80]);
    const { append, stage } = router.split(rows);
    // 30 starts a lane (staged); 60 lands among the few barcodes after it, at once.
    expect(gtinsOf(append)).toEqual([gtin(50), gtin(70), gtin(60), gtin(80)]);
    expect(gtinsOf(stage)).toEqual([gtin(30)]);
    // Whole rows, in file order: every value of a row goes with its barcode.
    expect(append.slice(0, ROW_WIDTH)).toEqual(rows.slice(0, ROW_WIDTH));
    expect(stage).toEqual(rows.slice(ROW_WIDTH, 2 * ROW_WIDTH));
    const ascending = flat([90, 95]);
    expect(router.split(ascending).append).toBe(ascending);
    expect(router.counts()).toMatchObject({ direct: 6, staged: 1 });
  });

  it.each([
    ["the catalog's last barcode", MAX_GTIN_SQL],
    ["a lane's bound", NEAR_KEYS_SQL],
    ["the barcodes near a lane's last row", NEAR_LIST_SQL],
  ])('reads %s from the barcode index, not by scanning products', (_, sql) => {
    const plan = t.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(sql.includes('?') ? ['0'] : [])) as {
      detail: string;
    }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/products_gtin/);
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/SCAN products$/m);
  });

  it('writes interleaved climbing runs at once after the first row of each, with a lookup every few dozen rows', () => {
    const writer = createCatalogWriter(t.db, 1);
    const router = createRowRouter(t.db);
    // Every third code from three starting points, as a list sorted by another column often runs.
    const n = 30_000;
    const keys = [0, 2, 1].flatMap((from) => Array.from({ length: n / 3 }, (_, i) => from + 3 * i));
    const staged = route(router, writer, keys);
    expect(staged).toEqual([gtin(2), gtin(1)]);
    expect(router.counts().direct).toBe(n - 2);
    expect(router.counts().probes).toBeLessThan(n / 20);
    expect(t.db.prepare('SELECT count(*) FROM products').pluck().get()).toBe(n - 2);
  });

  it('stages rows in no order, and stops looking up the index while lookups keep failing', () => {
    catalogOf(Array.from({ length: 100_000 }, (_, i) => 2 * i));
    const writer = createCatalogWriter(t.db, 1);
    const router = createRowRouter(t.db);
    // Odd codes among the catalog's even ones, in no order.
    const keys = scrambled(100_000).map((k) => 2 * k + 1);
    const staged = route(router, writer, keys);
    const { direct, probes } = router.counts();
    // Rows in no order written at once dirty a page each: nearly all wait for the sorted merge.
    expect(staged.length).toBeGreaterThan(keys.length * 0.9);
    expect(direct + staged.length).toBe(keys.length);
    // Probing pauses once most lookups fail: far fewer lookups than rows.
    expect(probes).toBeLessThan(keys.length / 10);
  });

  it('stages a row naming a product the catalog has: the merge updates it from the staged row', () => {
    catalogOf([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    const router = createRowRouter(t.db);
    const { append, stage } = router.split(flat([2, 5, 6, 8, 11, 12, 13]));
    expect(gtinsOf(append)).toEqual([gtin(5), gtin(8), gtin(11), gtin(13)]);
    expect(gtinsOf(stage)).toEqual([gtin(2), gtin(6), gtin(12)]);
  });

  it("a second list of the catalog's products is staged (the merge updates them), with few lookups of the index", () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => 3 * i);
    catalogOf(keys);
    const writer = createCatalogWriter(t.db, 1);
    const router = createRowRouter(t.db);
    const staged = route(router, writer, keys);
    expect(staged).toHaveLength(keys.length);
    expect(router.counts().probes).toBeLessThan(keys.length / 10);
  });

  it('stages a row naming a product the catalog had, in the middle of a lane between two lookups', () => {
    catalogOf(Array.from({ length: 400 }, (_, i) => 3 * i));
    const writer = createCatalogWriter(t.db, 1);
    const router = createRowRouter(t.db);
    // A run climbing between the catalog's codes, naming three of them on the way.
    const keys = [...Array.from({ length: 300 }, (_, i) => 3 * i + 1), 30, 300, 600].sort((a, b) => a - b);
    const staged = route(router, writer, keys);
    expect(staged).toEqual([gtin(1), gtin(30), gtin(300), gtin(600)]);
    expect(router.counts().probes).toBeLessThan(20);
  });

  it("routes rows safely when the catalog's last barcode is not a GTIN-14 (a catalog no Pallet wrote)", () => {
    catalogOf([3, 6, 9]);
    t.db.prepare(`INSERT INTO products (gtin14, name, created_at, updated_at) VALUES ('99999', 'odd', 0, 0)`).run();
    const writer = createCatalogWriter(t.db, 1);
    const router = createRowRouter(t.db);
    const keys = [1, 4, 5, 7, 8, 20, 21, 22, 6];
    const staged = route(router, writer, keys);
    // Nothing is past an end that cannot be compared: rows take lanes or wait; every row is one or the other once.
    expect(router.counts().direct + staged.length).toBe(keys.length);
    expect(staged).toContain(gtin(6));
    // The four products before, and one for each row written at once.
    expect(t.db.prepare('SELECT count(*) FROM products').pluck().get()).toBe(4 + router.counts().direct);
  });

  it("stages a row repeating a staged barcode even where it could go in at once: the file's first row wins", () => {
    catalogOf([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    const router = createRowRouter(t.db);
    // 20 and 2 are staged and start lanes; 5 extends the lane at 2; 20 again would extend it too.
    const { append, stage } = router.split(flat([20, 2, 5, 20]));
    expect(gtinsOf(append)).toEqual([gtin(5)]);
    expect(gtinsOf(stage)).toEqual([gtin(20), gtin(2), gtin(20)]);
  });

  it('after a resume, stages the rows repeating a barcode staged before', () => {
    catalogOf([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    const router = createRowRouter(t.db);
    router.staged([gtin(8)]);
    const { append, stage } = router.split(flat([2, 5, 8, 11]));
    expect(gtinsOf(append)).toEqual([gtin(5), gtin(11)]);
    expect(gtinsOf(stage)).toEqual([gtin(2), gtin(8)]);
  });
});
