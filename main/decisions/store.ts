// Storage for buying decisions: Amazon's answers per ASIN and marketplace (catalog item, restrictions per seller,
// offer summary, FBA eligibility), each product's candidate ASINs, and the verdict on its analysis. Prepared
// statements, one row per call: the caller wraps batches in its own transaction. Every JSON cell is validated on read,
// so a damaged cell names its table, key and column instead of crashing a job somewhere later.
import { z } from 'zod';
import type { Db } from '../db/open.ts';
import { REASON_CODES, type Reason, type Verdict } from './reasons.ts';
import type { BuyBoxWinner, RestrictionStatus } from './verdict.ts';

/** A stored JSON cell that is not what Pallet wrote: names where it is so it can be found and refetched. */
export class CorruptCellError extends Error {
  constructor(
    readonly table: string,
    readonly key: string,
    readonly column: string,
    detail: string,
  ) {
    super(`Stored ${column} of ${table} ${key} is damaged (${detail}); fetch it again to replace it.`);
    this.name = 'CorruptCellError';
  }
}

const ASIN = z.string().regex(/^[A-Z0-9]{10}$/, 'an ASIN is 10 letters or digits');
const MARKETPLACE = z.string().min(1).max(20);
const TIME = z.number().int().nonnegative();
const num = z.number().finite().nullable();
const count = z.number().int().nonnegative().nullable();

/** One sales rank, as main/lookups/provider.ts's SalesRank: a display group's or a classification's. */
export const salesRankSchema = z.object({
  kind: z.enum(['group', 'classification']).optional(),
  id: z.string(),
  title: z.string().nullable(),
  rank: z.number().int().positive(),
});
export type SalesRank = z.infer<typeof salesRankSchema>;
const salesRanksSchema = z.array(salesRankSchema);
/** Dangerous-goods hints read from the catalog's attributes (provider.ts CatalogMatch.hazmat); null = not read. */
const hazmatSchema = z
  .object({ status: z.enum(['none', 'review', 'ineligible']), reasons: z.array(z.string()) })
  .nullable();
/** One reason Amazon gave (as main/lookups/sp-api/restrictions.ts's RestrictionReason). */
export const restrictionReasonSchema = z.object({
  code: z.string().nullable(),
  message: z.string(),
  approvalUrl: z.string().optional(),
});
export type RestrictionReason = z.infer<typeof restrictionReasonSchema>;
const restrictionReasonsSchema = z.array(restrictionReasonSchema);
const reasonCodesSchema = z.array(z.string());
export const reasonSchema = z.object({
  code: z.enum(REASON_CODES),
  severity: z.enum(['skip', 'check', 'info']),
  text: z.string(),
  url: z.string().optional(),
});
const reasonsSchema = z.array(reasonSchema);
const VERDICT = z.enum(['buy', 'check', 'skip']);

export const catalogItemSchema = z.object({
  asin: ASIN,
  marketplace: MARKETPLACE,
  title: z.string().nullable(),
  brand: z.string().nullable(),
  packageQuantity: z.number().int().positive().nullable(),
  numberOfItems: z.number().int().positive().nullable(),
  parentAsin: ASIN.nullable(),
  variationTheme: z.string().nullable(),
  isVariationParent: z.boolean(),
  lengthIn: num,
  widthIn: num,
  heightIn: num,
  weightLb: num,
  imageUrl: z.string().nullable(),
  salesRanks: salesRanksSchema,
  hazmat: hazmatSchema,
  fetchedAt: TIME,
});
export type CatalogItem = z.infer<typeof catalogItemSchema>;

export const restrictionSchema = z.object({
  asin: ASIN,
  marketplace: MARKETPLACE,
  sellerId: z.string().min(1),
  status: z.enum(['ok', 'approval_required', 'not_eligible', 'asin_not_found']),
  reasons: restrictionReasonsSchema,
  fetchedAt: TIME,
});
export type ListingRestriction = z.infer<typeof restrictionSchema> & { status: RestrictionStatus };

export const offerSummarySchema = z.object({
  asin: ASIN,
  marketplace: MARKETPLACE,
  buyBoxPrice: num,
  buyBoxWinner: z.enum(['amazon', 'fba', 'fbm']).nullable(),
  amazonOnListing: z.boolean().nullable(),
  fbaOffers: count,
  fbmOffers: count,
  lowestFba: num,
  lowestFbm: num,
  source: z.enum(['competitive_pricing', 'item_offers']),
  fetchedAt: TIME,
});
export type OfferSummary = z.infer<typeof offerSummarySchema> & { buyBoxWinner: BuyBoxWinner | null };

