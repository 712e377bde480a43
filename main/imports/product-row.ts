import type { CleanProduct } from './validate.ts';

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
    JSON.stringify(p.attributes),
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

/**
 * Statements by the set of columns a list of rows fills (flat, ROW_COLUMNS order): a price list leaves many columns
 * empty, and binding a NULL costs as much as a value, while a column left out of an INSERT is NULL all the same.
 * `make` prepares the statements for the columns given (indexes into ROW_COLUMNS, in order). A file whose empty
 * columns change from chunk to chunk would prepare statements without end: past `max` sets, every column is bound.
 */
export function statementsByColumns<T>(
  make: (cols: number[]) => T,
  max = 8,
): (values: readonly unknown[]) => T & { cols: number[] } {
  const made = new Map<number, T & { cols: number[] }>();
  const ALL = (1 << ROW_WIDTH) - 1;
  return (values) => {
    let mask = 0;
    for (let o = 0; o < values.length && mask !== ALL; o += ROW_WIDTH)
      for (let i = 0; i < ROW_WIDTH; i++) if (values[o + i] !== null) mask |= 1 << i;
    if (!made.has(mask) && made.size >= max) mask = ALL;
    let s = made.get(mask);
    if (!s) {
      const cols = ROW_COLUMNS.map((_, i) => i).filter((i) => mask & (1 << i));
      s = { ...make(cols), cols };
      made.set(mask, s);
    }
    return s;
  };
}
