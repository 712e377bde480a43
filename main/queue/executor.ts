import type { Job, Lease, ProgressUpdate } from './types.ts';

/** How one run of a job ended, as seen by whoever ran it. */
export type RunOutcome =
  | { type: 'done'; result: unknown }
  | { type: 'error'; code: string; message: string; retryable: boolean }
  | { type: 'stopped' }
  | { type: 'waiting_network'; message: string }
  | { type: 'crashed'; message: string };

export interface RunHandlers {
  onProgress(update: ProgressUpdate): void;
  onCheckpoint(state: unknown): void;
}

/** Runs claimed jobs somewhere: in worker processes (the pool) or in this process (benchmarks, light kinds). */
export interface JobExecutor {
  kinds(): string[];
  freeSlots(kind: string): number;
  run(job: Job, lease: Lease, handlers: RunHandlers): Promise<RunOutcome>;
  /** Asks the task to stop; its run then resolves `stopped` (or finishes anyway). */
  stop(jobId: number, reason: 'cancel' | 'pause' | 'yield'): void;
  /** False once the process running the job stopped heartbeating: its lease must not be renewed. */
  isAlive(jobId: number): boolean;
  shutdown(): Promise<void>;
}
