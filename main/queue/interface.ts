// What a queue offers, declared apart from how it does it (main/queue/sql/*): a read side and a write side, as
// Signal's ServerReadableInterface/ServerWritableInterface. Methods use method syntax on purpose: their parameters
// are then compared bivariantly, so a queue of a test's kinds (`Queue<AnyKinds>`) passes where Pallet's is expected
// and a Pallet queue passes to what runs any kind (the scheduler, recurring jobs).
import type { EventEmitter } from 'node:events';
import type { Db } from '../db/open.ts';
import type { EnqueueInputOf, JobKinds, KindMap, KindOf } from './kinds.ts';
import type { ClaimedJob, Job, JobError, JobStatus, Lease, ProgressUpdate, QueueEvent } from './types.ts';

export interface Clock {
  now(): number;
}

export interface ListOptions<K extends string = string> {
  status?: JobStatus;
  kind?: K;
  limit?: number;
  beforeId?: number;
}

export interface JobErrorEntry {
  rowNumber?: number | null;
  code: string;
  message: string;
  raw?: string | null;
}

/** A user-facing error as recorded for a job (the job_errors row). */
export interface JobErrorRecord {
  row_number: number | null;
  code: string;
  message: string;
  raw: string | null;
  created_at: number;
}

/** One finished run for completeMany; `job` is the snapshot its claim returned. */
export interface CompleteItem {
  lease: Lease;
  result?: unknown;
  job?: Job;
}

/** A stop request the runner must deliver to the task running the job. */
export interface StopRequest {
  jobId: number;
  reason: 'cancel' | 'pause';
}

export interface ClaimOptions {
  limit?: number;
  leaseMs?: number;
}

/** `waitMs`: how long to wait for another process's write lock before giving up with 'busy' (default: as long as the busy timeout). */
export interface WaitOptions {
  waitMs?: number;
}

/** `I`: the follow-up jobs' input type, `EnqueueInputOf<M>` (not `M` itself, so queues of two kind maps compare). */
export interface CompleteOptions<I = EnqueueInputOf<JobKinds>> {
  /** Writes that commit with the completion or not at all. */
  writes?: (db: Db) => void;
  /** Jobs enqueued (as children of this one) in the same transaction. */
  followUps?: readonly I[];
}

/** How many jobs of one kind are in a status; `kind` is a string, as rows may hold kinds of other versions. */
export interface KindCount {
  kind: string;
  n: number;
}

export type QueueEvents = EventEmitter<{ event: [QueueEvent] }>;

/**
 * Type-level only: `kindMap` is never set. A mapped type over `M` makes TypeScript compare two queues member by member
 * rather than by their kind maps (which neither way assign), so method-parameter bivariance applies: a
 * `Queue<AnyKinds>` passes as a `Queue`, and a `Queue` as a `Queue<AnyKinds>`.
 */
interface KindTyped<M extends KindMap> {
  readonly kindMap?: { readonly [K in keyof M]?: true };
}

/** Everything that reads the queue without changing it. */
export interface QueueReader<M extends KindMap = JobKinds> extends KindTyped<M> {
  /** The job with this id; throws JobNotFoundError. */
  get(id: number): Job;
  /** The job with this id, or null. */
  find(id: number): Job | null;
  /** Lists jobs, newest first. */
  list(opts?: ListOptions<KindOf<M>>): Job[];
  /** Job counts per status. */
  counts(): Record<JobStatus, number>;
  /** Queued jobs counted per kind. */
  queuedByKind(): KindCount[];
  /** Unfinished jobs of one kind, newest first. */
  activeOfKind(kind: KindOf<M>): Job[];
  /** Completed jobs of one kind with ids strictly between `afterId` and `beforeId`, newest first. */
  completedOfKindBetween(kind: KindOf<M>, afterId: number, beforeId: number): Job[];
  /** When the earliest delayed job becomes due, or null; lets the scheduler sleep until then. */
  nextDueAt(): number | null;
  /** True while claiming is stopped queue-wide (pauseAll). */
  isPaused(): boolean;
  /** Stop requests (cancel/pause) for jobs this process is running, including ones made by another process. */
  stopRequests(): StopRequest[];
  /** The latest errors recorded for a job, newest first. */
  recentErrors(jobId: number, limit?: number): JobErrorRecord[];
  /** How many errors are recorded for a job. */
  errorCount(jobId: number): number;
}

