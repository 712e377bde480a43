import { productImageUrl } from '../images/serve.ts';
import type { Db } from '../db/open.ts';

/** The ASIN Amazon's answers are read for: the one the decision used, else the seller's pick, else the lookup's. */
const DECIDED_ASIN = 'coalesce(a.decided_asin, p.asin_override, p.asin)';
/** The latest restriction answer for that ASIN (one row per seller: the most recent wins). */
const RESTRICTION = (col: string) =>
  `(SELECT r.${col} FROM listing_restrictions r WHERE r.asin = ${DECIDED_ASIN} AND r.marketplace = 'US' ORDER BY r.fetched_at DESC LIMIT 1)`;

/** Columns the products table sorts on, and the SQL each stands for. */
export const SORTS = {
  id: 'p.id',
  name: 'p.name',
  brand: 'p.brand',
  cost: 'p.cost',
  roi: 'a.roi',
  profit: 'a.profit',
  rank: 'coalesce(a.sales_rank, p.sales_rank)',
  quality: 'p.quality_score',
  // buy, then check, then skip; undecided last.
  verdict: "CASE a.verdict WHEN 'buy' THEN 0 WHEN 'check' THEN 1 WHEN 'skip' THEN 2 END",
  buyBox: 'o.buy_box_price',
  offers: 'CASE WHEN o.asin IS NOT NULL THEN coalesce(o.fba_offers, 0) + coalesce(o.fbm_offers, 0) END',
  barcode: 'p.gtin14',
  asin: 'p.asin',
  lookup: 'p.lookup_status',
  price: 'a.sell_price',
  amazon: 'o.amazon_on_listing',
  restriction: RESTRICTION('status'),
  pack: 'a.pack_multiplier',
  sales: 'a.est_sales_mid',
  fees: 'a.total_fees',
  margin: 'a.margin',
} as const;
export type SortColumn = keyof typeof SORTS;

export const LOOKUP_FILTERS = [
  'pending',
  'looking_up',
  'found',
  'not_found',
  'ambiguous',
  'retry_pending',
  'failed',
  'no_barcode',
] as const;

/** Which products the table, the charts and the export show. */
export interface ProductFilters {
  lookup?: (typeof LOOKUP_FILTERS)[number][];
  minRoi?: number;
  minProfit?: number;
  maxRank?: number;
  brand?: string;
  importId?: number;
  /** Name, SKU, barcode or ASIN contains this text. */
  search?: string;
  /** The analysis's verdict is one of these. */
  verdict?: Verdict[];
  /** Only products whose ASIN the seller may list (the latest restriction answer is "ok"). */
  ungated?: boolean;
  /** Only products whose offers are known and show no Amazon offer on the listing. */
  noAmazon?: boolean;
  /** Only these products (the table's selection, for an export of just those). */
  ids?: number[];
}

