// The decisions store on a real SQLite file: migration 011 over a version-10 database keeps everything, each table
// round-trips, bad input is refused with a clear message, and a damaged JSON cell is reported, not crashed on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decisionsMigration } from '../../../main/db/migrations/011-decisions.ts';
import { migrations } from '../../../main/db/migrations/index.ts';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { decide } from '../../../main/decisions/verdict.ts';
import {
  CorruptCellError,
  createDecisionStore,
  productDecisionView,
  type CatalogItem,
  type DecisionStore,
} from '../../../main/decisions/store.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

const US = 'ATVPDKIKX0DER';
const ASIN = 'B07XJ8C8F5';
const OTHER = 'B07XJ8C8F6';

function seed(db: Db): void {
  db.exec(`
    INSERT INTO products (id, gtin14, name, cost, pack_size, asin, created_at, updated_at)
      VALUES (1, '00036000291452', 'Widget 6-Pack', 2.5, 6, '${ASIN}', 5, 5),
             (2, '00012345678905', 'Gadget', 4, NULL, NULL, 5, 5);
    INSERT INTO analyses (product_id, marketplace, sell_price, referral_category, other_costs, profit, roi, fee_schedule, computed_at, flags)
      VALUES (1, '${US}', 24.99, 'home', 0, 6.1, 0.41, 'us-2026', 7, '["meets_roi"]');
  `);
}

function catalog(over: Partial<CatalogItem> = {}): CatalogItem {
  return {
    asin: ASIN,
    marketplace: US,
    title: 'Widget, Pack of 12',
    brand: 'Acme',
    packageQuantity: 12,
    numberOfItems: null,
    parentAsin: null,
    variationTheme: null,
    isVariationParent: false,
    lengthIn: 8,
    widthIn: 6,
    heightIn: 2,
    weightLb: 0.9,
    imageUrl: 'https://m.media-amazon.com/images/I/x.jpg',
    salesRanks: [
      { kind: 'group', id: 'home_garden_display_on_website', title: 'Home & Kitchen', rank: 5120 },
      { id: '3744271', title: 'Mixing Bowls', rank: 42 },
    ],
    hazmat: { status: 'review', reasons: ['supplier_declared_dg_hz_regulation: ghs'] },
    fetchedAt: 1000,
    ...over,
  };
}

describe('011-decisions', () => {
  it('keeps every product and analysis of a version-10 database; new columns start empty', () => {
    const old = openDatabase(tmp.path, {
      migrations: migrations.filter((m) => m.version < decisionsMigration.version),
    });
    seed(old);
    const before = {
      products: old.prepare('SELECT * FROM products ORDER BY id').all(),
      analyses: old.prepare('SELECT * FROM analyses').all(),
    };
    old.close();

    const db = openDatabase(tmp.path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(11);
      const products = db.prepare('SELECT * FROM products ORDER BY id').all() as Record<string, unknown>[];
      expect(products).toEqual(before.products.map((p) => ({ ...(p as object), asin_override: null })));
      const analyses = db.prepare('SELECT * FROM analyses').all() as Record<string, unknown>[];
      expect(analyses).toEqual(
        before.analyses.map((a) => ({
          ...(a as object),
          verdict: null,
          verdict_reasons: '[]',
          pack_multiplier: null,
          decided_asin: null,
          decided_at: null,
        })),
      );
      expect(createDecisionStore(db).verdict(1, US)).toBeNull();
      // The verdict filter uses its index.
      const plan = db
        .prepare("EXPLAIN QUERY PLAN SELECT product_id FROM analyses WHERE marketplace = ? AND verdict = 'buy'")
        .all(US) as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/analyses_verdict/);
    } finally {
      db.close();
    }
  });
});

