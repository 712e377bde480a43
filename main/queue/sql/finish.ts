// How a run ends: completed (one or a batch), failed or retried, released (stopped, yielded) or parked for the network.
import type { Db } from '../../db/open.ts';
import { backoffDelay } from '../backoff.ts';
import { LeaseLostError } from '../errors.ts';
import type { CompleteItem } from '../interface.ts';
import { COMPLETE_RETURNING, jobFromCompletion, jobFromRow, type CompleteRow, type JobRow } from '../rows.ts';
import type { Job, JobError, JobStatus, Lease } from '../types.ts';
import { CLEAR_LEASE, json, type AnyEnqueueInput, type QueueContext } from './common.ts';
import type { EnqueueOps } from './enqueue.ts';

/** Builds complete, completeMany, fail, release and waitForNetwork; follow-up jobs are inserted through `enqueue`. */
export function finishOps(ctx: QueueContext, enqueue: EnqueueOps) {
  const { db, clock, backoff, emit, runStarts, shared } = ctx;
  const { insertOne, validateInput, announce } = enqueue;
  const stmt = {
    complete: db.prepare(
      `UPDATE jobs SET status = 'completed', result = ?, error = NULL, finished_at = ?, updated_at = ?, ${CLEAR_LEASE}
       WHERE id = ? AND lease_token = ? AND status = 'running' RETURNING *`,
    ),
    toRetry: db.prepare(
      `UPDATE jobs SET status = 'retry_pending', error = ?, run_at = ?, updated_at = ?, ${CLEAR_LEASE} WHERE id = ? RETURNING *`,
    ),
    completeBatch: db
      .prepare(
        `UPDATE jobs SET status = 'completed', result = j.value -> 2, error = NULL, finished_at = @now, updated_at = @now, ${CLEAR_LEASE}
       FROM json_each(@items) AS j
       WHERE jobs.id = j.value ->> 0 AND jobs.lease_token = j.value ->> 1 AND jobs.status = 'running'
       RETURNING ${COMPLETE_RETURNING}`,
      )
      .raw(true),
  };

  const completeTx = db.transaction(
    (
      lease: Lease,
      result: unknown,
      writes: ((db: Db) => void) | undefined,
      followUps: readonly AnyEnqueueInput[],
      now: number,
    ) => {
      writes?.(db);
      const row = stmt.complete.get(json(result), now, now, lease.jobId, lease.token) as JobRow | undefined;
      if (!row) throw new LeaseLostError(lease.jobId);
      const children = followUps.map((f) => insertOne({ ...f, parentId: lease.jobId }, now).id);
      return { job: jobFromRow(row), children };
    },
  );

  /** Finishes a job; `writes` and follow-up jobs commit in the same transaction or not at all. Throws LeaseLostError. */
  function complete(
    lease: Lease,
    result?: unknown,
    opts: { writes?: (db: Db) => void; followUps?: readonly AnyEnqueueInput[] } = {},
  ): Job {
    const followUps = opts.followUps ?? [];
    followUps.forEach(validateInput);
    const { job, children } = completeTx.immediate(lease, result, opts.writes, followUps, clock.now());
    runStarts.delete(`${lease.jobId}:${lease.token}`);
    emit({ type: 'completed', job });
    announce(children, new Set(followUps.map((f) => f.kind)));
    return job;
  }

  const completeManyTx = db.transaction((items: readonly CompleteItem[], now: number) => {
    // One statement for the whole batch: a statement per job cost more than the update itself.
    const rows = stmt.completeBatch.all({
      now,
      items: JSON.stringify(items.map((it) => [it.lease.jobId, it.lease.token, it.result ?? null])),
    }) as CompleteRow[];
    const changed = new Map(rows.map((r) => [r[0], r]));
    return items.map((it) => {
      const row = changed.get(it.lease.jobId);
      if (!row) return null;
      // The claim snapshot holds every column a run cannot change; the statement returned the ones it can.
      return it.job ? jobFromCompletion(it.job, row, it.result, now) : shared.mustGet(it.lease.jobId);
    });
  });

  /**
   * Completes many jobs in one transaction (the scheduler's batched path); a lost lease yields null for that item.
   * Passing the claimed `job` spares a read per job.
   */
  function completeMany(items: readonly CompleteItem[]): (Job | null)[] {
    if (items.length === 0) return [];
    const jobs = completeManyTx.immediate(items, clock.now());
    for (const job of jobs) if (job) emit({ type: 'completed', job });
    return jobs;
  }

  const failTx = db.transaction((lease: Lease, error: JobError, now: number) => {
    const row = shared.leasedRow(lease);
    if (error.retryable && row.attempts < row.max_attempts && !row.cancel_requested) {
      const delay = backoffDelay(row.attempts, backoff);
      return { retry: true, job: jobFromRow(stmt.toRetry.get(json(error), now + delay, now, row.id) as JobRow) };
    }
    if (row.cancel_requested)
      return { retry: false, job: jobFromRow(shared.release.get('cancelled', now, now, row.id) as JobRow) };
    return { retry: false, job: jobFromRow(shared.toFailed.get(json(error), now, now, row.id) as JobRow) };
  });

  /** Records a failure: retryable errors back off with jitter until max_attempts, others fail at once. Throws LeaseLostError. */
  function fail(lease: Lease, error: JobError): Job {
    const { retry, job } = failTx.immediate(lease, normalizeError(error), clock.now());
    runStarts.delete(`${lease.jobId}:${lease.token}`);
    if (job.status === 'cancelled') emit({ type: 'cancelled', job });
    else emit({ type: retry ? 'retry_scheduled' : 'failed', job });
    return job;
  }

  const releaseTx = db.transaction((lease: Lease, stateOverride: JobStatus | null, now: number) => {
    const row = shared.leasedRow(lease);
    const target: JobStatus =
      stateOverride ?? (row.cancel_requested ? 'cancelled' : row.pause_requested ? 'paused' : 'queued');
    return jobFromRow(shared.release.get(target, target === 'cancelled' ? now : null, now, row.id) as JobRow);
  });

  /**
   * Ends a run that stopped without finishing: to `cancelled` or `paused` if that was requested, else back to `queued`
   * (a yield for shutdown or a queue-wide pause). The checkpoint is kept and the attempt refunded.
   */
  function release(lease: Lease): Job {
    const job = releaseTx.immediate(lease, null, clock.now());
    runStarts.delete(`${lease.jobId}:${lease.token}`);
    if (job.status === 'cancelled') emit({ type: 'cancelled', job });
    else if (job.status === 'paused') emit({ type: 'paused', job });
    else emit({ type: 'requeued', job, reason: 'yield' });
    return job;
  }

  /** Parks a running job until the network returns; waiting never spends an attempt. */
  function waitForNetwork(lease: Lease): Job {
    const job = releaseTx.immediate(lease, 'waiting_network', clock.now());
    runStarts.delete(`${lease.jobId}:${lease.token}`);
    emit({ type: 'waiting_network', job });
    return job;
  }

  return { complete, completeMany, fail, release, waitForNetwork };
}

function normalizeError(error: JobError): JobError {
  return {
    code: String(error.code || 'error').slice(0, 100),
    message: String(error.message || 'Unknown error').slice(0, 4000),
    retryable: Boolean(error.retryable),
  };
}
