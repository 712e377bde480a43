// What a user asks of an import (file, column overrides, decimal separator), checked by one schema wherever it arrives:
// the IPC contract (preload/contract/schemas.ts) and the import job's payload (./task.ts). Zod and the field list
// only, so the contract can import it without pulling in the import machinery.
import { z } from 'zod';
import { FIELDS } from './fields.ts';

/** The fields of an import request; the IPC refuses unknown keys, the job payload adds its own options. */
export const importRequestShape = {
  path: z.string().min(1).max(4096),
  /** Header → field, or 'ignore'; headers are never empty (`uniqueHeaders` names empty ones). */
  mapping: z
    .record(z.string().min(1).max(500), z.enum([...FIELDS, 'ignore']))
    .refine((m) => Object.keys(m).length <= 500, 'at most 500 columns')
    .optional(),
  decimal: z.enum(['.', ',']).optional(),
  rememberMapping: z.boolean().optional(),
  /** The file's line holding the column names, when the one Pallet finds is wrong (1 = the first line). */
  headerRow: z
    .number()
    .int('The header row is a whole line number.')
    .min(1, 'The header row is a line number from 1.')
    .max(1000, 'The header row must be within the first 1000 lines.')
    .optional(),
  /** The supplier whose list this is: 1–100 characters, not only spaces. */
  supplier: z
    .string()
    .max(100, 'A supplier name has at most 100 characters.')
    .refine((s) => s.trim().length > 0, 'A supplier name cannot be empty.')
    .optional(),
  /** For an .xlsx workbook: the sheet to import, by name (default: the first that holds a table). */
  sheet: z
    .string()
    .max(255, 'A sheet name has at most 255 characters.')
    .refine((s) => s.trim().length > 0, 'A sheet name cannot be empty.')
    .optional(),
};

/** An import as the window asks for it: no unknown keys. */
export const importRequestSchema = z.object(importRequestShape).strict();
