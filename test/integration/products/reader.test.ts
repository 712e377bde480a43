import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { createProductReader, type ProductReader } from '../../../main/products/reader.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
let db: Db;
let reader: ProductReader;

// 1,000 products: every 10th has no barcode; statuses rotate; analysed ones have ROI −0.5…+1.5 and ranks 1k…1M.
beforeAll(() => {
  tmp = tempDbPath();
  db = openDatabase(tmp.path);
  const statuses = ['found', 'not_found', 'ambiguous', 'pending', 'failed'];
  const addP = db.prepare(
    `INSERT INTO products (id, gtin14, sku, name, brand, cost, asin, lookup_status, potential_asins, sales_rank, import_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 1, 1)`,
  );
  const addA = db.prepare(
    `INSERT INTO analyses (product_id, marketplace, sell_price, price_source, referral_category, referral_fee, fulfillment_fee, other_costs, unit_cost, total_fees, profit, margin, roi, sales_rank, flags, reasons, fee_schedule, computed_at)
     VALUES (?, 'US', ?, 'amazon', 'toys', ?, ?, 0, ?, ?, ?, ?, ?, ?, '[]', '[]', 'us-2026-01-15', 1)`,
  );
  db.transaction(() => {
    for (let i = 1; i <= 1000; i++) {
      const status = statuses[i % 5]!;
      const candidates =
        status === 'ambiguous'
          ? JSON.stringify([
              { asin: 'B0AAAAAAA1', title: 'A', brand: null },
              { asin: 'B0AAAAAAA2', title: 'B', brand: null },
            ])
          : null;
      addP.run(
        i,
        i % 10 === 0 ? null : String(10_000_000_000_000 + i),
        `SKU-${i}`,
        `Product ${i}${i % 7 === 0 ? ' deluxe' : ''}`,
        i % 3 === 0 ? 'Acme' : 'Globex',
        5 + (i % 10),
        status === 'found' ? `B0${String(i).padStart(8, '0')}` : null,
        status,
        candidates,
        1000 * i,
      );
      if (status === 'found') {
        const roi = -0.5 + (i % 21) / 10;
        addA.run(i, 20, 3, 4, 5, 7, roi * 5, (roi * 5) / 20, roi, 1000 * i);
      }
    }
  })();
  reader = createProductReader(tmp.path);
});
afterAll(async () => {
  await reader.close();
  db.close();
  tmp.cleanup();
});

describe('products reader (its own thread, read-only)', () => {
  it('pages in id order by default, and any window of the table is the same as the same rows read in one go', async () => {
    const all = await reader.page({ offset: 0, limit: 500 });
    expect(all.map((r) => r.id)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    const window = await reader.page({ offset: 250, limit: 20 });
    expect(window).toEqual(all.slice(250, 270));
    expect(await reader.count({})).toBe(1000);
  });

  it('filters by lookup status (and "no barcode"), ROI, profit, rank, brand and search, and counts the same', async () => {
    const ambiguous = await reader.page({ lookup: ['ambiguous'], offset: 0, limit: 500 });
    expect(ambiguous.every((r) => r.lookupStatus === 'ambiguous' && r.candidates?.length === 2)).toBe(true);
    expect(await reader.count({ lookup: ['ambiguous'] })).toBe(ambiguous.length);
    const noBarcode = await reader.page({ lookup: ['no_barcode'], offset: 0, limit: 500 });
    expect(noBarcode.map((r) => r.id)).toEqual(Array.from({ length: 100 }, (_, i) => (i + 1) * 10));
    const winners = await reader.page({
      minRoi: 0.3,
      minProfit: 1,
      maxRank: 500_000,
      brand: 'acme',
      offset: 0,
      limit: 500,
    });
    expect(winners.length).toBeGreaterThan(5);
    for (const r of winners) {
      expect(r.analysis!.roi).toBeGreaterThanOrEqual(0.3);
      expect(r.analysis!.profit).toBeGreaterThanOrEqual(1);
      expect(r.salesRank).toBeLessThanOrEqual(500_000);
      expect(r.brand).toBe('Acme');
    }
    expect(await reader.count({ minRoi: 0.3, minProfit: 1, maxRank: 500_000, brand: 'acme' })).toBe(winners.length);
    const search = await reader.page({ search: 'deluxe', offset: 0, limit: 500 });
    expect(search).toHaveLength(142);
    // LIKE wildcards in the search text are literal.
    expect(await reader.count({ search: '%' })).toBe(0);
  });

  it('sorts by ROI with unanalysed products last and ties by id, both ways', async () => {
    const asc = await reader.page({ sort: 'roi', offset: 0, limit: 500 });
    const rois = asc.filter((r) => r.analysis).map((r) => r.analysis!.roi!);
    expect(rois).toEqual([...rois].sort((a, b) => a - b));
    const desc = await reader.page({ sort: 'roi', desc: true, offset: 0, limit: 5 });
    expect(desc[0]!.analysis!.roi).toBeCloseTo(1.5);
    const lastPage = await reader.page({ sort: 'roi', offset: 990, limit: 10 });
    expect(lastPage.every((r) => r.analysis === null)).toBe(true);
  });

  it('gives the charts a ROI histogram, a profit-vs-rank sample and the winners by the user’s targets', async () => {
    const s = await reader.stats({}, { minRoi: 0.3, maxRank: 500_000 });
    expect(s.analysed).toBe(200);
    expect(s.roiBuckets.reduce((n, b) => n + b.count, 0)).toBe(200);
    expect(s.roiBuckets[0]).toMatchObject({ from: -0.5, count: expect.any(Number) });
    const winners = db.prepare(`SELECT count(*) FROM analyses WHERE roi >= 0.3 AND sales_rank <= 500000`).pluck().get();
    expect(s.winners).toBe(winners);
    expect(s.points.length).toBe(200);
    expect(s.points.filter((p) => p.winner).length).toBe(winners);
  });

  it('exports what the filters show to a new CSV, and refuses to overwrite', async () => {
    const out = join(tmp.dir, 'out.csv');
    const n = await reader.count({ lookup: ['found'], minRoi: 1 });
    expect(n).toBeGreaterThan(10);
    expect(await reader.exportCsv({ lookup: ['found'], minRoi: 1 }, out)).toBe(n);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\ufeffASIN,Barcode')).toBe(true);
    expect(text.trim().split(/\r?\n/)).toHaveLength(n + 1);
    await expect(reader.exportCsv({}, out)).rejects.toThrow(/EEXIST|exists/);
  });

  it('fails calls at once after its thread has stopped, instead of leaving them waiting', async () => {
    const other = createProductReader(tmp.path);
    await other.close();
    await expect(other.count({})).rejects.toThrow(/stopped/);
  });
});
