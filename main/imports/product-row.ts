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

// Columns most lists hold one value in (a file's one currency; no unmapped columns): written into the statement as
// a literal when every row of a list agrees, not bound per row. Binding a string costs ~60 ns more than a number (the
// value is copied out of the JS heap, then again by SQLite): these are two of a typical row's seven strings.
const SHARED_CANDIDATES = [ROW_COLUMNS.indexOf('currency'), ROW_COLUMNS.indexOf('attributes')];
// Longer values are bound per row: a statement is prepared per value written into it.
const MAX_SHARED_CHARS = 64;
/** Every column filled. */
const ALL = (1 << ROW_WIDTH) - 1;

/** `v` as an SQL literal (a string quoted, a finite number, or NULL). */
export function sqlLiteral(v: unknown): string {
  if (typeof v === 'string') {
    // SQLite reads a statement's text up to its first NUL.
    if (v.includes('\0')) throw new TypeError('A NUL cannot be written into a statement');
    return `'${v.replaceAll("'", "''")}'`;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (v === null || v === undefined) return 'NULL';
  throw new TypeError(`Not an SQL value: ${typeof v}`);
}

/** A column whose value every row of a list holds: written into the statement (see statementsByColumns). */
export interface SharedColumn {
  col: number;
  /** Its value as an SQL literal. */
  sql: string;
}

/**
 * Which columns a list of rows (flat, ROW_COLUMNS order) fills, and which SHARED_CANDIDATES all its rows hold one
 * short string in: what statementsByColumns picks statements by. Made on the parsing thread for a chunk's rows (it has
 * time to spare; the writer does not): it holds for any part of them too.
 */
export interface RowColumns {
  /** Bit i: some row fills column i. */
  filled: number;
  /** Bit k: every row holds the same short string in SHARED_CANDIDATES[k]. */
  same: number;
}

/** Scans a list of rows for its RowColumns. */
export function columnsOf(values: readonly unknown[]): RowColumns {
  let filled = 0;
  for (let o = 0; o < values.length && filled !== ALL; o += ROW_WIDTH)
    for (let i = 0; i < ROW_WIDTH; i++) if (values[o + i] !== null) filled |= 1 << i;
  let same = 0;
  for (let k = 0; k < SHARED_CANDIDATES.length; k++) {
    const c = SHARED_CANDIDATES[k]!;
    const first = values[c];
    // A NUL would end the statement's text: such a value is bound.
    if (typeof first !== 'string' || first.length > MAX_SHARED_CHARS || first.includes('\0')) continue;
    let all = true;
    for (let o = ROW_WIDTH + c; o < values.length && all; o += ROW_WIDTH) all = values[o] === first;
    if (all) same |= 1 << k;
  }
  return { filled, same };
}

/**
 * Statements by the set of columns a list of rows fills (flat, ROW_COLUMNS order): a price list leaves many columns
 * empty, and binding a NULL costs as much as a value, while a column left out of an INSERT is NULL all the same.
 * A column in which every row holds the same short value (SHARED_CANDIDATES only) is `shared`: the statements write
 * that value as a literal. `make` prepares the statements for the columns bound per row (indexes into ROW_COLUMNS, in
 * order) and the shared ones. The list's RowColumns are scanned, or given (those of rows it is part of). A file whose
 * columns or shared values change from chunk to chunk would prepare statements without end: past `max` sets, every
 * column is bound per row.
 */
export function statementsByColumns<T>(
  make: (cols: number[], shared: SharedColumn[]) => T,
  max = 8,
): (values: readonly unknown[], given?: RowColumns) => T & { cols: number[]; shared: SharedColumn[] } {
  const made = new Map<string, T & { cols: number[]; shared: SharedColumn[] }>();
  return (values, given) => {
    let { filled, same } = given ?? columnsOf(values);
    let key = `${filled}`;
    // The shared values themselves: the first row's.
    for (let k = 0; k < SHARED_CANDIDATES.length; k++)
      if (same & (1 << k)) key += `\u0000${SHARED_CANDIDATES[k]}=${values[SHARED_CANDIDATES[k]!] as string}`;
    if (!made.has(key) && made.size >= max) {
      key = 'all';
      filled = ALL;
      same = 0;
    }
    let s = made.get(key);
    if (!s) {
      const shared = SHARED_CANDIDATES.filter((_, k) => same & (1 << k)).map((col) => ({
        col,
        sql: sqlLiteral(values[col]),
      }));
      const cols = ROW_COLUMNS.map((_, i) => i).filter((i) => filled & (1 << i) && !shared.some((x) => x.col === i));
      s = { ...make(cols, shared), cols, shared };
      made.set(key, s);
    }
    return s;
  };
}
