import { normalizeGtin } from '../catalog/gtin.ts';
import { nameBrandKey } from '../catalog/keys.ts';
import { qualityScore } from '../catalog/quality.ts';
import type { Field } from './fields.ts';
import type { ColumnMapping } from './mapping.ts';
import { parseMoney, parsePackSize, type DecimalSeparator } from './money.ts';

/** A product row ready to stage: normalized, validated, scored. */
export interface CleanProduct {
  gtin14: string | null;
  sku: string | null;
  mpn: string | null;
  asin: string | null;
  name: string | null;
  brand: string | null;
  category: string | null;
  cost: number;
  currency: string | null;
  price: number | null;
  packSize: number | null;
  quantity: number | null;
  imageUrl: string | null;
  description: string | null;
  /** Unmapped, non-empty columns by header. */
  attributes: Record<string, string>;
  nameBrandKey: string | null;
  qualityScore: number;
}

/** Why a cell made its row fail or was set aside: column, value and reason, as the error report shows them. */
export interface CellProblem {
  column: string;
  value: string;
  reason: string;
}

export type RowOutcome =
  | { kind: 'blank' }
  | { kind: 'ok'; product: CleanProduct; warnings: CellProblem[] }
  | { kind: 'rejected'; problems: CellProblem[] };

export interface ValidatorOptions {
  headers: readonly string[];
  mapping: ColumnMapping;
  decimal: DecimalSeparator;
  /** Currency when neither a column nor a symbol says (settings; default USD). */
  defaultCurrency?: string;
}

const ASIN = /^(B0[0-9A-Z]{8}|\d{9}[\dX])$/;

