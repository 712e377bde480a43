// What planning an import decides and takes, as types only: shared by the CSV planner (plan.ts) and the workbook
// planner (xlsx/plan.ts) without either importing the other's code.
import type { SupplierSource } from '../suppliers/store.ts';
import type { Field } from './fields.ts';
import type { ColumnMapping, MappingOverrides } from './mapping.ts';
import type { DecimalSeparator } from './money.ts';
import type { Sniffed } from './sniff.ts';

/** What a seller chooses before an import starts. */
export interface ImportOptions {
  /** Header → field overrides on top of the saved or proposed mapping. */
  mapping?: MappingOverrides;
  decimal?: DecimalSeparator;
  /** Save the final mapping for files with the same headers (the same supplier). */
  rememberMapping?: boolean;
  /** The file's line (1-based record number) that holds the column names, when the found one is wrong. */
  headerRow?: number;
  /** The supplier whose list this is (default: the one remembered with the mapping, else the file name's). */
  supplier?: string;
  /** For an .xlsx workbook: the sheet to import, by name (default: the first that holds a table). */
  sheet?: string;
}

/** Everything decided about a file before its rows are read: the preview shows it, the import uses it. */
export interface ImportPlan {
  fileName: string;
  sniffed: Sniffed;
  headers: string[];
  /** The file's line (1-based record number, as a spreadsheet numbers rows) holding the column names. */
  headerRow: number;
  /** Why that line, in plain words (the preview shows it). */
  headerReason: string;
  sampleRows: string[][];
  mapping: ColumnMapping;
  /** The mapping as the preview shows it and the import's record keeps it: field → header name. */
  previewMapping: Partial<Record<Field, string>>;
  decimal: DecimalSeparator;
  fingerprint: string;
  /** True when a mapping saved for this supplier was applied. */
  savedMappingUsed: boolean;
  warnings: string[];
  /** The supplier the import will belong to, and why; null when neither asked, remembered nor in the file name. */
  supplier: string | null;
  supplierSource: SupplierSource | null;
  /** Set for an .xlsx workbook: its sheets and the one imported. */
  xlsx?: { sheets: string[]; sheet: string };
}
