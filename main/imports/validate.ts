import { normalizeGtin } from '../catalog/gtin.ts';
import { nameBrandKey } from '../catalog/keys.ts';
import { qualityScore } from '../catalog/quality.ts';
import type { Field } from './fields.ts';
import type { ColumnMapping } from './mapping.ts';
import { parseMoney, parsePackSize, plainAmount, type DecimalSeparator } from './money.ts';

const UNIT_SUFFIX = /\s*(kg|g|lbs?|oz|cm|mm|in|")\.?$/i;

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
  weightLb: number | null;
  lengthIn: number | null;
  widthIn: number | null;
  heightIn: number | null;
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

/** Pounds per unit named in a weight header (`Weight (kg)`); pounds when it names none. */
export function weightFactor(header: string): number {
  const h = ` ${header.toLowerCase().replace(/[^a-z]+/g, ' ')} `;
  if (/ (kg|kgs|kilo|kilos|kilogram|kilograms) /.test(h)) return 2.20462262;
  if (/ (g|gr|gram|grams|gramm) /.test(h)) return 0.00220462262;
  if (/ (oz|ounce|ounces) /.test(h)) return 1 / 16;
  return 1;
}

/** Inches per unit named in a dimension header (`Length (cm)`); inches when it names none. */
export function lengthFactor(header: string): number {
  const h = ` ${header.toLowerCase().replace(/[^a-z]+/g, ' ')} `;
  if (/ (cm|centimeter|centimeters|centimetre|centimetres) /.test(h)) return 1 / 2.54;
  if (/ (mm|millimeter|millimeters|millimetre|millimetres) /.test(h)) return 1 / 25.4;
  return 1;
}

const NO_WARNINGS: CellProblem[] = [];
/** The attributes of a row with no unmapped cells: one frozen object, written as '{}' without serializing it. */
export const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});
const problemOf = (column: string, value: string, reason: string): CellProblem => ({ column, value, reason });

function isBlank(row: readonly string[]): boolean {
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    // A printable ASCII first character settles it without trimming.
    const c = v.charCodeAt(0);
    if ((c > 32 && c < 127) || v.trim() !== '') return false;
  }
  return true;
}

