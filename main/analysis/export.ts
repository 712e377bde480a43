import { randomUUID } from 'node:crypto';
import { link, lstat, open, rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { displayGtin } from '../catalog/gtin.ts';
import type { Db } from '../db/open.ts';
import { toCsv } from '../files/csv-out.ts';

/** What `--filter` may test, and the column each name stands for. */
export const FILTER_FIELDS: Record<string, string> = {
  roi: 'a.roi',
  profit: 'a.profit',
  margin: 'a.margin',
  rank: 'a.sales_rank',
  sales: 'a.est_sales_mid',
  cost: 'p.cost',
  price: 'a.sell_price',
  fees: 'a.total_fees',
};

export interface Filter {
  field: string;
  op: '>=' | '<=' | '!=' | '>' | '<' | '=';
  value: number;
}

/** A filter that cannot be understood, with the grammar in the message. */
export class FilterError extends Error {}

/** Parses `roi>=0.3`, `profit > 2`, `rank<=50000`; values may be percentages (`roi>=30%`). */
export function parseFilter(text: string): Filter {
  const m = /^\s*([a-z]+)\s*(>=|<=|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)(%?)\s*$/i.exec(text);
  const help = `Filters look like roi>=0.3, profit>2 or rank<=50000; fields: ${Object.keys(FILTER_FIELDS).join(', ')}.`;
  if (!m) throw new FilterError(`"${text}" is not a filter. ${help}`);
  const field = m[1]!.toLowerCase();
  if (!FILTER_FIELDS[field]) throw new FilterError(`"${field}" cannot be filtered on. ${help}`);
  return { field, op: m[2] as Filter['op'], value: Number(m[3]) / (m[4] ? 100 : 1) };
}

// Columns a seller sorts and filters on in a spreadsheet.
const HEADERS = [
  'ASIN',
  'Barcode',
  'SKU',
  'Name',
  'Brand',
  'Category',
  'Cost',
  'Sell Price',
  'Price Source',
  'Referral Fee',
  'FBA Fee',
  'Storage Fee',
  'Other Costs',
  'Total Fees',
  'Amazon Fee Estimate',
  'Profit',
  'Margin %',
  'ROI %',
  'Breakeven Cost',
  'Max Cost for Target ROI',
  'Sales Rank',
  'Est. Monthly Sales',
  'Size Tier',
  'Verdict',
  'Verdict Reasons',
  'Notes',
  'Fee Schedule',
  'Lookup Status',
];

/** A verdict's reasons as one cell ("Gated: approval required …; ROI 18% is below your 30% target"). */
function verdictReasons(cell: unknown): string | null {
  if (typeof cell !== 'string' || cell === '[]') return null;
  try {
    const list = JSON.parse(cell) as { text?: unknown }[];
    return Array.isArray(list)
      ? list
          .map((x) => String(x?.text ?? ''))
          .filter(Boolean)
          .join('; ') || null
      : null;
  } catch {
    return null; // A damaged cell must not stop the export; the verdict beside it still says what was decided.
  }
}

const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

/**
 * Writes products with their analysis to CSV (formula-safe), filtered, in id order and bounded memory: rows are read
 * in keyset pages and written as they come. Returns how many rows were written.
 */
export async function exportProducts(
  db: Db,
  out: string,
  opts: {
    filters?: readonly Filter[];
    marketplace?: string;
    page?: number;
    where?: { sql: string; params: unknown[] };
  } = {},
): Promise<number> {
  const filters = opts.filters ?? [];
  const where = filters.map((f) => `${FILTER_FIELDS[f.field]} ${f.op === '!=' ? 'IS NOT' : f.op} ?`);
  // The window's filters (lookup status, brand, search…) arrive as ready SQL over the same p and a.
  if (opts.where?.sql) where.push(`(${opts.where.sql})`);
  const params = [...filters.map((f) => f.value), ...(opts.where?.params ?? [])];
  const stmt = db.prepare(
    // a.* has its own id: the product's comes last under its own name (the keyset below pages on it).
    `SELECT p.asin, p.gtin14, p.sku, p.name, p.brand, coalesce(p.amazon_category, p.category) AS category, p.cost, p.lookup_status, a.*, p.id AS product_key
     FROM products p LEFT JOIN analyses a ON a.product_id = p.id AND a.marketplace = ?
     WHERE p.id > ? ${where.map((w) => `AND ${w}`).join(' ')} ORDER BY p.id LIMIT ?`,
  );
  // Written under a temporary name and put in place once whole: a full disk or a crash mid-way never leaves a file
  // under the chosen name that looks like a complete export.
  await refuseExisting(out);
  const temp = join(dirname(out), `.${basename(out)}.${randomUUID().slice(0, 8)}.partial`);
  // Opened first so "no permission" or "no such folder" is an error here, not a lost stream event.
  const file = (await open(temp, 'wx')).createWriteStream();
  const failed = once(file, 'error').then(([err]) => {
    throw err;
  });
  failed.catch(() => {}); // Observed through the races below; never an unhandled rejection.
  const write = async (text: string) => {
    if (!file.write(text)) await Promise.race([once(file, 'drain'), failed]);
  };
  let written = 0;
  try {
    await write('\ufeff' + toCsv([HEADERS]));
    let last = 0;
    for (;;) {
      const rows = stmt.all(opts.marketplace ?? 'US', last, ...params, opts.page ?? 5000) as Record<
        string,
        number | string | null
      >[];
      if (rows.length === 0) break;
      last = rows.at(-1)!.product_key as number;
      const lines = rows.map((r) => {
        const flags = JSON.parse((r.flags as string | null) ?? '[]') as string[];
        const reasons = JSON.parse((r.reasons as string | null) ?? '[]') as string[];
        return [
          r.asin,
          r.gtin14 ? displayGtin(r.gtin14 as string) : null,
          r.sku,
          r.name,
          r.brand,
          r.category,
          r.cost,
          r.sell_price,
          r.price_source,
          r.referral_fee,
          r.fulfillment_fee,
          r.storage_fee,
          r.other_costs,
          r.total_fees,
          r.api_total_fees,
          r.profit,
          pct(r.margin as number | null),
          pct(r.roi as number | null),
          r.breakeven_cost,
          r.max_cost_for_target_roi,
          r.sales_rank,
          r.est_sales_mid === null || r.est_sales_mid === undefined ? null : `${r.est_sales_low}–${r.est_sales_high}`,
          r.size_tier,
          // The decision when one was made; before that, what the targets alone say.
          r.verdict ?? (flags.includes('winner') ? 'winner' : flags.join(' ')),
          verdictReasons(r.verdict_reasons),
          reasons.join(' '),
          r.fee_schedule,
          r.lookup_status,
        ] as (string | number | null)[];
      });
      await write(toCsv(lines));
      written += rows.length;
    }
    file.end();
    await Promise.race([once(file, 'finish'), failed]);
    await putInPlace(temp, out);
  } catch (err) {
    file.destroy();
    await unlink(temp).catch(() => {});
    throw err;
  }
  return written;
}

/** Throws EEXIST (as `open(out, 'wx')` would) when something is already at `out`: an export never overwrites. */
async function refuseExisting(out: string): Promise<void> {
  const found = await lstat(out).then(
    () => true,
    (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
  );
  if (found) throw Object.assign(new Error(`EEXIST: file already exists, '${out}'`), { code: 'EEXIST', path: out });
}

/**
 * Gives the finished temporary file its name: a hard link fails if the name was taken meanwhile (never overwrites);
 * where links are not supported (FAT drives) a rename after a second look.
 */
async function putInPlace(temp: string, out: string): Promise<void> {
  try {
    await link(temp, out);
    await unlink(temp);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
    await refuseExisting(out);
    await rename(temp, out);
  }
}