export const VERDICTS = ['buy', 'check', 'skip'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What the products table asks for: filters, one sort, a window of rows. */
export interface ProductQuery extends ProductFilters {
  sort?: SortColumn;
  desc?: boolean;
  offset: number;
  limit: number;
}

/** The columns a product row carries as they are in the table. */
interface ProductCore {
  id: number;
  gtin14: string | null;
  sku: string | null;
  name: string | null;
  brand: string | null;
  cost: number | null;
  asin: string | null;
}

/** One product as the table and the fee breakdown show it. */
export interface ProductRow extends ProductCore {
  lookupStatus: string;
  candidates: { asin: string; title: string | null; brand: string | null }[] | null;
  salesRank: number | null;
  quality: number;
  importId: number | null;
  /** Main product image from Amazon's catalog (https), when known. */
  imageUrl: string | null;
  /** The product's stored thumbnail (`pallet-image://product/<id>`, the only images the CSP lets in); null if none. */
  thumbnail: string | null;
  /** The buying decision on the analysis; null until decided. */
  verdict: Verdict | null;
  verdictReasons: VerdictReason[];
  /** Supplier units per Amazon unit, when the pack sizes differ. */
  packMultiplier: number | null;
  /** Offers on the decided ASIN; null until fetched. */
  offers: {
    buyBoxPrice: number | null;
    buyBoxWinner: 'amazon' | 'fba' | 'fbm' | null;
    amazonOnListing: boolean | null;
    fbaOffers: number | null;
    fbmOffers: number | null;
    lowestFba: number | null;
    lowestFbm: number | null;
  } | null;
  /** Whether the seller may list the decided ASIN; null until asked. */
  restriction: {
    status: 'ok' | 'approval_required' | 'not_eligible' | 'asin_not_found';
    approvalUrl: string | null;
  } | null;
  analysis: {
    sellPrice: number | null;
    priceSource: string | null;
    referralFee: number | null;
    fulfillmentFee: number | null;
    storageFee: number | null;
    otherCosts: number;
    totalFees: number | null;
    apiTotalFees: number | null;
    profit: number | null;
    margin: number | null;
    roi: number | null;
    estSales: number | null;
    sizeTier: string | null;
    flags: string[];
    reasons: string[];
  } | null;
}

/** One reason behind a verdict (main/decisions/reasons.ts's Reason), as the table shows it. */
export interface VerdictReason {
  code: string;
  severity: 'skip' | 'check' | 'info';
  text: string;
  url?: string;
}

/** The WHERE clause for a query's filters, over products p LEFT JOIN analyses a. */
export function productWhere(q: ProductFilters): { sql: string; params: unknown[] } {
  const c = productConditions(q);
  return { sql: c.sql ? `WHERE ${c.sql}` : '', params: c.params };
}

/** The filters as one SQL condition (empty when none), over products p LEFT JOIN analyses a. */
export function productConditions(q: ProductFilters): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (q.lookup?.length) {
    const statuses = q.lookup.filter((s) => s !== 'no_barcode');
    const ors = statuses.length
      ? [`(p.gtin14 IS NOT NULL AND p.lookup_status IN (${statuses.map(() => '?').join(',')}))`]
      : [];
    params.push(...statuses);
    if (q.lookup.includes('no_barcode')) ors.push('p.gtin14 IS NULL');
    parts.push(`(${ors.join(' OR ')})`);
  }
  const add = (sql: string, ...values: unknown[]) => {
    parts.push(sql);
    params.push(...values);
  };
  if (q.minRoi !== undefined) add('a.roi >= ?', q.minRoi);
  if (q.minProfit !== undefined) add('a.profit >= ?', q.minProfit);
  if (q.maxRank !== undefined) add('coalesce(a.sales_rank, p.sales_rank) <= ?', q.maxRank);
  if (q.brand) add('p.brand = ? COLLATE NOCASE', q.brand);
  // A list's products: those it created or last changed, and — for a supplier's list — every product it named, even
  // one it left unchanged (its offer history, keyed by import).
  if (q.importId !== undefined)
    add(
      '(p.import_id = ? OR p.created_import_id = ? OR p.id IN (SELECT product_id FROM supplier_offer_history WHERE import_id = ?))',
      q.importId,
      q.importId,
      q.importId,
    );
  if (q.verdict?.length) add(`a.verdict IN (${q.verdict.map(() => '?').join(',')})`, ...q.verdict);
  if (q.ungated) add(`${RESTRICTION('status')} = 'ok'`);
  // Subqueries, not a join: the same condition serves the export, which has its own FROM.
  if (q.noAmazon)
    add(
      `EXISTS (SELECT 1 FROM offer_summaries x WHERE x.asin = ${DECIDED_ASIN} AND x.marketplace = 'US' AND x.amazon_on_listing = 0)`,
    );
  if (q.ids) add('p.id IN (SELECT value FROM json_each(?))', JSON.stringify(q.ids));
  if (q.search) {
    const like = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    add(
      `(p.name LIKE ? ESCAPE '\\' OR p.sku LIKE ? ESCAPE '\\' OR p.gtin14 LIKE ? ESCAPE '\\' OR p.asin LIKE ? ESCAPE '\\')`,
      like,
      like,
      like,
      like,
    );
  }
  return { sql: parts.join(' AND '), params };
}