describe('decision store', () => {
  let db: Db;
  let store: DecisionStore;
  beforeEach(() => {
    db = openDatabase(tmp.path);
    seed(db);
    store = createDecisionStore(db);
  });
  afterEach(() => db.close());

  it('catalog items: upsert, read back, replace', () => {
    expect(store.catalogItem(ASIN, US)).toBeNull();
    store.upsertCatalogItem(catalog());
    expect(store.catalogItem(ASIN, US)).toEqual(catalog());
    store.upsertCatalogItem(
      catalog({ title: 'Widget', salesRanks: [], hazmat: null, isVariationParent: true, fetchedAt: 2000 }),
    );
    expect(store.catalogItem(ASIN, US)).toMatchObject({
      title: 'Widget',
      salesRanks: [],
      hazmat: null,
      isVariationParent: true,
      fetchedAt: 2000,
    });
    expect(store.catalogItem(ASIN, 'A2EUQ1WTGCTBG2')).toBeNull();
    expect(db.prepare('SELECT count(*) FROM catalog_items').pluck().get()).toBe(1);
  });

  it('restrictions are per seller; without a seller the newest answer is read', () => {
    const r = {
      asin: ASIN,
      marketplace: US,
      sellerId: 'A1SELLER',
      status: 'approval_required' as const,
      reasons: [
        {
          code: 'APPROVAL_REQUIRED',
          message: 'You need approval',
          approvalUrl: 'https://sellercentral.amazon.com/hz/approvalrequest/restrictions/approve?asin=B07XJ8C8F5',
        },
      ],
      fetchedAt: 10,
    };
    store.upsertRestriction(r);
    store.upsertRestriction({ ...r, sellerId: 'A2OTHER', status: 'ok', reasons: [], fetchedAt: 20 });
    expect(store.restriction(ASIN, US, 'A1SELLER')).toEqual(r);
    expect(store.restriction(ASIN, US)).toMatchObject({ sellerId: 'A2OTHER', status: 'ok' });
    const noLink = {
      ...r,
      sellerId: 'A3THIRD',
      status: 'not_eligible' as const,
      reasons: [{ code: null, message: 'Not eligible' }],
    };
    store.upsertRestriction(noLink);
    expect(store.restriction(ASIN, US, 'A3THIRD')).toEqual(noLink);
    store.upsertRestriction({ ...r, status: 'ok', reasons: [], fetchedAt: 30 });
    expect(store.restriction(ASIN, US, 'A1SELLER')).toMatchObject({ status: 'ok', fetchedAt: 30 });
  });

  it('offer summaries and FBA eligibility round-trip, booleans and nulls included', () => {
    const o = {
      asin: ASIN,
      marketplace: US,
      buyBoxPrice: 24.99,
      buyBoxWinner: 'fba' as const,
      amazonOnListing: false,
      fbaOffers: 4,
      fbmOffers: 1,
      lowestFba: 24.5,
      lowestFbm: null,
      source: 'item_offers' as const,
      fetchedAt: 11,
    };
    store.upsertOfferSummary(o);
    expect(store.offerSummary(ASIN, US)).toEqual(o);
    store.upsertOfferSummary({ ...o, amazonOnListing: null, buyBoxWinner: null, source: 'competitive_pricing' });
    expect(store.offerSummary(ASIN, US)).toMatchObject({
      amazonOnListing: null,
      buyBoxWinner: null,
      source: 'competitive_pricing',
    });

    const e = { asin: ASIN, marketplace: US, status: 'review' as const, reasonCodes: ['FBA_INB_0004'], fetchedAt: 12 };
    store.upsertEligibility(e);
    expect(store.eligibility(ASIN, US)).toEqual(e);
  });

  it('candidates: replaced as a set, one chosen at most, choice can move', () => {
    const d = decide({
      numbers: { profit: 6, roi: 0.4, margin: 0.2, salesRank: 1000, estSalesMid: 90, sellPrice: 25, buyBoxPrice: 25 },
      pack: { multiplier: 2, reason: { code: 'pack_multiple', severity: 'info', text: 'cost × 2' } },
      restriction: { status: 'approval_required', approvalUrl: 'https://example.test/a' },
      offers: null,
      hazmat: null,
    });
    const rows = [
      { asin: ASIN, chosen: true, verdict: d.verdict, profit: 6, roi: 0.4, estSalesMid: 90, reasons: d.reasons },
      { asin: OTHER, chosen: false, verdict: 'skip' as const, profit: -1, roi: -0.1, estSalesMid: null, reasons: [] },
    ];
    store.replaceCandidates(1, US, rows, 50);
    expect(store.candidates(1, US)).toEqual(rows);
    expect(store.chooseCandidate(1, US, OTHER)).toBe(true);
    expect(store.candidates(1, US).map((c) => [c.asin, c.chosen])).toEqual([
      [OTHER, true],
      [ASIN, false],
    ]);
    expect(store.chooseCandidate(1, US, 'B000000000')).toBe(false);
    store.replaceCandidates(1, US, [rows[1]!], 60);
    expect(store.candidates(1, US).map((c) => c.asin)).toEqual([OTHER]);
    expect(() => store.replaceCandidates(1, US, [rows[0]!, { ...rows[1]!, chosen: true }], 70)).toThrow(
      /more than one is chosen/,
    );
    expect(() => store.replaceCandidates(1, US, [rows[1]!, rows[1]!], 70)).toThrow(/ASIN is listed twice/);
    // A deleted product takes its candidates with it.
    db.prepare('DELETE FROM analyses WHERE product_id = 1').run();
    db.prepare('DELETE FROM products WHERE id = 1').run();
    expect(store.candidates(1, US)).toEqual([]);
  });

  it('the verdict is saved on the analysis under the names exports read; no analysis → false', () => {
    const v = {
      verdict: 'check' as const,
      reasons: [
        {
          code: 'approval_required' as const,
          severity: 'check' as const,
          text: 'Gated',
          url: 'https://example.test/a',
        },
      ],
      packMultiplier: 2,
      asin: ASIN,
      decidedAt: 99,
    };
    expect(store.saveVerdict(1, US, v)).toBe(true);
    expect(store.verdict(1, US)).toEqual(v);
    expect(db.prepare('SELECT verdict, verdict_reasons FROM analyses WHERE product_id = 1').get()).toEqual({
      verdict: 'check',
      verdict_reasons: JSON.stringify(v.reasons),
    });
    expect(store.saveVerdict(2, US, v)).toBe(false);
  });

  it('productDecisionView gathers the product, verdict, candidates and every ASIN’s answers', () => {
    store.upsertCatalogItem(catalog());
    store.upsertCatalogItem(catalog({ asin: OTHER, title: 'Widget single' }));
    store.replaceCandidates(
      1,
      US,
      [{ asin: OTHER, chosen: false, verdict: 'skip', profit: 1, roi: 0.1, estSalesMid: 3, reasons: [] }],
      5,
    );
    expect(store.setAsinOverride(1, OTHER)).toBe(true);
    expect(store.setAsinOverride(42, OTHER)).toBe(false);
    const view = productDecisionView(db, 1, US)!;
    expect(view.product).toEqual({
      id: 1,
      name: 'Widget 6-Pack',
      gtin14: '00036000291452',
      cost: 2.5,
      packSize: 6,
      asin: ASIN,
      asinOverride: OTHER,
    });
    expect(Object.keys(view.asins)).toEqual([OTHER, ASIN]);
    expect(view.asins[ASIN]!.catalog?.packageQuantity).toBe(12);
    expect(view.asins[OTHER]).toMatchObject({ restriction: null, offers: null, eligibility: null });
    expect(view.verdict).toBeNull();
    expect(view.candidates).toHaveLength(1);
    expect(productDecisionView(db, 404, US)).toBeNull();
    // It is plain data: it survives JSON (for `pallet product ID --json`).
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });

  it('refuses bad input with a message that names the field, and writes nothing', () => {
    expect(() => store.upsertCatalogItem(catalog({ asin: 'nope' }))).toThrow(
      /Cannot save catalog item nope: asin an ASIN is 10 letters or digits/,
    );
    expect(() => store.upsertCatalogItem(catalog({ salesRanks: [{ id: 'x', title: 'y', rank: -3 }] }))).toThrow(
      /salesRanks\.0\.rank/,
    );
    expect(() => store.upsertOfferSummary({ asin: ASIN, marketplace: US, source: 'scraped' } as never)).toThrow(
      /Cannot save offers of B07XJ8C8F5/,
    );
    expect(() => store.setAsinOverride(1, 'b07')).toThrow(/ASIN override of product 1/);
    expect(() => store.saveVerdict(1, US, { verdict: 'maybe' } as never)).toThrow(
      /Cannot save the verdict of product 1: verdict/,
    );
    expect(db.prepare('SELECT count(*) FROM catalog_items').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM offer_summaries').pluck().get()).toBe(0);
  });

  it('the database itself refuses JSON that is not JSON', () => {
    store.upsertCatalogItem(catalog());
    expect(() => db.prepare("UPDATE catalog_items SET sales_ranks = '[{oops'").run()).toThrow(
      /CHECK constraint failed/,
    );
  });

  it('a damaged JSON cell is reported with its table, key and column; other rows still read', () => {
    store.upsertCatalogItem(catalog());
    store.upsertCatalogItem(catalog({ asin: OTHER }));
    store.upsertEligibility({ asin: ASIN, marketplace: US, status: 'eligible', reasonCodes: [], fetchedAt: 1 });
    store.saveVerdict(1, US, { verdict: 'buy', reasons: [], packMultiplier: 1, asin: ASIN, decidedAt: 1 });
    // Damage as a disk or an old tool would leave it: past the CHECK constraints.
    db.pragma('ignore_check_constraints = ON');
    db.prepare("UPDATE catalog_items SET sales_ranks = '[{oops' WHERE asin = ?").run(ASIN);
    db.prepare(`UPDATE fba_eligibility SET reason_codes = '{"a":1}'`).run();
    db.prepare(`UPDATE analyses SET verdict_reasons = '[{"code":"made_up","severity":"skip","text":"x"}]'`).run();
    db.pragma('ignore_check_constraints = OFF');

    expect(() => store.catalogItem(ASIN, US)).toThrow(CorruptCellError);
    expect(() => store.catalogItem(ASIN, US)).toThrow(
      `Stored sales_ranks of catalog_items ${ASIN}/${US} is damaged (not valid JSON); fetch it again to replace it.`,
    );
    expect(store.catalogItem(OTHER, US)?.salesRanks).toHaveLength(2);
    expect(() => store.eligibility(ASIN, US)).toThrow(/reason_codes of fba_eligibility .* is damaged/);
    expect(() => store.verdict(1, US)).toThrow(/verdict_reasons of analyses 1\/ATVPDKIKX0DER is damaged \(0\.code/);
    // A fresh fetch replaces the damaged cell.
    store.upsertCatalogItem(catalog());
    expect(store.catalogItem(ASIN, US)?.salesRanks).toHaveLength(2);
  });

  it('batches of upserts inside the caller’s transaction', () => {
    const many = Array.from({ length: 500 }, (_, i) => catalog({ asin: `B${String(i).padStart(9, '0')}` }));
    db.transaction(() => many.forEach((c) => store.upsertCatalogItem(c)))();
    expect(db.prepare('SELECT count(*) FROM catalog_items').pluck().get()).toBe(500);
    expect(() =>
      db.transaction(() => {
        store.upsertCatalogItem(catalog({ asin: 'B999999999' }));
        store.upsertCatalogItem(catalog({ asin: 'bad' }));
      })(),
    ).toThrow(/Cannot save catalog item bad/);
    expect(store.catalogItem('B999999999', US)).toBeNull();
  });
});
