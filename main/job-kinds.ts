// Every job kind Pallet runs, in one registry: payload schema, label for people, concurrency. Each domain declares
// its kinds (types and spec) in its own kind.ts; this top-level file gathers them, and `satisfies` makes a kind
// declared in `JobKinds` but missing here (or the other way round) a compile error. How to add a kind:
// docs/architecture.md.
import { analysisKind, pricingKind } from './analysis/kind.ts';
import { decideKind } from './decisions/kind.ts';
import { imagesKind } from './images/kind.ts';
import { importKind, undoKind } from './imports/kind.ts';
import { catalogImportKind, lookupKind } from './lookups/kind.ts';
import type { JobKind, JobKindSpec, Result } from './queue/kinds.ts';
import { noopKind } from './workers/runtime/tasks/noop.ts';

export const JOB_KINDS = {
  noop: noopKind,
  import: importKind,
  import_undo: undoKind,
  lookup: lookupKind,
  catalog_import: catalogImportKind,
  analysis: analysisKind,
  pricing: pricingKind,
  decide: decideKind,
  images: imagesKind,
} satisfies { [K in JobKind]: JobKindSpec<K> };

/** Is this string one of Pallet's kinds (a row written by another version may hold one that is not)? */
export function isJobKind(kind: string): kind is JobKind {
  return Object.hasOwn(JOB_KINDS, kind);
}

/** The label people see for a kind; an unknown kind (another version's) shows as it is stored. */
export function kindLabel(kind: string): string {
  return isJobKind(kind) ? JOB_KINDS[kind].label : kind;
}

/** A job's result typed by its kind, when the job is of that kind and has one (our own task wrote it). */
export function resultOf<K extends JobKind>(job: { kind: string; result: unknown }, kind: K): Result<K> | null {
  return job.kind === kind ? ((job.result ?? null) as Result<K> | null) : null;
}

/** Per-kind concurrency the registry asks for (kinds that share a provider's rate limit). */
export function kindConcurrency(): Partial<Record<JobKind, number>> {
  const out: Partial<Record<JobKind, number>> = {};
  for (const spec of Object.values(JOB_KINDS) as JobKindSpec[]) if (spec.concurrency) out[spec.kind] = spec.concurrency;
  return out;
}