export const eligibilitySchema = z.object({
  asin: ASIN,
  marketplace: MARKETPLACE,
  status: z.enum(['eligible', 'ineligible', 'review']),
  reasonCodes: reasonCodesSchema,
  fetchedAt: TIME,
});
export type FbaEligibility = z.infer<typeof eligibilitySchema>;

export const productCandidateSchema = z.object({
  asin: ASIN,
  chosen: z.boolean(),
  verdict: VERDICT.nullable(),
  profit: num,
  roi: num,
  estSalesMid: count,
  reasons: reasonsSchema,
});
export type ProductCandidate = z.infer<typeof productCandidateSchema>;

/** The verdict saved on a product's analysis. */
export const savedVerdictSchema = z.object({
  verdict: VERDICT,
  reasons: reasonsSchema,
  packMultiplier: z.number().finite().positive().nullable(),
  asin: ASIN.nullable(),
  decidedAt: TIME,
});
export type SavedVerdict = z.infer<typeof savedVerdictSchema> & { verdict: Verdict; reasons: Reason[] };

function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new Error(`Cannot save ${what}: ${issue.path.join('.') || 'value'} ${issue.message}.`);
}

function cell<T>(schema: z.ZodType<T>, raw: unknown, table: string, key: string, column: string): T {
  if (typeof raw !== 'string') throw new CorruptCellError(table, key, column, 'not text');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new CorruptCellError(table, key, column, 'not valid JSON');
  }
  const r = schema.safeParse(parsed);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new CorruptCellError(table, key, column, `${issue.path.join('.') || 'value'}: ${issue.message}`);
  }
  return r.data;
}

const bool = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);
const fromBool = (v: unknown): boolean | null => (v === null ? null : v === 1);

type Row = Record<string, unknown>;

/** Everything stored about one product's decision, for `pallet product ID --json` and the detail view. */
export interface ProductDecisionView {
  product: {
    id: number;
    name: string | null;
    gtin14: string | null;
    cost: number | null;
    packSize: number | null;
    asin: string | null;
    asinOverride: string | null;
  };
  marketplace: string;
  verdict: SavedVerdict | null;
  candidates: ProductCandidate[];
  /** Amazon's answers for each candidate ASIN (and the product's ASIN), keyed by ASIN. */
  asins: Record<
    string,
    {
      catalog: CatalogItem | null;
      restriction: ListingRestriction | null;
      offers: OfferSummary | null;
      eligibility: FbaEligibility | null;
    }
  >;
}

