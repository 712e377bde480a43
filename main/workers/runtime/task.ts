import { z } from 'zod';
import type { JobKind, Result } from '../../queue/kinds.ts';
import type { ProgressUpdate } from '../../queue/types.ts';
import type { WorkerJob } from '../protocol.ts';

export interface TaskLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What a running task gets: its job, a signal that aborts on cancel/pause/shutdown, and ways to report. */
export interface TaskContext<K extends string = string> {
  job: WorkerJob & { kind: K };
  signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  /** Persists resume state (the queue keeps it across crashes, pauses and retries). */
  checkpoint(state: unknown): void;
  log: TaskLogger;
}

/** Runs one kind of Pallet job; resolves with that kind's result (null only once stopped: the signal aborted). */
export type Task<K extends JobKind> = (ctx: TaskContext<K>) => Promise<Result<K> | null>;

/** Tasks keyed by kind, each given the context of its own kind: Pallet's table, or a test's or bench's own kinds. */
export type TasksByKind<T> = { [K in keyof T]: (ctx: TaskContext<K & string>) => Promise<unknown> };

/** How a host or executor calls a task it found by the job's kind (a string from the database or the wire). */
export type DispatchTable = Readonly<Record<string, ((ctx: TaskContext) => Promise<unknown>) | undefined>>;

/** The one place a typed table is looked up by a runtime string: its entry for that kind, if it has one. */
export function dispatchTable<T extends TasksByKind<T>>(tasks: T): DispatchTable {
  return tasks as unknown as DispatchTable;
}

/** A task for every Pallet kind: a kind without its task is a compile error. */
export type TaskTable = { [K in JobKind]: Task<K> };

/** A failure the task classifies itself; anything else thrown is treated as retryable. */
export class TaskError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'TaskError';
  }
}

/** Thrown when the network is unreachable: the job waits for it without spending an attempt. */
export class NetworkUnavailableError extends Error {
  constructor(message = 'The network is unreachable.') {
    super(message);
    this.name = 'NetworkUnavailableError';
  }
}

/** Validates a job's payload against its schema; a bad one fails the job for good with what was wrong. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success)
    throw new TaskError('bad_payload', `The ${what} request is malformed: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
