/** Every state a job can be in; docs/architecture.md §4 (Job lifecycle) gives the transitions. */
export const JOB_STATUSES = [
  'scheduled',
  'queued',
  'running',
  'retry_pending',
  'waiting_network',
  'paused',
  'completed',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const FINISHED_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/** Every state but the finished ones: a job some engine still owes work (in JOB_STATUSES order). */
export const ACTIVE_STATUSES: readonly JobStatus[] = JOB_STATUSES.filter((s) => !FINISHED_STATUSES.includes(s));

/**
 * `(status = 'a' OR status = 'b' …)`. The same text as the partial indexes' WHERE clauses (migration 007): SQLite uses
 * a partial index only when the query carries its condition verbatim, and OR chains are far cheaper than IN lists to
 * evaluate on every write. `column` names it through a table alias where a query joins.
 */
export function statusIsSql(values: readonly JobStatus[], column = 'status'): string {
  return `(${values.map((v) => `${column} = '${v}'`).join(' OR ')})`;
}

/** Persisted progress of a running job; rate and ETA are derived by the queue. */
export interface JobProgress {
  total: number | null;
  done: number;
  succeeded: number;
  failed: number;
  skipped: number;
  note: string | null;
  ratePerSec: number | null;
  etaMs: number | null;
  updatedAt: number;
}

/** What a task reports; the queue fills in the rest. */
export type ProgressUpdate = Partial<Pick<JobProgress, 'total' | 'done' | 'succeeded' | 'failed' | 'skipped' | 'note'>>;

export interface JobError {
  code: string;
  message: string;
  retryable: boolean;
}

export interface Job {
  id: number;
  kind: string;
  status: JobStatus;
  priority: number;
  payload: unknown;
  progress: JobProgress | null;
  checkpoint: unknown;
  result: unknown;
  error: JobError | null;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  cancelRequested: boolean;
  pauseRequested: boolean;
  parentId: number | null;
  dedupeKey: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}

export type { EnqueueInput, EnqueueOptions } from './kinds.ts';

/** Proof of ownership of a running job: every write by the runner must present it. */
export interface Lease {
  jobId: number;
  token: string;
}

export interface ClaimedJob {
  job: Job;
  lease: Lease;
}

export type StopReason = 'cancel' | 'pause' | 'yield';

/** Every change the queue makes, for the UI, tray, notifications and the scheduler. */
export type QueueEvent =
  | { type: 'enqueued'; jobIds: number[]; kinds: string[] }
  | { type: 'started'; job: Job }
  | { type: 'progress'; jobId: number; progress: JobProgress }
  | { type: 'checkpoint'; jobId: number }
  | { type: 'completed'; job: Job }
  | { type: 'failed'; job: Job }
  | { type: 'retry_scheduled'; job: Job }
  | { type: 'stop_requested'; jobId: number; reason: 'cancel' | 'pause' }
  | { type: 'cancelled'; job: Job }
  | { type: 'paused'; job: Job }
  | { type: 'resumed'; job: Job }
  | { type: 'waiting_network'; job: Job }
  | { type: 'requeued'; job: Job; reason: 'lease_expired' | 'owner_gone' | 'yield' | 'network' | 'retry' }
  | { type: 'queue_paused' }
  | { type: 'queue_resumed' }
  | { type: 'purged'; count: number };

export type QueueEventType = QueueEvent['type'];
