// The lookup domain's job kinds: `lookup` (barcode → ASIN) and `catalog_import` (the local reference catalog).
import type { z } from 'zod';
import { defineJobKind, recurringKey, type EnqueueInput, type EnqueueOptions } from '../queue/kinds.ts';
import { catalogImportPayloadSchema, type CatalogImportResult } from './catalog-import.ts';
import { lookupPayloadSchema, type LookupJobResult, type LookupPayload } from './task.ts';

declare module '../queue/kinds.ts' {
  interface JobKinds {
    lookup: { payload: LookupPayload; result: LookupJobResult };
    catalog_import: { payload: z.input<typeof catalogImportPayloadSchema>; result: CatalogImportResult };
  }
}

/** The name of the recurring run that looks up every pending product (the sweep). */
export const LOOKUP_SWEEP = 'lookup-sweep';

/** A lookup of the pending products stands in for the sweep: while one is queued or running, another is not added. */
export function lookupDedupeKey(payload: LookupPayload): string | undefined {
  return (payload.scope ?? 'pending') === 'pending' ? recurringKey(LOOKUP_SWEEP) : undefined;
}

/** A lookup of every pending product, as a one-off run standing in for the sweep (so never two are queued). */
export function pendingLookupJob(options: EnqueueOptions = {}): EnqueueInput<'lookup'> {
  return {
    kind: 'lookup',
    payload: { provider: 'auto', scope: 'pending' },
    dedupeKey: recurringKey(LOOKUP_SWEEP),
    ...options,
  };
}

export const lookupKind = defineJobKind({
  kind: 'lookup',
  payload: lookupPayloadSchema,
  label: 'Lookups',
  // One provider account: its rate limit is per seller, so one run at a time spends it best.
  concurrency: 1,
});

export const catalogImportKind = defineJobKind({
  kind: 'catalog_import',
  payload: catalogImportPayloadSchema,
  label: 'Reference catalog',
});