/** Everything that changes the queue. */
export interface QueueWriter<M extends KindMap = JobKinds> extends KindTyped<M> {
  /** Adds one job (or returns the unfinished job holding the same dedupe key). */
  enqueue<K extends KindOf<M>>(input: EnqueueInputOf<M, K>): Job & { deduped: boolean };
  /** Adds many jobs in one transaction; returns their ids in input order. */
  enqueueMany(inputs: readonly EnqueueInputOf<M>[]): number[];
  /** Atomically leases up to `limit` ready jobs of one kind, highest priority first. */
  claim(kind: KindOf<M>, opts?: ClaimOptions): ClaimedJob[];
  /** Extends the leases of jobs still held; returns how many were renewed, or 'busy'. */
  renew(leases: readonly Lease[], ms?: number, opts?: WaitOptions): number | 'busy';
  /** Persists progress; false if the lease is gone, 'busy' if nothing could be saved in time. */
  progress(lease: Lease, update: ProgressUpdate, opts?: WaitOptions): boolean | 'busy';
  /** Saves resume state, optionally in the same transaction as the rows it covers. Throws LeaseLostError. */
  checkpoint(lease: Lease, state: unknown, writes?: (db: Db) => void): void;
  /** Runs `writes` and saves the resume state it returns in one transaction. Throws LeaseLostError. */
  checkpointAfter<T>(lease: Lease, writes: (db: Db) => T): T;
  /** Finishes a job with its writes and follow-up jobs, all or nothing. Throws LeaseLostError. */
  complete(lease: Lease, result?: unknown, opts?: CompleteOptions<EnqueueInputOf<M>>): Job;
  /** Completes many jobs in one transaction; a lost lease yields null for that item. */
  completeMany(items: readonly CompleteItem[]): (Job | null)[];
  /** Records a failure: retried with backoff while retryable and attempts remain, else failed. Throws LeaseLostError. */
  fail(lease: Lease, error: JobError): Job;
  /** Ends a run that stopped without finishing (cancelled, paused or back to queued); the attempt is refunded. */
  release(lease: Lease): Job;
  /** Parks a running job until the network returns; waiting never spends an attempt. */
  waitForNetwork(lease: Lease): Job;
  /** Moves every job waiting for the network (of one kind, or all) back to `queued`; returns how many. */
  resumeWaitingNetwork(kind?: string): number;
  /** Cancels a job at once, or asks its runner to stop if it is running. */
  cancel(id: number): Job;
  /** Pauses one job at once, or asks its runner to checkpoint and stop. Idempotent. */
  pause(id: number): Job;
  /** Resumes a paused job (or withdraws a pause not yet honoured). */
  resume(id: number): Job;
  /** Puts a failed or cancelled job back in the queue with fresh attempts. */
  retry(id: number): Job;
  /** Makes a delayed job due now; any other job is returned as it is. */
  runNow(id: number): Job;
  /** Stops all claiming, in every process sharing the file. */
  pauseAll(): void;
  /** Lets claiming start again. */
  resumeAll(): void;
  /** Returns running jobs whose lease ran out, or whose owner process is gone, to the queue; returns how many. */
  recoverExpired(isAlive?: (owner: string) => boolean): number;
  /** At start-up: requeues the jobs of owners that are gone, then the expired ones; returns how many. */
  recoverAtBoot(isAlive?: (owner: string) => boolean): number;
  /** Deletes finished jobs older than `olderThanMs`, in short batches; returns how many went. */
  purgeFinished(olderThanMs?: number, batch?: number): number;
  /** Records user-facing errors (row errors, lookup failures) for a job. */
  addErrors(jobId: number, entries: readonly JobErrorEntry[]): void;
  /** Deletes a job's errors recorded past a row (a resumed import finds them again); returns how many went. */
  trimErrorsAfterRow(jobId: number, rowNumber: number): number;
}

/** The durable, multi-process job queue over one SQLite file, for the kinds of `M` (Pallet's by default). */
export interface Queue<M extends KindMap = JobKinds> extends QueueReader<M>, QueueWriter<M> {
  readonly db: Db;
  /** This process's id in lease_owner. */
  readonly owner: string;
  readonly events: QueueEvents;
}