/** Builds the per-row validator of one file: normalizes barcodes, money, pack sizes and keeps the rest as attributes. */
export function createRowValidator(opts: ValidatorOptions): (row: readonly string[]) => RowOutcome {
  const { headers, mapping, decimal } = opts;
  const defaultCurrency = opts.defaultCurrency ?? 'USD';
  const mappedCols = new Set(Object.values(mapping));
  const attrCols = headers.map((_, i) => i).filter((i) => !mappedCols.has(i));
  // Column indexes as plain numbers (-1 = not mapped): this runs once per row of million-row files.
  const at = (f: Field) => mapping[f] ?? -1;
  const [
    cGtin,
    cGtinAlt,
    cSku,
    cMpn,
    cAsin,
    cName,
    cBrand,
    cCategory,
    cCost,
    cCaseCost,
    cPack,
    cPrice,
    cCurrency,
    cQty,
    cImage,
    cDesc,
  ] = (
    [
      'gtin',
      'gtin_alt',
      'sku',
      'mpn',
      'asin',
      'name',
      'brand',
      'category',
      'cost',
      'case_cost',
      'pack_size',
      'price',
      'currency',
      'quantity',
      'image_url',
      'description',
    ] as const
  ).map(at) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const header = (c: number) => headers[c]!;
  const [cWeight, cLength, cWidth, cHeight] = (['weight', 'length', 'width', 'height'] as const).map(at) as [
    number,
    number,
    number,
    number,
  ];
  const factor = {
    [cWeight]: cWeight >= 0 ? weightFactor(headers[cWeight]!) : 1,
    [cLength]: cLength >= 0 ? lengthFactor(headers[cLength]!) : 1,
    [cWidth]: cWidth >= 0 ? lengthFactor(headers[cWidth]!) : 1,
    [cHeight]: cHeight >= 0 ? lengthFactor(headers[cHeight]!) : 1,
  } as Record<number, number>;
  const cell = (row: readonly string[], c: number): string | null => {
    if (c < 0) return null;
    const v = row[c];
    if (!v) return null;
    // Most cells start and end with a printable ASCII character: nothing to trim.
    const first = v.charCodeAt(0);
    const last = v.charCodeAt(v.length - 1);
    if (first > 32 && first < 127 && last > 32 && last < 127) return v;
    const t = v.trim();
    return t === '' ? null : t;
  };
  // The row's warnings: measure (below) adds to them too. One row is validated at a time.
  let warnings: CellProblem[] | null = null;
  // Weight and package sides: optional, converted to pounds and inches by the unit the header names.
  const measure = (row: readonly string[], c: number): number | null => {
    const raw = cell(row, c);
    if (raw === null) return null;
    // Most cells are plain numbers: only others can end in a unit.
    let value = plainAmount(raw, decimal);
    if (value !== value) {
      const r = parseMoney(raw.replace(UNIT_SUFFIX, ''), decimal);
      if (r.ok) value = r.value;
    }
    if (value > 0) return Math.round(value * factor[c]! * 10_000) / 10_000;
    (warnings ??= []).push({ column: header(c), value: raw, reason: 'not a positive number' });
    return null;
  };

  return (row) => {
    if (isBlank(row)) return { kind: 'blank' };
    let problems: CellProblem[] | null = null;
    warnings = null;

    // Identity: a valid barcode (the second barcode column is the fallback), else name + brand.
    let gtin14: string | null = null;
    let barcodeProblems: CellProblem[] | null = null;
    const raw1 = cell(row, cGtin);
    if (raw1 !== null) {
      const r = normalizeGtin(raw1);
      if (r.ok) gtin14 = r.gtin14;
      else barcodeProblems = [{ column: header(cGtin), value: raw1, reason: r.reason }];
    }
    const raw2 = gtin14 ? null : cell(row, cGtinAlt);
    if (raw2 !== null) {
      const r = normalizeGtin(raw2);
      if (r.ok) gtin14 = r.gtin14;
      else (barcodeProblems ??= []).push({ column: header(cGtinAlt), value: raw2, reason: r.reason });
    }
    const name = cell(row, cName);
    const brand = cell(row, cBrand);
    // Only products without a barcode are matched by name and brand, so only they need the key.
    const key = gtin14 ? null : nameBrandKey(name, brand);
    if (!gtin14) {
      if (barcodeProblems && key)
        (warnings ??= []).push(
          ...barcodeProblems.map((p) => ({ ...p, reason: `${p.reason}; imported by name and brand instead` })),
        );
      else if (barcodeProblems)
        for (const p of barcodeProblems) (problems ??= []).push(problemOf(p.column, p.value, p.reason));
      else if (!key)
        (problems ??= []).push(
          problemOf(
            cGtin >= 0 ? header(cGtin) : '(barcode)',
            '',
            'no barcode, and not both a name and a brand to identify the product',
          ),
        );
    }

    // Cost per unit: the cost column, else the case cost divided by the case pack.
    let packSize: number | null = null;
    const packRaw = cell(row, cPack);
    if (packRaw !== null) {
      const r = parsePackSize(packRaw);
      if (r.ok) packSize = r.value;
      else (warnings ??= []).push({ column: header(cPack), value: packRaw, reason: r.reason });
    }
    let cost: number | null = null;
    let currency: string | null = null;
    const costRaw = cell(row, cCost);
    const caseRaw = costRaw === null ? cell(row, cCaseCost) : null;
    if (costRaw !== null) {
      const r = parseMoney(costRaw, decimal);
      if (!r.ok) (problems ??= []).push(problemOf(header(cCost), costRaw, r.reason));
      else if (!(r.value > 0))
        (problems ??= []).push(problemOf(header(cCost), costRaw, 'the cost must be more than 0'));
      else ({ value: cost, currency } = r);
    } else if (caseRaw !== null) {
      const r = parseMoney(caseRaw, decimal);
      if (!r.ok) (problems ??= []).push(problemOf(header(cCaseCost), caseRaw, r.reason));
      else if (!(r.value > 0))
        (problems ??= []).push(problemOf(header(cCaseCost), caseRaw, 'the cost must be more than 0'));
      else if (packSize === null)
        (problems ??= []).push(
          problemOf(header(cCaseCost), caseRaw, 'a case cost needs a valid case pack to give a cost per unit'),
        );
      else ({ value: cost, currency } = { value: r.value / packSize, currency: r.currency });
    } else {
      const c = cCost >= 0 ? cCost : cCaseCost;
      (problems ??= []).push(problemOf(c >= 0 ? header(c) : '(cost)', '', 'no cost'));
    }

    let price: number | null = null;
    const priceRaw = cell(row, cPrice);
    if (priceRaw !== null) {
      const r = parseMoney(priceRaw, decimal);
      if (r.ok && r.value > 0) {
        price = r.value;
        currency ??= r.currency;
      } else
        (warnings ??= []).push({
          column: header(cPrice),
          value: priceRaw,
          reason: r.ok ? 'a price must be more than 0' : r.reason,
        });
    }
    const currencyRaw = cell(row, cCurrency);
    if (currencyRaw !== null) {
      if (/^[A-Za-z]{3}$/.test(currencyRaw)) currency = currencyRaw.toUpperCase();
      else
        (warnings ??= []).push({
          column: header(cCurrency),
          value: currencyRaw,
          reason: 'not a three-letter currency code',
        });
    }
    let quantity: number | null = null;
    const qtyRaw = cell(row, cQty);
    if (qtyRaw !== null) {
      const q = Number(qtyRaw.replace(/[\s,']/g, ''));
      if (Number.isInteger(q) && q >= 0) quantity = q;
      else (warnings ??= []).push({ column: header(cQty), value: qtyRaw, reason: 'not a whole number' });
    }
    let asin = cell(row, cAsin)?.toUpperCase() ?? null;
    if (asin !== null && !ASIN.test(asin)) {
      (warnings ??= []).push({
        column: header(cAsin),
        value: asin,
        reason: 'not an ASIN (10 characters, usually starting B0)',
      });
      asin = null;
    }

    if (problems) return { kind: 'rejected', problems };

    const weightLb = measure(row, cWeight);
    const lengthIn = measure(row, cLength);
    const widthIn = measure(row, cWidth);
    const heightIn = measure(row, cHeight);

    let attributes: Record<string, string> = NO_ATTRIBUTES;
    let attributeCount = 0;
    for (const i of attrCols) {
      const v = cell(row, i);
      if (v !== null) {
        if (attributeCount++ === 0) attributes = {};
        attributes[headers[i]!] = v;
      }
    }
    // Fields beyond the header (ragged rows) are kept, not dropped.
    for (let i = headers.length; i < row.length; i++) {
      const v = cell(row, i);
      if (v !== null) {
        if (attributeCount++ === 0) attributes = {};
        attributes[`Column ${i + 1}`] = v;
      }
    }
    const category = cell(row, cCategory);
    const sku = cell(row, cSku);
    const mpn = cell(row, cMpn);
    const imageUrl = cell(row, cImage);
    const description = cell(row, cDesc);
    const product: CleanProduct = {
      gtin14,
      sku,
      mpn,
      asin,
      name,
      brand,
      category,
      cost: cost!,
      currency: currency ?? defaultCurrency,
      price,
      packSize,
      quantity,
      imageUrl,
      description,
      weightLb,
      lengthIn,
      widthIn,
      heightIn,
      attributes,
      nameBrandKey: key,
      qualityScore: qualityScore(
        name,
        brand,
        category,
        gtin14,
        imageUrl,
        price,
        sku ?? mpn,
        packSize,
        description,
        attributeCount,
      ),
    };
    return { kind: 'ok', product, warnings: warnings ?? NO_WARNINGS };
  };
}
