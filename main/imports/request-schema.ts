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
};

/** An import as the window asks for it: no unknown keys. */
export const importRequestSchema = z.object(importRequestShape).strict();
