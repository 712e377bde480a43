import { NO_ATTRIBUTES, type CleanProduct } from './validate.ts';

/**
 * A validated row as the catalog writer binds it: product columns in this order, then the file's row number.
 * Rows travel as flat arrays (from the parsing thread and into multi-row statements) — no object per row.
 */
export const ROW_COLUMNS = [
  'gtin14',
  'sku',
  'mpn',
  'asin',
  'name',
  'brand',
  'category',
  'cost',
  'currency',
  'price',
  'pack_size',
  'quantity',
  'image_url',
  'description',
  'weight_lb',
  'length_in',
  'width_in',
  'height_in',
  'name_brand_key',
  'attributes',
  'quality_score',
  'seen_row',
] as const;
export const ROW_WIDTH = ROW_COLUMNS.length;

/** Appends a product and its row number to `out` in ROW_COLUMNS order. */
export function pushRow(out: unknown[], row: number, p: CleanProduct): void {
  out.push(
    p.gtin14,
    p.sku,
    p.mpn,
    p.asin,
    p.name,
    p.brand,
    p.category,
    p.cost,
    p.currency,
    p.price,
    p.packSize,
    p.quantity,
    p.imageUrl,
    p.description,
    p.weightLb,
    p.lengthIn,
    p.widthIn,
    p.heightIn,
    p.nameBrandKey,
    p.attributes === NO_ATTRIBUTES ? '{}' : JSON.stringify(p.attributes),
    p.qualityScore,
    row,
  );
}

/** The product at `offset` of a flat array, as validated (for the report of a duplicate row). */
export function rowProduct(
  values: readonly unknown[],
  offset: number,
): Omit<CleanProduct, 'nameBrandKey' | 'qualityScore'> {
  const v = (i: number) => values[offset + i] as never;
  return {
    gtin14: v(0),
    sku: v(1),
    mpn: v(2),
    asin: v(3),
    name: v(4),
    brand: v(5),
    category: v(6),
    cost: v(7),
    currency: v(8),
    price: v(9),
    packSize: v(10),
    quantity: v(11),
    imageUrl: v(12),
    description: v(13),
    weightLb: v(14),
    lengthIn: v(15),
    widthIn: v(16),
    heightIn: v(17),
    attributes: JSON.parse(v(19)) as Record<string, string>,
  };
}

// Columns most lists hold one value in (a file's one currency; no unmapped columns): bound once per statement, by
// name, when every row of the list agrees. Binding a string costs ~60 ns more than a number (the value is copied out
// of the JS heap, then again by SQLite): these are two of a typical row's seven strings.
const SHARED_CANDIDATES = [ROW_COLUMNS.indexOf('currency'), ROW_COLUMNS.indexOf('attributes')];

/** The named parameter a shared column binds to (see statementsByColumns). */
export const sharedParam = (col: number): string => `c${col}`;

/** Sets `params`' shared-column parameters from the first row of `values` (see statementsByColumns). */
export function bindShared(
  params: Record<string, unknown>,
  shared: readonly number[],
  values: readonly unknown[],
): void {
  for (const c of shared) params[sharedParam(c)] = values[c];
}

/**
 * Statements by the set of columns a list of rows fills (flat, ROW_COLUMNS order): a price list leaves many columns
 * empty, and binding a NULL costs as much as a value, while a column left out of an INSERT is NULL all the same.
 * A column in which every row holds the same value (SHARED_CANDIDATES only) is `shared`: the statements name it
 * `:c<index>` (sharedParam) and the caller binds it once, from `bindShared`. `make` prepares the statements for the
 * columns given (indexes into ROW_COLUMNS, in order). A file whose columns change from chunk to chunk would prepare
 * statements without end: past `max` sets, every column is bound per row.
 */
export function statementsByColumns<T>(
  make: (cols: number[], shared: number[]) => T,
  max = 8,
): (values: readonly unknown[]) => T & { cols: number[]; shared: number[] } {
  const made = new Map<number, T & { cols: number[]; shared: number[] }>();
  const ALL = (1 << ROW_WIDTH) - 1;
  return (values) => {
    let mask = 0;
    for (let o = 0; o < values.length && mask !== ALL; o += ROW_WIDTH)
      for (let i = 0; i < ROW_WIDTH; i++) if (values[o + i] !== null) mask |= 1 << i;
    // Shared columns: one bit each above the fill mask (the key stays an exact integer).
    let sharedBits = 0;
    for (let k = 0; k < SHARED_CANDIDATES.length; k++) {
      const c = SHARED_CANDIDATES[k]!;
      const first = values[c];
      if (first === null || first === undefined || (mask & (1 << c)) === 0) continue;
      let same = true;
      for (let o = ROW_WIDTH + c; o < values.length && same; o += ROW_WIDTH) same = values[o] === first;
      if (same) sharedBits |= 1 << k;
    }
    let key = mask + sharedBits * 2 ** ROW_WIDTH;
    if (!made.has(key) && made.size >= max) key = ALL;
    let s = made.get(key);
    if (!s) {
      const m = key === ALL ? ALL : mask;
      const bits = key === ALL ? 0 : sharedBits;
      const shared = SHARED_CANDIDATES.filter((_, k) => bits & (1 << k));
      const cols = ROW_COLUMNS.map((_, i) => i).filter((i) => m & (1 << i) && !shared.includes(i));
      s = { ...make(cols, shared), cols, shared };
      made.set(key, s);
    }
    return s;
  };
}