/** Builds the per-row validator of one file: normalizes barcodes, money, pack sizes and keeps the rest as attributes. */
export function createRowValidator(opts: ValidatorOptions): (row: readonly string[]) => RowOutcome {
  const { headers, mapping, decimal } = opts;
  const defaultCurrency = opts.defaultCurrency ?? 'USD';
  const mappedCols = new Set(Object.values(mapping));
  const attrCols = headers.map((_, i) => i).filter((i) => !mappedCols.has(i));
  const col = (f: Field) => mapping[f];
  const header = (f: Field) => headers[mapping[f]!]!;
  const text = (row: readonly string[], f: Field): string | null => {
    const c = col(f);
    if (c === undefined) return null;
    const v = row[c]?.trim();
    return v ? v : null;
  };

  return (row) => {
    if (row.every((cell) => cell.trim() === '')) return { kind: 'blank' };
    const problems: CellProblem[] = [];
    const warnings: CellProblem[] = [];

    // Identity: a valid barcode (the second barcode column is the fallback), else name + brand.
    let gtin14: string | null = null;
    const barcodeProblems: CellProblem[] = [];
    for (const f of ['gtin', 'gtin_alt'] as const) {
      const raw = text(row, f);
      if (raw === null || gtin14) continue;
      const r = normalizeGtin(raw);
      if (r.ok) gtin14 = r.gtin14;
      else barcodeProblems.push({ column: header(f), value: raw, reason: r.reason });
    }
    const name = text(row, 'name');
    const brand = text(row, 'brand');
    const key = nameBrandKey(name, brand);
    if (!gtin14) {
      if (key) warnings.push(...barcodeProblems.map((p) => ({ ...p, reason: `${p.reason} Imported by name and brand instead.` })));
      else if (barcodeProblems.length > 0) problems.push(...barcodeProblems);
      else problems.push({ column: col('gtin') !== undefined ? header('gtin') : '(barcode)', value: '', reason: 'no barcode, and not both a name and a brand to identify the product' });
    }

    // Cost per unit: the cost column, else the case cost divided by the case pack.
    let packSize: number | null = null;
    const packRaw = text(row, 'pack_size');
    if (packRaw !== null) {
      const r = parsePackSize(packRaw);
      if (r.ok) packSize = r.value;
      else warnings.push({ column: header('pack_size'), value: packRaw, reason: r.reason });
    }
    let cost: number | null = null;
    let currency: string | null = null;
    const costRaw = text(row, 'cost');
    const caseRaw = text(row, 'case_cost');
    if (costRaw !== null) {
      const r = parseMoney(costRaw, decimal);
      if (!r.ok) problems.push({ column: header('cost'), value: costRaw, reason: r.reason });
      else ({ value: cost, currency } = r);
    } else if (caseRaw !== null) {
      const r = parseMoney(caseRaw, decimal);
      if (!r.ok) problems.push({ column: header('case_cost'), value: caseRaw, reason: r.reason });
      else if (packSize === null) problems.push({ column: header('case_cost'), value: caseRaw, reason: 'a case cost needs a valid case pack to give a cost per unit' });
      else ({ value: cost, currency } = { value: r.value / packSize, currency: r.currency });
    } else {
      const c = col('cost') ?? col('case_cost');
      problems.push({ column: c !== undefined ? headers[c]! : '(cost)', value: '', reason: 'no cost' });
    }
    if (cost !== null && !(cost > 0)) {
      problems.push({ column: header(costRaw !== null ? 'cost' : 'case_cost'), value: (costRaw ?? caseRaw)!, reason: 'the cost must be more than 0' });
    }

    let price: number | null = null;
    const priceRaw = text(row, 'price');
    if (priceRaw !== null) {
      const r = parseMoney(priceRaw, decimal);
      if (r.ok && r.value > 0) {
        price = r.value;
        currency ??= r.currency;
      } else warnings.push({ column: header('price'), value: priceRaw, reason: r.ok ? 'a price must be more than 0' : r.reason });
    }
    const currencyRaw = text(row, 'currency');
    if (currencyRaw !== null) {
      if (/^[A-Za-z]{3}$/.test(currencyRaw)) currency = currencyRaw.toUpperCase();
      else warnings.push({ column: header('currency'), value: currencyRaw, reason: 'not a three-letter currency code' });
    }
    let quantity: number | null = null;
    const qtyRaw = text(row, 'quantity');
    if (qtyRaw !== null) {
      const q = Number(qtyRaw.replace(/[\s,']/g, ''));
      if (Number.isInteger(q) && q >= 0) quantity = q;
      else warnings.push({ column: header('quantity'), value: qtyRaw, reason: 'not a whole number' });
    }
    let asin = text(row, 'asin')?.toUpperCase() ?? null;
    if (asin !== null && !ASIN.test(asin)) {
      warnings.push({ column: header('asin'), value: asin, reason: 'not an ASIN (10 characters, usually starting B0)' });
      asin = null;
    }

    if (problems.length > 0) return { kind: 'rejected', problems };

    const attributes: Record<string, string> = {};
    let attributeCount = 0;
    for (const i of attrCols) {
      const v = row[i]?.trim();
      if (v) {
        attributes[headers[i]!] = v;
        attributeCount++;
      }
    }
    // Fields beyond the header (ragged rows) are kept, not dropped.
    for (let i = headers.length; i < row.length; i++) {
      const v = row[i]?.trim();
      if (v) {
        attributes[`Column ${i + 1}`] = v;
        attributeCount++;
      }
    }
    const product: CleanProduct = {
      gtin14,
      sku: text(row, 'sku'),
      mpn: text(row, 'mpn'),
      asin,
      name,
      brand,
      category: text(row, 'category'),
      cost: cost!,
      currency: currency ?? defaultCurrency,
      price,
      packSize,
      quantity,
      imageUrl: text(row, 'image_url'),
      description: text(row, 'description'),
      attributes,
      nameBrandKey: key,
      qualityScore: 0,
    };
    product.qualityScore = qualityScore({ ...product, attributeCount });
    return { kind: 'ok', product, warnings };
  };
}
