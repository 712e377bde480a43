import { gs1CheckDigit } from '../../main/catalog/gtin.ts';
import type { Db } from '../../main/db/open.ts';
import type { CleanProduct } from '../../main/imports/validate.ts';

/** The GTIN-14 of number `n` (its check digit computed). */
export const gtin = (n: number): string => {
  const body = String(n).padStart(13, '0');
  return body + gs1CheckDigit(body);
};

/** A validated product numbered `n` (barcode, SKU, name, cost from it), with `over` on top. */
export const product = (n: number, over: Partial<CleanProduct> = {}): CleanProduct => ({
  gtin14: gtin(n),
  sku: `SKU-${n}`,
  mpn: null,
  asin: null,
  name: `Product ${n}`,
  brand: 'Acme',
  category: null,
  cost: n,
  currency: 'USD',
  price: null,
  packSize: null,
  quantity: null,
  imageUrl: null,
  description: null,
  weightLb: null,
  lengthIn: null,
  widthIn: null,
  heightIn: null,
  attributes: {},
  nameBrandKey: null,
  qualityScore: 50,
  ...over,
});

/** Import records `ids` (a CSV file of nothing), so catalog writes can name them. */
export function insertImports(db: Db, ...ids: number[]): void {
  const insert = db.prepare(
    `INSERT INTO imports (id, file_name, file_path, file_size, file_hash, encoding, delimiter, decimal_sep, headers, mapping, fingerprint, created_at)
     VALUES (?, 'f.csv', 'f.csv', 0, 'h', 'utf-8', ',', '.', '[]', '{}', 'x', 0)`,
  );
  for (const id of ids) insert.run(id);
}
