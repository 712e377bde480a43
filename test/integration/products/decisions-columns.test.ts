import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { createProductReader, type ProductReader } from '../../../main/products/reader.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { APPROVAL_URL, REASON, seedCostHistory, seedDecisions } from '../../e2e/seed-decisions.ts';

let tmp: ReturnType<typeof tempDbPath>;
let db: Db;
let reader: ProductReader;

const asin = (i: number) => `B0${String(i).padStart(8, '0')}`;

// 40 found and analysed products; 1–12 decided: 1–4 buy, 5–8 check (Amazon on listing), 9–12 skip (gated).
beforeAll(() => {
  tmp = tempDbPath();
  db = openDatabase(tmp.path);
  db.transaction(() => {
    for (let i = 1; i <= 40; i++) {
      db.prepare(
        `INSERT INTO products (id, gtin14, sku, name, brand, cost, asin, lookup_status, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'Acme', 5, ?, 'found', 1, 1)`,
      ).run(i, String(10_000_000_000_000 + i), `SKU-${i}`, `Product ${i}`, asin(i));
      db.prepare(
        `INSERT INTO analyses (product_id, marketplace, sell_price, price_source, referral_category, referral_fee, fulfillment_fee,
           other_costs, unit_cost, total_fees, profit, margin, roi, flags, reasons, fee_schedule, computed_at)
         VALUES (?, 'US', 20, 'amazon', 'toys', 3, 4, 0, 5, 7, 8, 0.4, ?, '[]', '[]', 'us-2026-01-15', 1)`,
      ).run(i, i / 40);
    }
  })();
  seedDecisions(db, [
    ...[1, 2, 3, 4].map((i) => ({
      productId: i,
      asin: asin(i),
      reasons: i === 2 ? [REASON.pack] : [],
      packMultiplier: i === 2 ? 2 : null,
      buyBoxPrice: 20 + i,
      amazonOnListing: false,
      fbaOffers: i,
      fbmOffers: 1,
      restriction: 'ok' as const,
      imageUrl: i === 1 ? 'https://m.media-amazon.com/images/I/1.jpg' : null,
      otherCandidates: i === 1 ? ['B0OTHER001'] : [],
    })),
    ...[5, 6, 7, 8].map((i) => ({
      productId: i,
      asin: asin(i),
      reasons: [REASON.amazon],
      buyBoxPrice: 30 + i,
      amazonOnListing: true,
      fbaOffers: 10 + i,
      fbmOffers: 0,
      restriction: 'ok' as const,
    })),
    ...[9, 10, 11, 12].map((i) => ({
      productId: i,
      asin: asin(i),
      reasons: [REASON.gated(asin(i))],
      buyBoxPrice: 5 + i,
      amazonOnListing: false,
      fbaOffers: 2,
      fbmOffers: null,
      restriction: 'approval_required' as const,
    })),
  ]);
  seedCostHistory(db, 1, [
    { supplier: 'Acme Wholesale', fileName: 'acme-jan.csv', cost: 5.5, at: 1000 },
    { supplier: 'Bolt Trading', fileName: 'bolt.csv', cost: 5.2, at: 2000 },
    { supplier: 'Acme Wholesale', fileName: 'acme-feb.csv', cost: 5, at: 3000 },
  ]);
  reader = createProductReader(tmp.path);
});
afterAll(async () => {
  await reader.close();
  db.close();
  tmp.cleanup();
});

