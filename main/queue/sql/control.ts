// What people (the UI, the CLI) do to jobs: cancel, pause, resume, retry, run now; and the queue-wide pause.
import { JobStateError } from '../errors.ts';
import type { StopRequest } from '../interface.ts';
import { jobFromRow, type JobRow } from '../rows.ts';
import type { Job, QueueEvent } from '../types.ts';
import { DUE, type QueueContext } from './common.ts';

/** Builds the per-job controls, the queue-wide pause and the stop requests runners poll. */
export function controlOps(ctx: QueueContext) {
  const { db, clock, owner, emit, shared } = ctx;
  const { mustGet } = shared;
  const stmt = {
    isPaused: db.prepare(`SELECT value FROM queue_state WHERE key = 'paused'`).pluck(),
    setState: db.prepare(
      'INSERT INTO queue_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    requestStop: db.prepare(
      `UPDATE jobs SET cancel_requested = ?, pause_requested = ?, updated_at = ? WHERE id = ? RETURNING *`,
    ),
    retry: db.prepare(
      `UPDATE jobs SET status = 'queued', attempts = 0, error = NULL, result = NULL, finished_at = NULL, run_at = ?,
              cancel_requested = 0, pause_requested = 0, updated_at = ? WHERE id = ? RETURNING *`,
    ),
    runNow: db.prepare(
      `UPDATE jobs SET status = 'queued', run_at = ?, updated_at = ? WHERE id = ? AND ${DUE} RETURNING *`,
    ),
    stopRequests: db.prepare(
      `SELECT id, cancel_requested, pause_requested FROM jobs
       WHERE status = 'running' AND lease_owner = ? AND (cancel_requested = 1 OR pause_requested = 1)`,
    ),
    waitingNetwork: db
      .prepare(`SELECT id FROM jobs WHERE status = 'waiting_network' AND (? IS NULL OR kind = ?)`)
      .pluck(),
  };

  const resumeNetworkTx = db.transaction((kind: string | null, now: number) => {
    const ids = stmt.waitingNetwork.all(kind, kind) as number[];
    return ids.map((id) => jobFromRow(shared.setStatus.get('queued', null, now, id) as JobRow));
  });

  /** Moves every job waiting for the network (of one kind, or all) back to `queued`. */
  function resumeWaitingNetwork(kind?: string): number {
    const jobs = resumeNetworkTx.immediate(kind ?? null, clock.now());
    for (const job of jobs) emit({ type: 'requeued', job, reason: 'network' });
    return jobs.length;
  }

  const cancelTx = db.transaction((id: number, now: number): QueueEvent => {
    const job = mustGet(id);
    switch (job.status) {
      case 'running':
        stmt.requestStop.run(1, job.pauseRequested ? 1 : 0, now, id);
        return { type: 'stop_requested', jobId: id, reason: 'cancel' };
      case 'completed':
      case 'failed':
      case 'cancelled':
        throw new JobStateError(id, job.status, 'cancel');
      default:
        return { type: 'cancelled', job: jobFromRow(shared.setStatus.get('cancelled', now, now, id) as JobRow) };
    }
  });

  /**
   * Asks the runner of job `id`, if it is running, to stop before the request is saved: saving waits for the write
   * lock, which a worker committing back to back (an import) holds most of the time — SQLite's busy handler then
   * slept through its short gaps for up to a second. Stopped first, the worker lets go within one transaction. The
   * runner's report that it stopped is read on this thread, so only after the request is saved. Returns whether it
   * asked.
   */
  function stopFirst(id: number, reason: 'cancel' | 'pause'): boolean {
    const job = mustGet(id);
    // A pause already asked for is not asked again (pauseTx saves nothing then).
    if (job.status !== 'running' || (reason === 'pause' && job.pauseRequested)) return false;
    emit({ type: 'stop_requested', jobId: id, reason });
    return true;
  }

  /** Cancels a job: at once if it is not running, else asks its runner to stop (it ends `cancelled`, checkpoint kept). */
  function cancel(id: number): Job {
    const asked = stopFirst(id, 'cancel');
    const event = cancelTx.immediate(id, clock.now());
    if (!(asked && event.type === 'stop_requested')) emit(event);
    return mustGet(id);
  }

  const pauseTx = db.transaction((id: number, now: number): QueueEvent | null => {
    const job = mustGet(id);
    switch (job.status) {
      case 'running':
        if (job.pauseRequested) return null;
        stmt.requestStop.run(job.cancelRequested ? 1 : 0, 1, now, id);
        return { type: 'stop_requested', jobId: id, reason: 'pause' };
      case 'paused':
        return null;
      case 'queued':
      case 'scheduled':
      case 'retry_pending':
      case 'waiting_network':
        return { type: 'paused', job: jobFromRow(shared.setStatus.get('paused', null, now, id) as JobRow) };
      default:
        throw new JobStateError(id, job.status, 'pause');
    }
  });

  /** Pauses one job: at once if waiting, else its runner checkpoints and stops. Idempotent. */
  function pause(id: number): Job {
    const asked = stopFirst(id, 'pause');
    const event = pauseTx.immediate(id, clock.now());
    if (event && !(asked && event.type === 'stop_requested')) emit(event);
    return mustGet(id);
  }

  const resumeTx = db.transaction((id: number, now: number): Job | null => {
    const job = mustGet(id);
    if (job.status === 'running' && job.pauseRequested) {
      stmt.requestStop.run(job.cancelRequested ? 1 : 0, 0, now, id);
      return null;
    }
    if (job.status !== 'paused') throw new JobStateError(id, job.status, 'resume');
    return jobFromRow(shared.setStatus.get('queued', null, now, id) as JobRow);
  });

  /** Resumes a paused job (or withdraws a pause not yet honoured). */
  function resume(id: number): Job {
    const job = resumeTx.immediate(id, clock.now());
    if (job) emit({ type: 'resumed', job });
    return mustGet(id);
  }

  const retryTx = db.transaction((id: number, now: number) => {
    const job = mustGet(id);
    if (job.status !== 'failed' && job.status !== 'cancelled') throw new JobStateError(id, job.status, 'retry');
    return jobFromRow(stmt.retry.get(now, now, id) as JobRow);
  });

  /** Puts a failed or cancelled job back in the queue with fresh attempts; it resumes from its checkpoint. */
  function retry(id: number): Job {
    const job = retryTx.immediate(id, clock.now());
    emit({ type: 'requeued', job, reason: 'retry' });
    return job;
  }

  /** Makes a delayed job (scheduled, or waiting for its retry) due now; any other job is returned as it is. */
  function runNow(id: number): Job {
    const row = stmt.runNow.get(clock.now(), clock.now(), id) as JobRow | undefined;
    if (!row) return mustGet(id);
    const job = jobFromRow(row);
    emit({ type: 'requeued', job, reason: 'retry' });
    return job;
  }

  /** Stops all claiming, in every process sharing the file; runners are told to yield their running jobs. */
  function pauseAll(): void {
    stmt.setState.run('paused', '1');
    emit({ type: 'queue_paused' });
  }

  /** Lets claiming start again. */
  function resumeAll(): void {
    stmt.setState.run('paused', '0');
    emit({ type: 'queue_resumed' });
  }

  /** True while claiming is stopped queue-wide. */
  function isPaused(): boolean {
    return stmt.isPaused.get() === '1';
  }

  /** Stop requests (cancel/pause) for jobs this process is running, including ones made by another process. */
  function stopRequests(): StopRequest[] {
    return (stmt.stopRequests.all(owner) as { id: number; cancel_requested: number }[]).map((r) => ({
      jobId: r.id,
      reason: r.cancel_requested ? 'cancel' : 'pause',
    }));
  }

  return {
    resumeWaitingNetwork,
    cancel,
    pause,
    resume,
    retry,
    runNow,
    pauseAll,
    resumeAll,
    isPaused,
    stopRequests,
  };
}
