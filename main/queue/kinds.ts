// The job kinds' types, as the queue sees them. The queue owns no kind: each domain adds its own here by declaration
// merging (as graphile-worker's `GraphileWorker.Tasks`), in its `kind.ts`:
//
//   declare module '../queue/kinds.ts' {
//     interface JobKinds { import: { payload: ImportPayload; result: ImportResult } }
//   }
//
// so `enqueue` checks every payload and `JobView` carries every result type without the queue importing upward.
// The runtime side (schema, label, dedupe key, concurrency) is a `JobKindSpec` in the same file, gathered into one
// registry by main/job-kinds.ts; the worker's task table is typed `{ [K in JobKind]: Task<K> }`, so a kind without
// its task does not compile.
import type { z } from 'zod';

/** What a kind declares: the payload it is enqueued with and the result it ends with. */
export interface KindShape {
  payload: unknown;
  result: unknown;
}

/** Every job kind Pallet runs, filled in by the domains (see the top of this file). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobKinds {}

/**
 * A map of kinds: Pallet's (`JobKinds`), or a test's or bench's own (`AnyKinds`). Plain `object`, because an
 * interface (JobKinds) has no index signature to satisfy `{ [kind: string]: KindShape }`; each entry's shape is read
 * by `PayloadOf`/`ResultOf`.
 */
export type KindMap = object;

/** Kinds of the queue's own tests and benches, which run kinds Pallet does not have ('work', 'sleep'…). */
export type AnyKinds = Record<string, KindShape>;

export type KindOf<M> = keyof M & string;
export type JobKind = KindOf<JobKinds>;
export type PayloadOf<M, K extends KindOf<M>> = M[K] extends { payload: infer P } ? P : never;
export type ResultOf<M, K extends KindOf<M>> = M[K] extends { result: infer R } ? R : never;
/** The payload a Pallet kind is enqueued with. */
export type Payload<K extends JobKind> = PayloadOf<JobKinds, K>;
/** The result a Pallet kind ends with. */
export type Result<K extends JobKind> = ResultOf<JobKinds, K>;

/** How a job is enqueued, whatever its kind. */
export interface EnqueueOptions {
  /** Higher runs first. */
  priority?: number;
  /** Absolute time (ms since epoch) before which the job must not start. */
  runAt?: number;
  delayMs?: number;
  maxAttempts?: number;
  /** While a job with this key is not finished, enqueueing the same key returns that job instead. */
  dedupeKey?: string;
  parentId?: number;
}

type PayloadField<P> = undefined extends P ? { payload?: P } : { payload: P };

/** One job to enqueue: its kind and that kind's payload (a union over kinds, so each is checked on its own). */
export type EnqueueInputOf<M, K extends KindOf<M> = KindOf<M>> = {
  [P in K]: EnqueueOptions & { kind: P } & PayloadField<PayloadOf<M, P>>;
}[K];

/** One Pallet job to enqueue. */
export type EnqueueInput<K extends JobKind = JobKind> = EnqueueInputOf<JobKinds, K>;

/** The runtime side of a kind: what main/job-kinds.ts holds for each. */
export interface JobKindSpec<K extends JobKind = JobKind> {
  kind: K;
  /** Checks the payload where it is run (a bad one fails the job for good with what was wrong). */
  payload: z.ZodType<unknown, Payload<K>>;
  /** For people: the jobs list, notifications, the CLI. */
  label: string;
  /** Jobs of this kind one engine runs at once, when it must be fewer than the workers' slots (a provider's limit). */
  concurrency?: number;
}

/** Declares a kind's runtime side; `K` is inferred from `kind`. */
export function defineJobKind<K extends JobKind>(spec: JobKindSpec<K>): JobKindSpec<K> {
  return spec;
}

/** The dedupe key of a recurring job (also used by one-off runs that stand in for it, so they never queue twice). */
export function recurringKey(name: string): string {
  return `recurring:${name}`;
}
