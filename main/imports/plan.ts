import { basename } from 'node:path';
import Papa from 'papaparse';
import type { Db } from '../db/open.ts';
import type { Field } from './fields.ts';
import {
  applyOverrides,
  describeMapping,
  headerFingerprint,
  mappingWarnings,
  proposeMapping,
  uniqueHeaders,
  type ColumnMapping,
  type MappingOverrides,
} from './mapping.ts';
import type { DecimalSeparator } from './money.ts';
import { sniffDecimal, sniffFile, type Sniffed } from './sniff.ts';

/** What a seller chooses before an import starts. */
export interface ImportOptions {
  /** Header → field overrides on top of the saved or proposed mapping. */
  mapping?: MappingOverrides;
  decimal?: DecimalSeparator;
  /** Save the final mapping for files with the same headers (the same supplier). */
  rememberMapping?: boolean;
}

/** Everything decided about a file before its rows are read: the preview shows it, the import uses it. */
export interface ImportPlan {
  fileName: string;
  sniffed: Sniffed;
  headers: string[];
  sampleRows: string[][];
  mapping: ColumnMapping;
  /** The mapping as the preview shows it and the import's record keeps it: field → header name. */
  previewMapping: Partial<Record<Field, string>>;
  decimal: DecimalSeparator;
  fingerprint: string;
  /** True when a mapping saved for this supplier was applied. */
  savedMappingUsed: boolean;
  warnings: string[];
}

/** Saved per-supplier mappings, keyed by header fingerprint. */
export function createMappingStore(db: Db) {
  const get = db.prepare<[string], { mapping: string; decimal_sep: string | null }>(
    'SELECT mapping, decimal_sep FROM supplier_mappings WHERE fingerprint = ?',
  );
  const put = db.prepare(
    `INSERT INTO supplier_mappings (fingerprint, headers, mapping, decimal_sep, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(fingerprint) DO UPDATE SET headers = excluded.headers, mapping = excluded.mapping, decimal_sep = excluded.decimal_sep, updated_at = excluded.updated_at`,
  );
  return {
    /** The saved mapping (field → header) and decimal separator, if any. */
    get(fingerprint: string): { mapping: Partial<Record<Field, string>>; decimal: DecimalSeparator | null } | null {
      const row = get.get(fingerprint);
      return row ? { mapping: JSON.parse(row.mapping), decimal: row.decimal_sep as DecimalSeparator | null } : null;
    },
    save(fingerprint: string, headers: readonly string[], mapping: ColumnMapping, decimal: DecimalSeparator): void {
      put.run(
        fingerprint,
        JSON.stringify(headers),
        JSON.stringify(describeMapping(headers, mapping)),
        decimal,
        Date.now(),
      );
    },
  };
}

/** Sniffs a file and settles its mapping: proposed by synonyms, then the supplier's saved mapping, then the user's. */
export async function planImport(
  path: string,
  opts: ImportOptions,
  db: Db | null,
  previewRows = 20,
): Promise<ImportPlan> {
  const sniffed = await sniffFile(path);
  const parsed = Papa.parse<string[]>(sniffed.sample, {
    delimiter: sniffed.delimiter,
    preview: previewRows + 1,
    skipEmptyLines: 'greedy',
  });
  const [rawHeaders = [], ...sampleRows] = parsed.data;
  const headers = uniqueHeaders(rawHeaders);
  const fingerprint = headerFingerprint(headers);
  let mapping = proposeMapping(headers);
  const saved = db ? createMappingStore(db).get(fingerprint) : null;
  if (saved) {
    mapping = {};
    for (const [field, header] of Object.entries(saved.mapping)) {
      const col = headers.indexOf(header!);
      if (col >= 0) mapping[field as Field] = col;
    }
  }
  mapping = applyOverrides(headers, mapping, opts.mapping ?? {});
  const moneyCols = [mapping.cost, mapping.case_cost, mapping.price].filter((c): c is number => c !== undefined);
  const decimal = opts.decimal ?? saved?.decimal ?? sniffDecimal(sampleRows, moneyCols);
  return {
    fileName: basename(path),
    sniffed,
    headers,
    sampleRows,
    mapping,
    previewMapping: describeMapping(headers, mapping),
    decimal,
    fingerprint,
    savedMappingUsed: saved !== null,
    warnings: mappingWarnings(mapping),
  };
}
