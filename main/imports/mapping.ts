import { createHash } from 'node:crypto';
import { foldText } from '../catalog/keys.ts';
import { BARCODE_TOKENS, FIELDS, SYNONYMS, type Field } from './fields.ts';

/** Which column (by index in the header) fills each field. */
export type ColumnMapping = Partial<Record<Field, number>>;

/** How a user states a mapping: header name → field, or 'ignore' to keep a column out of the product. */
export type MappingOverrides = Record<string, Field | 'ignore'>;

/** Makes headers usable as names: empty ones become `Column N`, repeats get ` (2)`, ` (3)`… */
export function uniqueHeaders(raw: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((h, i) => {
    const base = h.trim() === '' ? `Column ${i + 1}` : h.trim();
    const n = (seen.get(base.toLowerCase()) ?? 0) + 1;
    seen.set(base.toLowerCase(), n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

/** Identifies a supplier's file layout: the same headers in the same order give the same fingerprint. */
export function headerFingerprint(headers: readonly string[]): string {
  return createHash('sha256').update(headers.map(foldText).join('\u0001')).digest('hex').slice(0, 16);
}

function rankOf(field: Field, folded: string): number | null {
  const exact = SYNONYMS[field].indexOf(folded);
  if (exact >= 0) return exact;
  // A barcode word inside a longer header (`UGC_ean`) still points at the barcode, after every exact synonym.
  if (field === 'gtin' && folded.split(' ').some((t) => BARCODE_TOKENS.has(t))) return 100;
  return null;
}

/** Proposes a mapping from headers by synonyms: best-ranked pairs first, each field and column used once. */
export function proposeMapping(headers: readonly string[]): ColumnMapping {
  const folded = headers.map((h) => foldText(h.replace(/\(.*?\)|[*#?]/g, ' ')));
  const pairs: { field: Field; col: number; rank: number }[] = [];
  folded.forEach((f, col) => {
    for (const field of FIELDS) {
      const rank = rankOf(field, f);
      if (rank !== null) pairs.push({ field, col, rank });
    }
  });
  pairs.sort((a, b) => a.rank - b.rank || FIELDS.indexOf(a.field) - FIELDS.indexOf(b.field) || a.col - b.col);
  const mapping: ColumnMapping = {};
  const usedCols = new Set<number>();
  for (const p of pairs) {
    if (usedCols.has(p.col)) continue;
    // A second barcode column becomes the fallback barcode rather than an attribute.
    const field = p.field === 'gtin' && mapping.gtin !== undefined ? 'gtin_alt' : p.field;
    if (mapping[field] !== undefined) continue;
    mapping[field] = p.col;
    usedCols.add(p.col);
  }
  // Price lists often name the product only in a "Description" column: then it is the name.
  if (mapping.name === undefined && mapping.description !== undefined) {
    mapping.name = mapping.description;
    delete mapping.description;
  }
  return mapping;
}

/** A mapping the user asked for that cannot apply to this file. */
export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingError';
  }
}

/** Applies user overrides (header → field | 'ignore') on top of a base mapping; unknown headers or fields are errors. */
export function applyOverrides(
  headers: readonly string[],
  base: ColumnMapping,
  overrides: MappingOverrides,
): ColumnMapping {
  const mapping: ColumnMapping = { ...base };
  const lower = headers.map((h) => h.toLowerCase());
  for (const [header, field] of Object.entries(overrides)) {
    const col = lower.indexOf(header.trim().toLowerCase());
    if (col < 0) throw new MappingError(`The file has no column "${header}". Its columns are: ${headers.join(', ')}.`);
    if (field !== 'ignore' && !(FIELDS as readonly string[]).includes(field)) {
      throw new MappingError(`"${field}" is not a product field. Fields: ${FIELDS.join(', ')}, or ignore.`);
    }
    for (const f of FIELDS) if (mapping[f] === col) delete mapping[f];
    if (field !== 'ignore') mapping[field] = col;
  }
  return mapping;
}

/** The mapping as the user sees it: field → header name. */
export function describeMapping(headers: readonly string[], mapping: ColumnMapping): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const f of FIELDS) if (mapping[f] !== undefined) out[f] = headers[mapping[f]!]!;
  return out;
}

/** Problems a user should fix before starting: a missing cost or identity column. */
export function mappingWarnings(mapping: ColumnMapping): string[] {
  const warnings: string[] = [];
  if (mapping.cost === undefined && mapping.case_cost === undefined) {
    warnings.push('No cost column was recognised: every row would be rejected. Map the column that holds your cost.');
  }
  if (mapping.case_cost !== undefined && mapping.pack_size === undefined && mapping.cost === undefined) {
    warnings.push('A case cost needs the case pack column to give a per-unit cost.');
  }
  if (mapping.gtin === undefined && (mapping.name === undefined || mapping.brand === undefined)) {
    warnings.push(
      'Neither a barcode column nor both name and brand columns were recognised: rows cannot be identified.',
    );
  }
  return warnings;
}