describe('products: the decisions columns, filters, sorts and detail', () => {
  it('a page carries verdict, reasons, offers, restriction with its approval link, pack and image', async () => {
    const rows = await reader.page({ offset: 0, limit: 20 });
    const [p1, p2, , , p5] = rows;
    expect(p1).toMatchObject({
      verdict: 'buy',
      verdictReasons: [],
      imageUrl: 'https://m.media-amazon.com/images/I/1.jpg',
      offers: { buyBoxPrice: 21, amazonOnListing: false, fbaOffers: 1, fbmOffers: 1 },
      restriction: { status: 'ok', approvalUrl: null },
    });
    expect(p2).toMatchObject({ verdict: 'buy', packMultiplier: 2, verdictReasons: [REASON.pack] });
    expect(p5).toMatchObject({ verdict: 'check', offers: { amazonOnListing: true, fbaOffers: 15 } });
    expect(rows[8]).toMatchObject({
      verdict: 'skip',
      verdictReasons: [{ code: 'approval_required', url: `${APPROVAL_URL}${asin(9)}` }],
      restriction: { status: 'approval_required', approvalUrl: `${APPROVAL_URL}${asin(9)}` },
      offers: { fbmOffers: null },
    });
    // Not decided yet: every decision field empty, the row still whole.
    expect(rows[12]).toMatchObject({
      verdict: null,
      verdictReasons: [],
      offers: null,
      restriction: null,
      imageUrl: null,
    });
    expect(rows[12]!.analysis?.roi).toBeCloseTo(13 / 40);
  });

  it('filters: verdict (several), ungated only, no Amazon on listing; the count agrees with the pages', async () => {
    const ids = async (f: Parameters<ProductReader['count']>[0]) => {
      const rows = await reader.page({ ...f, offset: 0, limit: 100 });
      expect(await reader.count(f)).toBe(rows.length);
      return rows.map((r) => r.id);
    };
    expect(await ids({ verdict: ['buy'] })).toEqual([1, 2, 3, 4]);
    expect(await ids({ verdict: ['check', 'skip'] })).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(await ids({ ungated: true })).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await ids({ noAmazon: true })).toEqual([1, 2, 3, 4, 9, 10, 11, 12]);
    expect(await ids({ ungated: true, noAmazon: true, minRoi: 0.075 })).toEqual([3, 4]);
  });

  it('sorts on verdict, Buy Box and offers, undecided last either way', async () => {
    const order = async (sort: 'verdict' | 'buyBox' | 'offers', desc = false) =>
      (await reader.page({ sort, desc, offset: 0, limit: 14 })).map((r) => r.id);
    expect(await order('verdict')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    // Descending reverses the ties (by id) too, as every sort does; undecided still last.
    expect(await order('verdict', true)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 40, 39]);
    expect((await order('buyBox', true)).slice(0, 5)).toEqual([8, 7, 6, 5, 4]);
    expect((await order('buyBox')).slice(0, 5)).toEqual([9, 10, 11, 12, 1]);
    expect((await order('offers', true)).slice(0, 2)).toEqual([8, 7]);
    expect((await order('offers')).slice(12)).toEqual([13, 14]);
  });

  it('the export honours the new filters (they are subqueries, valid under its own FROM)', async () => {
    const out = `${tmp.path}.export.csv`;
    expect(await reader.exportCsv({ verdict: ['skip'], ungated: false, noAmazon: true }, out)).toBe(4);
  });

  it('detail: candidates, Amazon answers per ASIN, verdict and cost history by supplier; null for no product', async () => {
    const d = (await reader.detail(1))!;
    expect(d.product.id).toBe(1);
    expect(d.decisionError).toBeNull();
    expect(d.decision!.candidates.map((c) => [c.asin, c.chosen])).toEqual([
      [asin(1), true],
      ['B0OTHER001', false],
    ]);
    expect(d.decision!.asins[asin(1)]!.offers).toMatchObject({ buyBoxPrice: 21 });
    expect(d.decision!.asins[asin(1)]!.restriction).toMatchObject({ status: 'ok' });
    expect(d.costHistory.map((c) => [c.supplier, c.fileName, c.cost])).toEqual([
      ['Acme Wholesale', 'acme-jan.csv', 5.5],
      ['Bolt Trading', 'bolt.csv', 5.2],
      ['Acme Wholesale', 'acme-feb.csv', 5],
    ]);
    const gated = (await reader.detail(9))!;
    expect(gated.decision!.asins[asin(9)]!.restriction!.reasons[0]!.approvalUrl).toBe(`${APPROVAL_URL}${asin(9)}`);
    expect((await reader.detail(13))!.decision!.verdict).toBeNull();
    expect(await reader.detail(99_999)).toBeNull();
  });

  it('a damaged stored reason: the page still reads, the detail says what is damaged', async () => {
    db.prepare(`UPDATE listing_restrictions SET reasons = '[{"nope":1}]' WHERE asin = ?`).run(asin(10));
    const [row] = await reader.page({ offset: 9, limit: 1 });
    expect(row).toMatchObject({ id: 10, restriction: { status: 'approval_required', approvalUrl: null } });
    const d = (await reader.detail(10))!;
    expect(d.decision).toBeNull();
    expect(d.decisionError).toMatch(/listing_restrictions .*damaged/);
    expect(d.product.verdict).toBe('skip');
  });
});
