import type { Db } from '../db/open.ts';

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
}

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
  if (q.importId !== undefined) add('(p.import_id = ? OR p.created_import_id = ?)', q.importId, q.importId);
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
  const from = /\ba\./.test(`${w.sql} ${col}`) ? PRODUCTS_FROM : 'FROM products p';
  const ids = db
    .prepare(`SELECT p.id ${from} ${w.sql} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .pluck()
    .all(...w.params, q.limit, q.offset) as number[];
  if (ids.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT p.id, p.gtin14, p.sku, p.name, p.brand, p.cost, p.asin, p.lookup_status, p.potential_asins, coalesce(a.sales_rank, p.sales_rank) AS rank,
              p.quality_score, p.import_id, a.id AS analysis_id, a.sell_price, a.price_source, a.referral_fee, a.fulfillment_fee, a.storage_fee, a.other_costs,
              a.total_fees, a.api_total_fees, a.profit, a.margin, a.roi, a.est_sales_mid, a.size_tier, a.flags, a.reasons
       ${PRODUCTS_FROM} WHERE p.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids)) as DbRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [toRow(r)] : [];
  });
}

/** How many products match the filters (the table's scroll height). */
export function countProducts(db: Db, q: ProductFilters): number {
  const w = productWhere(q);
  const needsJoin = q.minRoi !== undefined || q.minProfit !== undefined || q.maxRank !== undefined;
  return db
    .prepare(`SELECT count(*) ${needsJoin ? PRODUCTS_FROM : 'FROM products p'} ${w.sql}`)
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