export const PRODUCTS_FROM = `FROM products p LEFT JOIN analyses a ON a.product_id = p.id AND a.marketplace = 'US'`;
/** PRODUCTS_FROM with the decided ASIN's offer summary as o. */
const WITH_OFFERS = `${PRODUCTS_FROM} LEFT JOIN offer_summaries o ON o.asin = ${DECIDED_ASIN} AND o.marketplace = 'US'`;

/**
 * A window of products, filtered and sorted in SQLite (ties broken by id, nulls last). Two steps: the window's ids
 * first — an OFFSET walks every row it skips, so that walk reads ids only, and joins analyses only when a filter or
 * the sort needs them — then the full rows of just those ids.
 */
export function queryProducts(db: Db, q: ProductQuery): ProductRow[] {
  const w = productWhere(q);
  const col = SORTS[q.sort ?? 'id'];
  const dir = q.desc ? 'DESC' : 'ASC';
  const order = col === 'p.id' ? `p.id ${dir}` : `${col} IS NULL, ${col} ${dir}, p.id ${dir}`;
  const needs = `${w.sql} ${col}`;
  let from = /\bo\./.test(needs) ? WITH_OFFERS : /\ba\./.test(needs) ? PRODUCTS_FROM : 'FROM products p';
  // In id order with a filter only analysed products pass, walk products in id order and look each analysis up: the
  // first page is found after a few thousand rows. (Left to itself, SQLite starts from the verdict index, reads every
  // match and sorts them all: ~0.3 s at 1M.) CROSS JOIN fixes the loop order; it drops only unanalysed products,
  // which the filter drops anyway.
  if (col === 'p.id' && analysisRequired(q)) from = from.replace('LEFT JOIN analyses a', 'CROSS JOIN analyses a');
  const ids = db
    .prepare(`SELECT p.id ${from} ${w.sql} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .pluck()
    .all(...w.params, q.limit, q.offset) as number[];
  return productsByIds(db, ids);
}

/** Full rows of these products, in this order (ids that do not exist are left out). */
export function productsByIds(db: Db, ids: readonly number[]): ProductRow[] {
  if (ids.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT p.id, p.gtin14, p.sku, p.name, p.brand, p.cost, p.asin, p.lookup_status, p.potential_asins, coalesce(a.sales_rank, p.sales_rank) AS rank,
              p.quality_score, p.import_id, a.id AS analysis_id, a.sell_price, a.price_source, a.referral_fee, a.fulfillment_fee, a.storage_fee, a.other_costs,
              a.total_fees, a.api_total_fees, a.profit, a.margin, a.roi, a.est_sales_mid, a.size_tier, a.flags, a.reasons,
              a.verdict, a.verdict_reasons, a.pack_multiplier, o.asin AS offers_asin, o.buy_box_price, o.buy_box_winner,
              o.amazon_on_listing, o.fba_offers, o.fbm_offers, o.lowest_fba, o.lowest_fbm,
              ${RESTRICTION('status')} AS restriction_status, ${RESTRICTION('reasons')} AS restriction_reasons,
              (SELECT c.image_url FROM catalog_items c WHERE c.asin = ${DECIDED_ASIN} AND c.marketplace = 'US') AS image_url,
              EXISTS (SELECT 1 FROM product_images pi WHERE pi.product_id = p.id AND pi.status = 'done') AS has_image
       ${WITH_OFFERS} WHERE p.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids)) as DbRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [toRow(r)] : [];
  });
}

/** Whether the filters pass only products with an analysis (a null analysis fails each of these terms). */
function analysisRequired(q: ProductFilters): boolean {
  return Boolean(q.verdict?.length) || q.minRoi !== undefined || q.minProfit !== undefined;
}

/** How many products match the filters (the table's scroll height). */
export function countProducts(db: Db, q: ProductFilters): number {
  const w = productWhere(q);
  // Filters on the analysis alone are counted in analyses (its verdict index covers a verdict count), not by visiting
  // every product: each analysis belongs to exactly one product (foreign key, one per marketplace).
  if (analysisRequired(q) && !/\bp\./.test(w.sql))
    return db
      .prepare(`SELECT count(*) FROM analyses a ${w.sql} AND a.marketplace = 'US'`)
      .pluck()
      .get(...w.params) as number;
  return db
    .prepare(`SELECT count(*) ${/\ba\./.test(w.sql) ? PRODUCTS_FROM : 'FROM products p'} ${w.sql}`)
    .pluck()
    .get(...w.params) as number;
}

interface DbRow extends ProductCore {
  lookup_status: string;
  potential_asins: string | null;
  rank: number | null;
  quality_score: number;
  import_id: number | null;
  analysis_id: number | null;
  sell_price: number | null;
  price_source: string | null;
  referral_fee: number | null;
  fulfillment_fee: number | null;
  storage_fee: number | null;
  other_costs: number | null;
  total_fees: number | null;
  api_total_fees: number | null;
  profit: number | null;
  margin: number | null;
  roi: number | null;
  est_sales_mid: number | null;
  size_tier: string | null;
  flags: string | null;
  reasons: string | null;
  verdict: Verdict | null;
  verdict_reasons: string | null;
  pack_multiplier: number | null;
  offers_asin: string | null;
  buy_box_price: number | null;
  buy_box_winner: 'amazon' | 'fba' | 'fbm' | null;
  amazon_on_listing: number | null;
  fba_offers: number | null;
  fbm_offers: number | null;
  lowest_fba: number | null;
  lowest_fbm: number | null;
  restriction_status: NonNullable<ProductRow['restriction']>['status'] | null;
  restriction_reasons: string | null;
  image_url: string | null;
  has_image: number;
}

/** A stored JSON cell read leniently: the table shows what it can rather than failing a whole page on one cell. */
function jsonArray<T>(raw: string | null): T[] {
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

function toRow(r: DbRow): ProductRow {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    gtin14: r.gtin14,
    sku: r.sku,
    name: r.name,
    brand: r.brand,
    cost: n(r.cost),
    asin: r.asin,
    lookupStatus: r.gtin14 === null ? 'no_barcode' : r.lookup_status,
    candidates: r.potential_asins ? JSON.parse(r.potential_asins) : null,
    salesRank: n(r.rank),
    quality: r.quality_score,
    importId: r.import_id,
    imageUrl: r.image_url?.startsWith('https://') ? r.image_url : null,
    thumbnail: r.has_image ? productImageUrl(r.id) : null,
    verdict: r.verdict,
    verdictReasons: jsonArray<VerdictReason>(r.verdict_reasons).filter((x) => typeof x?.text === 'string'),
    packMultiplier: n(r.pack_multiplier),
    offers:
      r.offers_asin === null
        ? null
        : {
            buyBoxPrice: n(r.buy_box_price),
            buyBoxWinner: r.buy_box_winner,
            amazonOnListing: r.amazon_on_listing === null ? null : r.amazon_on_listing === 1,
            fbaOffers: n(r.fba_offers),
            fbmOffers: n(r.fbm_offers),
            lowestFba: n(r.lowest_fba),
            lowestFbm: n(r.lowest_fbm),
          },
    restriction:
      r.restriction_status === null
        ? null
        : {
            status: r.restriction_status,
            approvalUrl:
              (jsonArray<{ approvalUrl?: unknown }>(r.restriction_reasons).find(
                (x) => typeof x?.approvalUrl === 'string' && x.approvalUrl.startsWith('https://'),
              )?.approvalUrl as string | undefined) ?? null,
          },
    analysis:
      r.analysis_id === null
        ? null
        : {
            sellPrice: n(r.sell_price),
            priceSource: r.price_source,
            referralFee: n(r.referral_fee),
            fulfillmentFee: n(r.fulfillment_fee),
            storageFee: n(r.storage_fee),
            otherCosts: Number(r.other_costs),
            totalFees: n(r.total_fees),
            apiTotalFees: n(r.api_total_fees),
            profit: n(r.profit),
            margin: n(r.margin),
            roi: n(r.roi),
            estSales: n(r.est_sales_mid),
            sizeTier: r.size_tier,
            flags: JSON.parse(r.flags ?? '[]'),
            reasons: JSON.parse(r.reasons ?? '[]'),
          },
  };
}
