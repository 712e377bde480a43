import type { Db } from '../db/open.ts';
import type { Field } from './fields.ts';
import { describeMapping, type ColumnMapping } from './mapping.ts';
import type { DecimalSeparator } from './money.ts';

/** Saved per-supplier mappings, keyed by header fingerprint. */
export function createMappingStore(db: Db) {
  const get = db.prepare<[string], { mapping: string; decimal_sep: string | null; header_row: number | null }>(
    'SELECT mapping, decimal_sep, header_row FROM supplier_mappings WHERE fingerprint = ?',
  );
  const headerRows = db
    .prepare<[], number>('SELECT DISTINCT header_row FROM supplier_mappings WHERE header_row IS NOT NULL')
    .pluck();
  const put = db.prepare(
    `INSERT INTO supplier_mappings (fingerprint, headers, mapping, decimal_sep, header_row, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(fingerprint) DO UPDATE SET headers = excluded.headers, mapping = excluded.mapping, decimal_sep = excluded.decimal_sep, header_row = excluded.header_row, updated_at = excluded.updated_at`,
  );
  return {
    /** The saved mapping (field → header), decimal separator and header line (null: the first), if any. */
    get(
      fingerprint: string,
    ): { mapping: Partial<Record<Field, string>>; decimal: DecimalSeparator | null; headerRow: number | null } | null {
      const row = get.get(fingerprint);
      return row
        ? {
            mapping: JSON.parse(row.mapping),
            decimal: row.decimal_sep as DecimalSeparator | null,
            headerRow: row.header_row,
          }
        : null;
    },
    /** Header lines some supplier's saved mapping names (a handful: one per layout with a title above its table). */
    headerRows: (): number[] => headerRows.all(),
    /** Saves a supplier's mapping; `headerRow` is the file line of its column names (1 when nothing is above them). */
    save(
      fingerprint: string,
      headers: readonly string[],
      mapping: ColumnMapping,
      decimal: DecimalSeparator,
      headerRow = 1,
    ): void {
      put.run(
        fingerprint,
        JSON.stringify(headers),
        JSON.stringify(describeMapping(headers, mapping)),
        decimal,
        headerRow === 1 ? null : headerRow,
        Date.now(),
      );
    },
  };
}
