import { z } from 'zod';
import type { ProgressUpdate } from '../../queue/types.ts';
import type { WorkerJob } from '../protocol.ts';

export interface TaskLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What a running task gets: its job, a signal that aborts on cancel/pause/shutdown, and ways to report. */
export interface TaskContext {
  job: WorkerJob;
  signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  /** Persists resume state (the queue keeps it across crashes, pauses and retries). */
  checkpoint(state: unknown): void;
  log: TaskLogger;
}

export type Task = (ctx: TaskContext) => Promise<unknown>;

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