/** The decisions store over an open, migrated database. */
export function createDecisionStore(db: Db) {
  const s = {
    upCatalog: db.prepare(`
      INSERT INTO catalog_items (asin, marketplace, title, brand, package_quantity, number_of_items, parent_asin,
        variation_theme, is_variation_parent, length_in, width_in, height_in, weight_lb, image_url, sales_ranks, hazmat, fetched_at)
      VALUES (@asin, @marketplace, @title, @brand, @packageQuantity, @numberOfItems, @parentAsin, @variationTheme,
        @isVariationParent, @lengthIn, @widthIn, @heightIn, @weightLb, @imageUrl, @salesRanks, @hazmat, @fetchedAt)
      ON CONFLICT (asin, marketplace) DO UPDATE SET title = excluded.title, brand = excluded.brand,
        package_quantity = excluded.package_quantity, number_of_items = excluded.number_of_items,
        parent_asin = excluded.parent_asin, variation_theme = excluded.variation_theme,
        is_variation_parent = excluded.is_variation_parent, length_in = excluded.length_in, width_in = excluded.width_in,
        height_in = excluded.height_in, weight_lb = excluded.weight_lb, image_url = excluded.image_url,
        sales_ranks = excluded.sales_ranks, hazmat = excluded.hazmat, fetched_at = excluded.fetched_at`),
    getCatalog: db.prepare('SELECT * FROM catalog_items WHERE asin = ? AND marketplace = ?'),
    upRestriction: db.prepare(`
      INSERT INTO listing_restrictions (asin, marketplace, seller_id, status, reasons, fetched_at)
      VALUES (@asin, @marketplace, @sellerId, @status, @reasons, @fetchedAt)
      ON CONFLICT (asin, marketplace, seller_id) DO UPDATE SET status = excluded.status, reasons = excluded.reasons,
        fetched_at = excluded.fetched_at`),
    getRestriction: db.prepare(
      'SELECT * FROM listing_restrictions WHERE asin = ? AND marketplace = ? AND seller_id = ?',
    ),
    latestRestriction: db.prepare(
      'SELECT * FROM listing_restrictions WHERE asin = ? AND marketplace = ? ORDER BY fetched_at DESC, seller_id LIMIT 1',
    ),
    upOffers: db.prepare(`
      INSERT INTO offer_summaries (asin, marketplace, buy_box_price, buy_box_winner, amazon_on_listing, fba_offers,
        fbm_offers, lowest_fba, lowest_fbm, source, fetched_at)
      VALUES (@asin, @marketplace, @buyBoxPrice, @buyBoxWinner, @amazonOnListing, @fbaOffers, @fbmOffers, @lowestFba,
        @lowestFbm, @source, @fetchedAt)
      ON CONFLICT (asin, marketplace) DO UPDATE SET buy_box_price = excluded.buy_box_price,
        buy_box_winner = excluded.buy_box_winner, amazon_on_listing = excluded.amazon_on_listing,
        fba_offers = excluded.fba_offers, fbm_offers = excluded.fbm_offers, lowest_fba = excluded.lowest_fba,
        lowest_fbm = excluded.lowest_fbm, source = excluded.source, fetched_at = excluded.fetched_at`),
    getOffers: db.prepare('SELECT * FROM offer_summaries WHERE asin = ? AND marketplace = ?'),
    upEligibility: db.prepare(`
      INSERT INTO fba_eligibility (asin, marketplace, status, reason_codes, fetched_at)
      VALUES (@asin, @marketplace, @status, @reasonCodes, @fetchedAt)
      ON CONFLICT (asin, marketplace) DO UPDATE SET status = excluded.status, reason_codes = excluded.reason_codes,
        fetched_at = excluded.fetched_at`),
    getEligibility: db.prepare('SELECT * FROM fba_eligibility WHERE asin = ? AND marketplace = ?'),
    delCandidates: db.prepare('DELETE FROM product_candidates WHERE product_id = ? AND marketplace = ?'),
    insCandidate: db.prepare(`
      INSERT INTO product_candidates (product_id, marketplace, asin, chosen, verdict, profit, roi, est_sales_mid, reasons, updated_at)
      VALUES (@productId, @marketplace, @asin, @chosen, @verdict, @profit, @roi, @estSalesMid, @reasons, @updatedAt)`),
    getCandidates: db.prepare(
      'SELECT * FROM product_candidates WHERE product_id = ? AND marketplace = ? ORDER BY chosen DESC, asin',
    ),
    unchoose: db.prepare(
      'UPDATE product_candidates SET chosen = 0 WHERE product_id = ? AND marketplace = ? AND chosen = 1',
    ),
    choose: db.prepare(
      'UPDATE product_candidates SET chosen = 1 WHERE product_id = ? AND marketplace = ? AND asin = ?',
    ),
    saveVerdict: db.prepare(`
      UPDATE analyses SET verdict = @verdict, verdict_reasons = @reasons, pack_multiplier = @packMultiplier,
        decided_asin = @asin, decided_at = @decidedAt
      WHERE product_id = @productId AND marketplace = @marketplace`),
    getVerdict: db.prepare(
      'SELECT verdict, verdict_reasons, pack_multiplier, decided_asin, decided_at FROM analyses WHERE product_id = ? AND marketplace = ?',
    ),
    setOverride: db.prepare('UPDATE products SET asin_override = ? WHERE id = ?'),
    product: db.prepare('SELECT id, name, gtin14, cost, pack_size, asin, asin_override FROM products WHERE id = ?'),
  };

  function catalogFrom(r: Row): CatalogItem {
    const key = `${String(r.asin)}/${String(r.marketplace)}`;
    return {
      asin: r.asin as string,
      marketplace: r.marketplace as string,
      title: r.title as string | null,
      brand: r.brand as string | null,
      packageQuantity: r.package_quantity as number | null,
      numberOfItems: r.number_of_items as number | null,
      parentAsin: r.parent_asin as string | null,
      variationTheme: r.variation_theme as string | null,
      isVariationParent: r.is_variation_parent === 1,
      lengthIn: r.length_in as number | null,
      widthIn: r.width_in as number | null,
      heightIn: r.height_in as number | null,
      weightLb: r.weight_lb as number | null,
      imageUrl: r.image_url as string | null,
      salesRanks: cell(salesRanksSchema, r.sales_ranks, 'catalog_items', key, 'sales_ranks'),
      hazmat: r.hazmat === null ? null : cell(hazmatSchema, r.hazmat, 'catalog_items', key, 'hazmat'),
      fetchedAt: r.fetched_at as number,
    };
  }
  function restrictionFrom(r: Row): ListingRestriction {
    const key = `${String(r.asin)}/${String(r.marketplace)}/${String(r.seller_id)}`;
    return {
      asin: r.asin as string,
      marketplace: r.marketplace as string,
      sellerId: r.seller_id as string,
      status: r.status as RestrictionStatus,
      reasons: cell(restrictionReasonsSchema, r.reasons, 'listing_restrictions', key, 'reasons'),
      fetchedAt: r.fetched_at as number,
    };
  }
  function offersFrom(r: Row): OfferSummary {
    return {
      asin: r.asin as string,
      marketplace: r.marketplace as string,
      buyBoxPrice: r.buy_box_price as number | null,
      buyBoxWinner: r.buy_box_winner as BuyBoxWinner | null,
      amazonOnListing: fromBool(r.amazon_on_listing),
      fbaOffers: r.fba_offers as number | null,
      fbmOffers: r.fbm_offers as number | null,
      lowestFba: r.lowest_fba as number | null,
      lowestFbm: r.lowest_fbm as number | null,
      source: r.source as OfferSummary['source'],
      fetchedAt: r.fetched_at as number,
    };
  }
  function eligibilityFrom(r: Row): FbaEligibility {
    const key = `${String(r.asin)}/${String(r.marketplace)}`;
    return {
      asin: r.asin as string,
      marketplace: r.marketplace as string,
      status: r.status as FbaEligibility['status'],
      reasonCodes: cell(reasonCodesSchema, r.reason_codes, 'fba_eligibility', key, 'reason_codes'),
      fetchedAt: r.fetched_at as number,
    };
  }
  function candidateFrom(r: Row): ProductCandidate {
    const key = `${String(r.product_id)}/${String(r.marketplace)}/${String(r.asin)}`;
    return {
      asin: r.asin as string,
      chosen: r.chosen === 1,
      verdict: r.verdict as Verdict | null,
      profit: r.profit as number | null,
      roi: r.roi as number | null,
      estSalesMid: r.est_sales_mid as number | null,
      reasons: cell(reasonsSchema, r.reasons, 'product_candidates', key, 'reasons') as Reason[],
    };
  }

  const store = {
    /** Saves (or replaces) Amazon's catalog item for an ASIN in a marketplace. */
    upsertCatalogItem(item: CatalogItem): void {
      const v = checked(catalogItemSchema, item, `catalog item ${String(item?.asin)}`);
      s.upCatalog.run({
        ...v,
        isVariationParent: v.isVariationParent ? 1 : 0,
        salesRanks: JSON.stringify(v.salesRanks),
        hazmat: v.hazmat === null ? null : JSON.stringify(v.hazmat),
      });
    },
    /** The stored catalog item, or null. */
    catalogItem(asin: string, marketplace: string): CatalogItem | null {
      const r = s.getCatalog.get(asin, marketplace) as Row | undefined;
      return r ? catalogFrom(r) : null;
    },
    /** Saves (or replaces) a seller's listing restriction answer for an ASIN. */
    upsertRestriction(row: ListingRestriction): void {
      const v = checked(restrictionSchema, row, `restrictions of ${String(row?.asin)}`);
      s.upRestriction.run({ ...v, reasons: JSON.stringify(v.reasons) });
    },
    /** The stored restriction for this seller, or (no seller given) the most recent for the ASIN; null if none. */
    restriction(asin: string, marketplace: string, sellerId?: string): ListingRestriction | null {
      const r = (
        sellerId === undefined
          ? s.latestRestriction.get(asin, marketplace)
          : s.getRestriction.get(asin, marketplace, sellerId)
      ) as Row | undefined;
      return r ? restrictionFrom(r) : null;
    },
    /** Saves (or replaces) the offer summary of an ASIN. */
    upsertOfferSummary(row: OfferSummary): void {
      const v = checked(offerSummarySchema, row, `offers of ${String(row?.asin)}`);
      s.upOffers.run({ ...v, amazonOnListing: bool(v.amazonOnListing) });
    },
    /** The stored offer summary, or null. */
    offerSummary(asin: string, marketplace: string): OfferSummary | null {
      const r = s.getOffers.get(asin, marketplace) as Row | undefined;
      return r ? offersFrom(r) : null;
    },
    /** Saves (or replaces) the FBA eligibility of an ASIN. */
    upsertEligibility(row: FbaEligibility): void {
      const v = checked(eligibilitySchema, row, `FBA eligibility of ${String(row?.asin)}`);
      s.upEligibility.run({ ...v, reasonCodes: JSON.stringify(v.reasonCodes) });
    },
    /** The stored FBA eligibility, or null. */
    eligibility(asin: string, marketplace: string): FbaEligibility | null {
      const r = s.getEligibility.get(asin, marketplace) as Row | undefined;
      return r ? eligibilityFrom(r) : null;
    },
    /** Replaces a product's candidate ASINs (at most one chosen). Run inside the caller's transaction. */
    replaceCandidates(productId: number, marketplace: string, rows: readonly ProductCandidate[], now: number): void {
      const list = rows.map((c, i) => checked(productCandidateSchema, c, `candidate ${i + 1} of product ${productId}`));
      if (list.filter((c) => c.chosen).length > 1)
        throw new Error(`Cannot save the candidates of product ${productId}: more than one is chosen.`);
      if (new Set(list.map((c) => c.asin)).size !== list.length)
        throw new Error(`Cannot save the candidates of product ${productId}: an ASIN is listed twice.`);
      s.delCandidates.run(productId, marketplace);
      for (const c of list)
        s.insCandidate.run({
          ...c,
          productId,
          marketplace,
          chosen: c.chosen ? 1 : 0,
          reasons: JSON.stringify(c.reasons),
          updatedAt: now,
        });
    },
    /** A product's candidates, the chosen one first. */
    candidates(productId: number, marketplace: string): ProductCandidate[] {
      return (s.getCandidates.all(productId, marketplace) as Row[]).map(candidateFrom);
    },
    /** Marks one candidate chosen (the others not); false when the product has no such candidate. */
    chooseCandidate(productId: number, marketplace: string, asin: string): boolean {
      s.unchoose.run(productId, marketplace);
      return s.choose.run(productId, marketplace, asin).changes === 1;
    },
    /** Saves the verdict on the product's analysis; false when the product has no analysis in that marketplace. */
    saveVerdict(productId: number, marketplace: string, v: SavedVerdict): boolean {
      const ok = checked(savedVerdictSchema, v, `the verdict of product ${productId}`);
      return s.saveVerdict.run({ ...ok, reasons: JSON.stringify(ok.reasons), productId, marketplace }).changes === 1;
    },
    /** The verdict saved on the product's analysis, or null (no analysis, or not decided yet). */
    verdict(productId: number, marketplace: string): SavedVerdict | null {
      const r = s.getVerdict.get(productId, marketplace) as Row | undefined;
      if (!r || r.verdict === null) return null;
      return {
        verdict: r.verdict as Verdict,
        reasons: cell(
          reasonsSchema,
          r.verdict_reasons,
          'analyses',
          `${productId}/${marketplace}`,
          'verdict_reasons',
        ) as Reason[],
        packMultiplier: r.pack_multiplier as number | null,
        asin: r.decided_asin as string | null,
        decidedAt: r.decided_at as number,
      };
    },
    /** Sets (or clears, with null) the seller's ASIN for a product; false when there is no such product. */
    setAsinOverride(productId: number, asin: string | null): boolean {
      const v = asin === null ? null : checked(ASIN, asin, `the ASIN override of product ${productId}`);
      return s.setOverride.run(v, productId).changes === 1;
    },
    /** Everything known about one product's decision; null when the product does not exist. */
    productDecisionView(productId: number, marketplace: string, sellerId?: string): ProductDecisionView | null {
      const p = s.product.get(productId) as Row | undefined;
      if (!p) return null;
      const candidates = store.candidates(productId, marketplace);
      const asinList = [
        ...new Set(
          [p.asin_override, p.asin, ...candidates.map((c) => c.asin)].filter((a): a is string => typeof a === 'string'),
        ),
      ];
      const asins: ProductDecisionView['asins'] = {};
      for (const a of asinList)
        asins[a] = {
          catalog: store.catalogItem(a, marketplace),
          restriction: store.restriction(a, marketplace, sellerId),
          offers: store.offerSummary(a, marketplace),
          eligibility: store.eligibility(a, marketplace),
        };
      return {
        product: {
          id: p.id as number,
          name: p.name as string | null,
          gtin14: p.gtin14 as string | null,
          cost: p.cost as number | null,
          packSize: p.pack_size as number | null,
          asin: p.asin as string | null,
          asinOverride: p.asin_override as string | null,
        },
        marketplace,
        verdict: store.verdict(productId, marketplace),
        candidates,
        asins,
      };
    },
  };
  return store;
}

export type DecisionStore = ReturnType<typeof createDecisionStore>;

/** Everything known about one product's decision (see DecisionStore.productDecisionView). */
export function productDecisionView(
  db: Db,
  productId: number,
  marketplace: string,
  sellerId?: string,
): ProductDecisionView | null {
  return createDecisionStore(db).productDecisionView(productId, marketplace, sellerId);
}
