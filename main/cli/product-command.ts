// `pallet product ID [--json]`: everything Pallet knows about one product and why it decided what it did — the
// product's own fields, its analysis, its candidate ASINs with Amazon's answers for each (catalog, offers,
// restrictions with the approval link, FBA eligibility), the verdict and its reasons, and its cost by supplier over
// time. Read-only: it opens the database, reads and closes.
import { openDatabase, type Db } from '../db/open.ts';
import { productDecisionView, type ProductDecisionView } from '../decisions/store.ts';
import { cliSettings } from './cli-settings.ts';
import { productCostHistory } from '../suppliers/cost-history.ts';
import { productOffers } from '../suppliers/offers.ts';

interface Out {
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** The stored analysis of a product in a marketplace, as `pallet product` shows it. */
export interface ProductAnalysis {
  sellPrice: number | null;
  priceSource: string | null;
  referralCategory: string;
  referralFee: number | null;
  fulfillmentFee: number | null;
  totalFees: number | null;
  unitCost: number | null;
  profit: number | null;
  margin: number | null;
  roi: number | null;
  salesRank: number | null;
  estSales: { low: number | null; mid: number | null; high: number | null };
  flags: unknown;
  reasons: unknown;
  feeSchedule: string;
  computedAt: number;
}

/** One supplier's offer on the product: its latest cost and every list that priced it. */
export interface SupplierCost {
  supplierId: number;
  supplier: string;
  cost: number | null;
  currency: string | null;
  casePack: number | null;
  moq: number | null;
  pinned: boolean;
  history: { importId: number; fileName: string | null; at: number | null; cost: number | null }[];
}

/** What `pallet product ID --json` prints. */
export interface ProductReport extends ProductDecisionView {
  details: {
    brand: string | null;
    sku: string | null;
    lookupStatus: string;
    importId: number | null;
  };
  analysis: ProductAnalysis | null;
  suppliers: SupplierCost[];
}

/** A JSON cell read back; a damaged one is shown as its text rather than failing the whole report. */
function json(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

type Row = Record<string, unknown>;

/** Gathers the report; null when there is no such product. */
export function productReport(db: Db, productId: number, marketplace: string, sellerId?: string): ProductReport | null {
  const view = productDecisionView(db, productId, marketplace, sellerId);
  if (!view) return null;
  const p = db
    .prepare('SELECT brand, sku, lookup_status, import_id, cost_supplier_id FROM products WHERE id = ?')
    .get(productId) as Row;
  const a = db
    .prepare('SELECT * FROM analyses WHERE product_id = ? AND marketplace = ?')
    .get(productId, marketplace) as Row | undefined;
  const offers = productOffers(db, productId);
  const history = productCostHistory(db, productId);
  return {
    ...view,
    details: {
      brand: p.brand as string | null,
      sku: p.sku as string | null,
      lookupStatus: p.lookup_status as string,
      importId: p.import_id as number | null,
    },
    analysis: a
      ? {
          sellPrice: a.sell_price as number | null,
          priceSource: a.price_source as string | null,
          referralCategory: a.referral_category as string,
          referralFee: a.referral_fee as number | null,
          fulfillmentFee: a.fulfillment_fee as number | null,
          totalFees: a.total_fees as number | null,
          unitCost: a.unit_cost as number | null,
          profit: a.profit as number | null,
          margin: a.margin as number | null,
          roi: a.roi as number | null,
          salesRank: a.sales_rank as number | null,
          estSales: {
            low: a.est_sales_low as number | null,
            mid: a.est_sales_mid as number | null,
            high: a.est_sales_high as number | null,
          },
          flags: json(a.flags),
          reasons: json(a.reasons),
          feeSchedule: a.fee_schedule as string,
          computedAt: a.computed_at as number,
        }
      : null,
    suppliers: offers.map((o) => ({
      supplierId: o.supplierId,
      supplier: o.supplier,
      cost: o.cost,
      currency: o.currency,
      casePack: o.casePack,
      moq: o.moq,
      pinned: o.supplierId === p.cost_supplier_id,
      history: history
        .filter((h) => h.supplierId === o.supplierId)
        .map((h) => ({ importId: h.importId, fileName: h.fileName, at: h.at, cost: h.cost })),
    })),
  };
}

const money = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `$${x.toFixed(2)}`);
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${Math.round(x * 100)}%`);
const day = (ms: number | null) => (ms === null ? '?' : new Date(ms).toISOString().slice(0, 10));

/** The report as lines for people. */
export function productLines(r: ProductReport): string[] {
  const lines: string[] = [];
  const p = r.product;
  lines.push(`#${p.id} ${p.name ?? '(no name)'}${r.details.brand ? ` — ${r.details.brand}` : ''}`);
  lines.push(
    `  barcode ${p.gtin14 ?? '—'}  sku ${r.details.sku ?? '—'}  cost ${money(p.cost)}  pack ${p.packSize ?? '—'}  ` +
      `ASIN ${p.asin ?? '—'}${p.asinOverride ? ` (your choice: ${p.asinOverride})` : ''}  lookup ${r.details.lookupStatus}`,
  );
  if (r.verdict) {
    const v = r.verdict;
    lines.push(
      `Verdict (${r.marketplace}): ${v.verdict.toUpperCase()}${v.asin ? ` on ${v.asin}` : ''}` +
        `${v.packMultiplier !== null && v.packMultiplier !== 1 ? `, cost × ${v.packMultiplier} for Amazon's unit` : ''}` +
        `, decided ${day(v.decidedAt)}`,
    );
    for (const reason of v.reasons)
      lines.push(`  [${reason.severity}] ${reason.text}${reason.url ? ` → ${reason.url}` : ''}`);
    if (v.reasons.length === 0) lines.push('  every check passed');
  } else lines.push(`Verdict (${r.marketplace}): not decided yet (run pallet decide --ids ${p.id}).`);
  const a = r.analysis;
  if (a)
    lines.push(
      `Analysis: sell ${money(a.sellPrice)} (${a.priceSource ?? 'no price'}), fees ${money(a.totalFees)} ` +
        `(referral ${money(a.referralFee)}, FBA ${money(a.fulfillmentFee)}), unit cost ${money(a.unitCost)}, ` +
        `profit ${money(a.profit)}, ROI ${pct(a.roi)}, rank ${a.salesRank?.toLocaleString('en-US') ?? '—'}, ` +
        `~${a.estSales.mid ?? '?'} sales/month (fees ${a.feeSchedule})`,
    );
  else lines.push('Analysis: none yet.');
  const asins = Object.keys(r.asins);
  if (r.candidates.length)
    lines.push(
      `Candidates: ${r.candidates
        .map(
          (c) =>
            `${c.asin}${c.chosen ? ' (chosen)' : ''} ${c.verdict ?? '?'} profit ${money(c.profit)} ROI ${pct(c.roi)}`,
        )
        .join('; ')}`,
    );
  for (const asin of asins) {
    const x = r.asins[asin]!;
    const c = x.catalog;
    lines.push(`${asin}:`);
    if (c)
      lines.push(
        `  catalog: ${c.title ?? '—'}; package qty ${c.packageQuantity ?? '—'}, items ${c.numberOfItems ?? '—'}` +
          `${c.parentAsin ? `, variation of ${c.parentAsin}${c.variationTheme ? ` (${c.variationTheme})` : ''}` : ''}` +
          `${c.salesRanks.length ? `, ranks ${c.salesRanks.map((s) => `#${s.rank} ${s.title ?? s.id}`).join(', ')}` : ''}`,
      );
    const o = x.offers;
    if (o)
      lines.push(
        `  offers (${o.source.replace('_', ' ')}, ${day(o.fetchedAt)}): Buy Box ${money(o.buyBoxPrice)}` +
          `${o.buyBoxWinner ? ` held by ${o.buyBoxWinner === 'amazon' ? 'Amazon' : o.buyBoxWinner.toUpperCase()}` : ''}, ` +
          `Amazon on listing ${o.amazonOnListing === null ? '?' : o.amazonOnListing ? 'yes' : 'no'}, ` +
          `FBA ${o.fbaOffers ?? '?'} (lowest ${money(o.lowestFba)}), FBM ${o.fbmOffers ?? '?'} (lowest ${money(o.lowestFbm)})`,
      );
    else lines.push('  offers: not fetched');
    const rs = x.restriction;
    if (rs) {
      lines.push(`  restrictions: ${rs.status.replace(/_/g, ' ')}`);
      for (const why of rs.reasons)
        lines.push(`    ${why.message}${why.approvalUrl ? ` → request approval: ${why.approvalUrl}` : ''}`);
    } else lines.push('  restrictions: not checked');
    const e = x.eligibility;
    lines.push(
      `  FBA eligibility: ${e ? `${e.status}${e.reasonCodes.length ? ` (${e.reasonCodes.join(', ')})` : ''}` : 'not checked'}` +
        `${c?.hazmat ? `; catalog hazmat hints: ${c.hazmat.status}${c.hazmat.reasons.length ? ` (${c.hazmat.reasons.join(', ')})` : ''}` : ''}`,
    );
  }
  if (r.suppliers.length) {
    lines.push('Suppliers:');
    for (const s of r.suppliers)
      lines.push(
        `  ${s.supplier}${s.pinned ? ' (pinned)' : ''}: ${money(s.cost)}${s.casePack ? `, case of ${s.casePack}` : ''}` +
          `${s.moq ? `, MOQ ${s.moq}` : ''}; history ${s.history.map((h) => `${day(h.at)} ${money(h.cost)}`).join(' → ') || '—'}`,
      );
  }
  return lines;
}

/** `pallet product ID [--json]`; exit 1 with a one-line reason when there is no such product. */
export function productCommand(dbPath: string, productId: number, o: Out): number {
  const settings = cliSettings(dbPath);
  const db = openDatabase(dbPath);
  try {
    const report = productReport(db, productId, settings.marketplace, settings.spapiSellerId ?? undefined);
    if (!report) {
      o.err(`pallet: there is no product ${productId} (pallet export products lists them).`);
      return 1;
    }
    o.out(o.json ? JSON.stringify(report, null, 2) : productLines(report).join('\n'));
    return 0;
  } finally {
    db.close();
  }
}
