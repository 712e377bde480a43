import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { writeWaitingAtMost } from '../db/busy.ts';
import type { Db } from '../db/open.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { JobNotFoundError, JobStateError, LeaseLostError } from './errors.ts';
import {
  CLAIM_RETURNING,
  COMPLETE_RETURNING,
  jobFromClaim,
  jobFromCompletion,
  jobFromRow,
  type ClaimRow,
  type CompleteRow,
  type JobRow,
} from './rows.ts';
import {
  ACTIVE_STATUSES,
  FINISHED_STATUSES,
  statusIsSql,
  type ClaimedJob,
  type EnqueueInput,
  type Job,
  type JobError,
  type JobProgress,
  type JobStatus,
  type Lease,
  type ProgressUpdate,
  type QueueEvent,
} from './types.ts';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface QueueOptions {
  db: Db;
  clock?: Clock;
  /** Identifies this process in lease_owner; `host:pid:random` so boot recovery can tell a dead owner. */
  owner?: string;
  leaseMs?: number;
  backoff?: BackoffPolicy;
  defaultMaxAttempts?: number;
}

export interface ListOptions {
  status?: JobStatus;
  kind?: string;
  limit?: number;
  beforeId?: number;
}

export interface JobErrorEntry {
  rowNumber?: number | null;
  code: string;
  message: string;
  raw?: string | null;
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

const ACTIVE = statusIsSql(ACTIVE_STATUSES);
const DUE = statusIsSql(['scheduled', 'retry_pending']);
const FINISHED = statusIsSql(FINISHED_STATUSES);

/** The claim path's two reads, exported so a test can check they run on the partial indexes. */
export const CLAIM_PICK_SQL = `SELECT id FROM jobs WHERE status = 'queued' AND kind = ? ORDER BY priority DESC, id LIMIT ?`;
export const DUE_PICK_SQL = `SELECT id FROM jobs WHERE ${DUE} AND run_at <= ? ORDER BY run_at LIMIT ?`;
const CLEAR_LEASE = 'lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL';
const PROMOTE_BATCH = 1000;
// dedupe_key comes last so the multi-row insert (only jobs without one) can leave it NULL.
const INSERT_COLUMNS =
  '(kind, status, priority, payload, max_attempts, run_at, parent_id, created_at, updated_at, dedupe_key)';
const COLUMNS = 9;
const INSERT_ROW = `(${'?, '.repeat(COLUMNS)}?)`;
const MULTI_ROW = `(${'?, '.repeat(COLUMNS)}NULL)`;

/** Creates the owner id for this process. */
export function makeOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** True unless the owner is a process on this host that no longer exists. */
export function ownerLooksAlive(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  if (host !== hostname()) return true;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function json(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}

/** The durable, multi-process job queue over one SQLite file. Every method is one short synchronous transaction. */
export function createQueue(options: QueueOptions) {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  const owner = options.owner ?? makeOwnerId();
  const leaseMs = options.leaseMs ?? 30_000;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const defaultMaxAttempts = options.defaultMaxAttempts ?? 3;
  const events = new EventEmitter<{ event: [QueueEvent] }>();
  events.setMaxListeners(50);
  // Rate and ETA are derived per lease: where this run started, so a resumed job's ETA reflects this run's speed.
  const runStarts = new Map<string, { at: number; done: number }>();

  const emit = (e: QueueEvent) => events.emit('event', e);

  const stmt = {
    insert: db.prepare(`INSERT INTO jobs ${INSERT_COLUMNS} VALUES ${INSERT_ROW}`),
    insertDedupe: db.prepare(
      `INSERT INTO jobs ${INSERT_COLUMNS} VALUES ${INSERT_ROW}
       ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND ${ACTIVE} DO NOTHING`,
    ),
    byDedupe: db.prepare(`SELECT * FROM jobs WHERE dedupe_key = ? AND ${ACTIVE}`),
    get: db.prepare('SELECT * FROM jobs WHERE id = ?'),
    isPaused: db.prepare(`SELECT value FROM queue_state WHERE key = 'paused'`).pluck(),
    hasWork: db
      .prepare(
        `SELECT EXISTS (${CLAIM_PICK_SQL.replace('id LIMIT ?', 'id')}) OR EXISTS (${DUE_PICK_SQL.replace('run_at LIMIT ?', 'run_at')})`,
      )
      .pluck(),
    setState: db.prepare(
      'INSERT INTO queue_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    promote: db.prepare(
      `UPDATE jobs SET status = 'queued', updated_at = ?
       WHERE id IN (${DUE_PICK_SQL.replace('LIMIT ?', `LIMIT ${PROMOTE_BATCH}`)})`,
    ),
    claim: db
      .prepare(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = ?, lease_token = ?, lease_expires_at = ?,
              started_at = COALESCE(started_at, ?), updated_at = ?
       WHERE id IN (${CLAIM_PICK_SQL})
       RETURNING ${CLAIM_RETURNING}`,
      )
      .raw(true),
    renew: db.prepare(`UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_token = ? AND status = 'running'`),
    progress: db.prepare(
      `UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ? AND lease_token = ? AND status = 'running'`,
    ),
    checkpoint: db.prepare(
      `UPDATE jobs SET checkpoint = ?, updated_at = ? WHERE id = ? AND lease_token = ? AND status = 'running'`,
    ),
    complete: db.prepare(
      `UPDATE jobs SET status = 'completed', result = ?, error = NULL, finished_at = ?, updated_at = ?, ${CLEAR_LEASE}
       WHERE id = ? AND lease_token = ? AND status = 'running' RETURNING *`,
    ),
    leased: db.prepare(`SELECT * FROM jobs WHERE id = ? AND lease_token = ? AND status = 'running'`),
    toRetry: db.prepare(
      `UPDATE jobs SET status = 'retry_pending', error = ?, run_at = ?, updated_at = ?, ${CLEAR_LEASE} WHERE id = ? RETURNING *`,
    ),
    toFailed: db.prepare(
      `UPDATE jobs SET status = 'failed', error = ?, finished_at = ?, updated_at = ?, ${CLEAR_LEASE} WHERE id = ? RETURNING *`,
    ),
    // A stop, pause, yield or network wait is not the job's fault: the attempt counted at claim is refunded.
    release: db.prepare(
      `UPDATE jobs SET status = ?, attempts = MAX(0, attempts - 1), finished_at = ?, cancel_requested = 0, pause_requested = 0,
              updated_at = ?, ${CLEAR_LEASE} WHERE id = ? RETURNING *`,
    ),
    setStatus: db.prepare(
      `UPDATE jobs SET status = ?, finished_at = ?, cancel_requested = 0, pause_requested = 0, updated_at = ? WHERE id = ? RETURNING *`,
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
    expired: db.prepare(
      `SELECT * FROM jobs WHERE status = 'running' AND lease_expires_at < ? ORDER BY lease_expires_at LIMIT 500`,
    ),
    anyExpired: db
      .prepare(`SELECT EXISTS (SELECT 1 FROM jobs WHERE status = 'running' AND lease_expires_at < ?)`)
      .pluck(),
    anyPurgeable: db.prepare(`SELECT EXISTS (SELECT 1 FROM jobs WHERE ${FINISHED} AND finished_at < ?)`).pluck(),
    running: db.prepare(`SELECT * FROM jobs WHERE status = 'running'`),
    stopRequests: db.prepare(
      `SELECT id, cancel_requested, pause_requested FROM jobs
       WHERE status = 'running' AND lease_owner = ? AND (cancel_requested = 1 OR pause_requested = 1)`,
    ),
    waitingNetwork: db
      .prepare(`SELECT id FROM jobs WHERE status = 'waiting_network' AND (? IS NULL OR kind = ?)`)
      .pluck(),
    purge: db.prepare(
      `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE ${FINISHED} AND finished_at < ? LIMIT ?)`,
    ),
    addError: db.prepare(
      'INSERT INTO job_errors (job_id, row_number, code, message, raw, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    recentErrors: db.prepare(
      'SELECT row_number, code, message, raw, created_at FROM job_errors WHERE job_id = ? ORDER BY id DESC LIMIT ?',
    ),
    counts: db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status'),
    nextDue: db.prepare(`SELECT MIN(run_at) FROM jobs WHERE ${DUE}`).pluck(),
  };

  function mustGet(id: number): Job {
    const row = stmt.get.get(id) as JobRow | undefined;
    if (!row) throw new JobNotFoundError(id);
    return jobFromRow(row);
  }

  function leasedRow(lease: Lease): JobRow {
    const row = stmt.leased.get(lease.jobId, lease.token) as JobRow | undefined;
    if (!row) throw new LeaseLostError(lease.jobId);
    return row;
  }

  // Kinds are few; checking each distinct one once keeps a regex out of the batched enqueue's per-job cost.
  const knownKinds = new Set<string>();

  function validateInput(input: EnqueueInput): void {
    if (!knownKinds.has(input.kind)) {
      if (typeof input.kind !== 'string' || !/^[a-z][a-z0-9_.-]{0,63}$/.test(input.kind)) {
        throw new TypeError(
          `Job kind must be 1–64 lowercase letters, digits, "_", "." or "-" (got ${JSON.stringify(input.kind)}).`,
        );
      }
      if (knownKinds.size < 1000) knownKinds.add(input.kind);
    }
    if (input.priority !== undefined && !Number.isInteger(input.priority))
      throw new TypeError('Job priority must be an integer.');
    if (input.maxAttempts !== undefined && (!Number.isInteger(input.maxAttempts) || input.maxAttempts < 1)) {
      throw new TypeError('maxAttempts must be a whole number ≥ 1.');
    }
    if (input.runAt !== undefined && !Number.isFinite(input.runAt))
      throw new TypeError('runAt must be a time in milliseconds.');
    if (input.delayMs !== undefined && !(Number.isFinite(input.delayMs) && input.delayMs >= 0)) {
      throw new TypeError('delayMs must be a non-negative number.');
    }
  }

  /** Writes one job's values into `args` from `at`, in INSERT_COLUMNS order up to (not including) dedupe_key. */
  function fillArgs(args: unknown[], at: number, input: EnqueueInput, now: number): void {
    const runAt = input.runAt ?? now + (input.delayMs ?? 0);
    args[at] = input.kind;
    args[at + 1] = runAt > now ? 'scheduled' : 'queued';
    args[at + 2] = input.priority ?? 0;
    args[at + 3] = json(input.payload);
    args[at + 4] = input.maxAttempts ?? defaultMaxAttempts;
    args[at + 5] = runAt;
    args[at + 6] = input.parentId ?? null;
    args[at + 7] = now;
    args[at + 8] = now;
  }

  function insertOne(input: EnqueueInput, now: number): { id: number; deduped: boolean } {
    const args: unknown[] = new Array(COLUMNS + 1);
    fillArgs(args, 0, input, now);
    args[COLUMNS] = input.dedupeKey ?? null;
    if (input.dedupeKey == null) return { id: Number(stmt.insert.run(args).lastInsertRowid), deduped: false };
    const info = stmt.insertDedupe.run(args);
    if (info.changes === 1) return { id: Number(info.lastInsertRowid), deduped: false };
    const existing = stmt.byDedupe.get(input.dedupeKey) as JobRow;
    return { id: existing.id, deduped: true };
  }

  const MULTI = 50;
  const insertMulti = db.prepare(
    `INSERT INTO jobs ${INSERT_COLUMNS} VALUES ${Array(MULTI).fill(MULTI_ROW).join(', ')}`,
  );
  const multiArgs: unknown[] = new Array(MULTI * COLUMNS);

  const chunkHasDedupe = (inputs: readonly EnqueueInput[], from: number) => {
    for (let k = from; k < from + MULTI; k++) if (inputs[k]!.dedupeKey != null) return true;
    return false;
  };

  // Full chunks of jobs without a dedupe key go in one multi-row INSERT (2–3× faster than row by row); inside the
  // transaction the rowids of one statement are consecutive, so the ids follow from the last one.
  const enqueueManyTx = db.transaction((inputs: readonly EnqueueInput[], now: number) => {
    const ids: number[] = new Array(inputs.length);
    const fresh: number[] = [];
    let i = 0;
    while (i < inputs.length) {
      if (i + MULTI <= inputs.length && !chunkHasDedupe(inputs, i)) {
        for (let k = 0; k < MULTI; k++) fillArgs(multiArgs, k * COLUMNS, inputs[i + k]!, now);
        const first = Number(insertMulti.run(multiArgs).lastInsertRowid) - MULTI + 1;
        for (let k = 0; k < MULTI; k++) fresh.push((ids[i + k] = first + k));
        i += MULTI;
      } else {
        const r = insertOne(inputs[i]!, now);
        ids[i] = r.id;
        if (!r.deduped) fresh.push(r.id);
        i++;
      }
    }
    return { ids, fresh };
  });

  function announce(ids: number[], kinds: Iterable<string>): void {
    if (ids.length === 0) return;
    emit({ type: 'enqueued', jobIds: ids, kinds: [...kinds] });
  }

  /** Adds one job (or returns the unfinished job holding the same dedupe key). */
  function enqueue(input: EnqueueInput): Job & { deduped: boolean } {
    validateInput(input);
    const { id, deduped } = insertOne(input, clock.now());
    if (!deduped) announce([id], [input.kind]);
    return { ...mustGet(id), deduped };
  }

  /** Adds many jobs in one transaction; returns their ids in input order. */
  function enqueueMany(inputs: readonly EnqueueInput[]): number[] {
    const kinds = new Set<string>();
    for (const input of inputs) {
      validateInput(input);
      kinds.add(input.kind);
    }
    const { ids, fresh } = enqueueManyTx(inputs, clock.now());
    announce(fresh, kinds);
    return ids;
  }

  const claimTx = db.transaction((kind: string, limit: number, ownerId: string, lease: number, now: number) => {
    if (stmt.isPaused.get() === '1') return [];
    stmt.promote.run(now, now);
    const token = randomUUID();
    const rows = stmt.claim.all(ownerId, token, now + lease, now, now, kind, limit) as ClaimRow[];
    const jobs = rows.map((row) => jobFromClaim(row, { owner: ownerId, expiresAt: now + lease, now }));
    jobs.sort((a, b) => b.priority - a.priority || a.id - b.id);
    return jobs.map((job) => ({ job, lease: { jobId: job.id, token } }));
  });

  /** Atomically leases up to `limit` ready jobs of one kind, highest priority first. */
  function claim(kind: string, opts: { limit?: number; leaseMs?: number } = {}): ClaimedJob[] {
    const limit = Math.max(1, Math.min(1000, Math.floor(opts.limit ?? 1)));
    const now = clock.now();
    // A read first: with nothing to claim, never wait for the write lock a worker may hold (a main-thread stall).
    if (!stmt.hasWork.get(kind, now)) return [];
    // IMMEDIATE: take the write lock up front so two processes never both read the same head of the queue.
    const claimed = claimTx.immediate(kind, limit, owner, opts.leaseMs ?? leaseMs, now);
    for (const c of claimed) emit({ type: 'started', job: c.job });
    return claimed;
  }

  const renewTx = db.transaction((leases: readonly Lease[], until: number) =>
    leases.reduce((n, l) => n + stmt.renew.run(until, l.jobId, l.token).changes, 0),
  );

  /** Extends the leases of jobs still held; returns how many were renewed ('busy' as for progress with `waitMs`). */
  function renew(leases: readonly Lease[], ms = leaseMs, opts: { waitMs?: number } = {}): number | 'busy' {
    if (leases.length === 0) return 0;
    const until = clock.now() + ms;
    return writeWaitingAtMost(db, opts.waitMs, () => renewTx(leases, until));
  }

  /**
   * Persists progress; derives rate and ETA from this run's start. Returns false if the lease is gone, and 'busy'
   * (nothing saved) when another process held the write lock for longer than `waitMs`.
   */
  function progress(lease: Lease, update: ProgressUpdate, opts: { waitMs?: number } = {}): boolean | 'busy' {
    const now = clock.now();
    const row = stmt.leased.get(lease.jobId, lease.token) as JobRow | undefined;
    if (!row) return false;
    const prev = row.progress ? (JSON.parse(row.progress) as JobProgress) : null;
    const p: JobProgress = {
      total: update.total !== undefined ? update.total : (prev?.total ?? null),
      done: update.done ?? prev?.done ?? 0,
      succeeded: update.succeeded ?? prev?.succeeded ?? 0,
      failed: update.failed ?? prev?.failed ?? 0,
      skipped: update.skipped ?? prev?.skipped ?? 0,
      note: update.note !== undefined ? update.note : (prev?.note ?? null),
      ratePerSec: null,
      etaMs: null,
      updatedAt: now,
    };
    const key = `${lease.jobId}:${lease.token}`;
    let start = runStarts.get(key);
    if (!start) {
      start = { at: now, done: p.done };
      runStarts.set(key, start);
    }
    const elapsed = now - start.at;
    if (elapsed > 0 && p.done > start.done) {
      p.ratePerSec = ((p.done - start.done) * 1000) / elapsed;
      if (p.total !== null) p.etaMs = Math.max(0, Math.round(((p.total - p.done) / p.ratePerSec) * 1000));
    }
    const text = JSON.stringify(p);
    if (writeWaitingAtMost(db, opts.waitMs, () => stmt.progress.run(text, now, lease.jobId, lease.token)) === 'busy')
      return 'busy';
    emit({ type: 'progress', jobId: lease.jobId, progress: p });
    return true;
  }

  const checkpointTx = db.transaction((lease: Lease, writes: (db: Db) => unknown) => {
    const state = writes(db);
    const info = stmt.checkpoint.run(json(state), clock.now(), lease.jobId, lease.token);
    // Throwing rolls back the caller's writes too: rows and checkpoint land together or not at all.
    if (info.changes !== 1) throw new LeaseLostError(lease.jobId);
    return state;
  });

  /** Saves resume state, optionally in the same transaction as the rows it covers. Throws LeaseLostError. */
  function checkpoint(lease: Lease, state: unknown, writes?: (db: Db) => void): void {
    checkpointTx.immediate(lease, (tx) => (writes?.(tx), state));
    emit({ type: 'checkpoint', jobId: lease.jobId });
  }

  /** Runs `writes` and saves the resume state it returns in one transaction (state that depends on the writes). */
  function checkpointAfter<T>(lease: Lease, writes: (db: Db) => T): T {
    const state = checkpointTx.immediate(lease, writes) as T;
    emit({ type: 'checkpoint', jobId: lease.jobId });
    return state;
  }

  const completeTx = db.transaction(
    (
      lease: Lease,
      result: unknown,
      writes: ((db: Db) => void) | undefined,
      followUps: readonly EnqueueInput[],
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
    opts: { writes?: (db: Db) => void; followUps?: readonly EnqueueInput[] } = {},
  ): Job {
    const followUps = opts.followUps ?? [];
    followUps.forEach(validateInput);
    const { job, children } = completeTx.immediate(lease, result, opts.writes, followUps, clock.now());
    runStarts.delete(`${lease.jobId}:${lease.token}`);
    emit({ type: 'completed', job });
    announce(children, new Set(followUps.map((f) => f.kind)));
    return job;
  }

  const completeBatch = db
    .prepare(
      `UPDATE jobs SET status = 'completed', result = j.value -> 2, error = NULL, finished_at = @now, updated_at = @now, ${CLEAR_LEASE}
       FROM json_each(@items) AS j
       WHERE jobs.id = j.value ->> 0 AND jobs.lease_token = j.value ->> 1 AND jobs.status = 'running'
       RETURNING ${COMPLETE_RETURNING}`,
    )
    .raw(true);

  const completeManyTx = db.transaction((items: readonly CompleteItem[], now: number) => {
    // One statement for the whole batch: a statement per job cost more than the update itself.
    const rows = completeBatch.all({
      now,
      items: JSON.stringify(items.map((it) => [it.lease.jobId, it.lease.token, it.result ?? null])),
    }) as CompleteRow[];
    const changed = new Map(rows.map((r) => [r[0], r]));
    return items.map((it) => {
      const row = changed.get(it.lease.jobId);
      if (!row) return null;
      // The claim snapshot holds every column a run cannot change; the statement returned the ones it can.
      return it.job ? jobFromCompletion(it.job, row, it.result, now) : mustGet(it.lease.jobId);
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
    const row = leasedRow(lease);
    if (error.retryable && row.attempts < row.max_attempts && !row.cancel_requested) {
      const delay = backoffDelay(row.attempts, backoff);
      return { retry: true, job: jobFromRow(stmt.toRetry.get(json(error), now + delay, now, row.id) as JobRow) };
    }
    if (row.cancel_requested)
      return { retry: false, job: jobFromRow(stmt.release.get('cancelled', now, now, row.id) as JobRow) };
    return { retry: false, job: jobFromRow(stmt.toFailed.get(json(error), now, now, row.id) as JobRow) };
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
    const row = leasedRow(lease);
    const target: JobStatus =
      stateOverride ?? (row.cancel_requested ? 'cancelled' : row.pause_requested ? 'paused' : 'queued');
    return jobFromRow(stmt.release.get(target, target === 'cancelled' ? now : null, now, row.id) as JobRow);
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

  const resumeNetworkTx = db.transaction((kind: string | null, now: number) => {
    const ids = stmt.waitingNetwork.all(kind, kind) as number[];
    return ids.map((id) => jobFromRow(stmt.setStatus.get('queued', null, now, id) as JobRow));
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
        return { type: 'cancelled', job: jobFromRow(stmt.setStatus.get('cancelled', now, now, id) as JobRow) };
    }
  });

  /** Cancels a job: at once if it is not running, else asks its runner to stop (it ends `cancelled`, checkpoint kept). */
  function cancel(id: number): Job {
    const event = cancelTx.immediate(id, clock.now());
    emit(event);
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
        return { type: 'paused', job: jobFromRow(stmt.setStatus.get('paused', null, now, id) as JobRow) };
      default:
        throw new JobStateError(id, job.status, 'pause');
    }
  });

  /** Pauses one job: at once if waiting, else its runner checkpoints and stops. Idempotent. */
  function pause(id: number): Job {
    const event = pauseTx.immediate(id, clock.now());
    if (event) emit(event);
    return mustGet(id);
  }

  const resumeTx = db.transaction((id: number, now: number): Job | null => {
    const job = mustGet(id);
    if (job.status === 'running' && job.pauseRequested) {
      stmt.requestStop.run(job.cancelRequested ? 1 : 0, 0, now, id);
      return null;
    }
    if (job.status !== 'paused') throw new JobStateError(id, job.status, 'resume');
    return jobFromRow(stmt.setStatus.get('queued', null, now, id) as JobRow);
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

  function isPaused(): boolean {
    return stmt.isPaused.get() === '1';
  }

  function settleOrphan(
    row: JobRow,
    now: number,
    countsAsAttempt: boolean,
  ): { job: Job; reason: 'lease_expired' | 'owner_gone' } {
    const reason = countsAsAttempt ? 'lease_expired' : 'owner_gone';
    if (row.cancel_requested)
      return { job: jobFromRow(stmt.release.get('cancelled', now, now, row.id) as JobRow), reason };
    if (row.pause_requested)
      return { job: jobFromRow(stmt.release.get('paused', null, now, row.id) as JobRow), reason };
    if (!countsAsAttempt) return { job: jobFromRow(stmt.release.get('queued', null, now, row.id) as JobRow), reason };
    if (row.attempts >= row.max_attempts) {
      const error: JobError = {
        code: 'lease_expired',
        message: `The worker stopped responding on each of ${row.attempts} attempts.`,
        retryable: false,
      };
      return { job: jobFromRow(stmt.toFailed.get(json(error), now, now, row.id) as JobRow), reason };
    }
    return { job: jobFromRow(stmt.setStatus.get('queued', null, now, row.id) as JobRow), reason };
  }

  function announceRecovered(results: { job: Job; reason: 'lease_expired' | 'owner_gone' }[]): void {
    for (const { job, reason } of results) {
      // The lost run never reports again: drop its rate baseline so the map cannot grow with crashes.
      for (const key of runStarts.keys()) if (key.startsWith(`${job.id}:`)) runStarts.delete(key);
      if (job.status === 'queued') emit({ type: 'requeued', job, reason });
      else if (job.status === 'failed') emit({ type: 'failed', job });
      else if (job.status === 'cancelled') emit({ type: 'cancelled', job });
      else if (job.status === 'paused') emit({ type: 'paused', job });
    }
  }

  const recoverExpiredTx = db.transaction((now: number) =>
    (stmt.expired.all(now) as JobRow[]).map((row) => settleOrphan(row, now, true)),
  );

  /** Returns running jobs whose lease ran out to the queue (the attempt counts); they resume from their checkpoint. */
  function recoverExpired(): number {
    const now = clock.now();
    // Housekeeping runs on main's event loop: with nothing to recover, never wait for a worker's write lock.
    if (!stmt.anyExpired.get(now)) return 0;
    const results = recoverExpiredTx.immediate(now);
    announceRecovered(results);
    return results.length;
  }

  const recoverBootTx = db.transaction((isAlive: (owner: string) => boolean, now: number) =>
    (stmt.running.all() as JobRow[])
      .filter((row) => row.lease_owner !== owner && (row.lease_owner === null || !isAlive(row.lease_owner)))
      .map((row) => settleOrphan(row, now, false)),
  );

  /**
   * At start-up: jobs leased by a process of this machine that no longer exists go straight back to `queued`
   * without spending an attempt (the app was killed, not the job); others wait for their lease to expire.
   */
  function recoverAtBoot(isAlive: (owner: string) => boolean = ownerLooksAlive): number {
    const results = recoverBootTx.immediate(isAlive, clock.now());
    announceRecovered(results);
    return results.length + recoverExpired();
  }

  /** Deletes finished jobs older than `olderThanMs`, in short batches; returns how many went. */
  function purgeFinished(olderThanMs = 7 * 24 * 3600_000, batch = 5_000): number {
    const cutoff = clock.now() - olderThanMs;
    if (!stmt.anyPurgeable.get(cutoff)) return 0;
    let total = 0;
    for (;;) {
      const n = stmt.purge.run(cutoff, batch).changes;
      total += n;
      if (n < batch) break;
    }
    if (total > 0) emit({ type: 'purged', count: total });
    return total;
  }

  /** Stop requests (cancel/pause) for jobs this process is running, including ones made by another process. */
  function stopRequests(): StopRequest[] {
    return (stmt.stopRequests.all(owner) as { id: number; cancel_requested: number }[]).map((r) => ({
      jobId: r.id,
      reason: r.cancel_requested ? 'cancel' : 'pause',
    }));
  }

  const addErrorsTx = db.transaction((jobId: number, entries: readonly JobErrorEntry[], now: number) => {
    for (const e of entries) stmt.addError.run(jobId, e.rowNumber ?? null, e.code, e.message, e.raw ?? null, now);
  });

  /** Records user-facing errors (row errors, lookup failures) for a job. */
  function addErrors(jobId: number, entries: readonly JobErrorEntry[]): void {
    addErrorsTx(jobId, entries, clock.now());
  }

  /** The latest errors recorded for a job, newest first. */
  function recentErrors(jobId: number, limit = 50) {
    return stmt.recentErrors.all(jobId, limit) as {
      row_number: number | null;
      code: string;
      message: string;
      raw: string | null;
      created_at: number;
    }[];
  }

  /** Lists jobs, newest first. */
  function list(opts: ListOptions = {}): Job[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.status) {
      where.push('status = ?');
      params.push(opts.status);
    }
    if (opts.kind) {
      where.push('kind = ?');
      params.push(opts.kind);
    }
    if (opts.beforeId !== undefined) {
      where.push('id < ?');
      params.push(opts.beforeId);
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    params.push(Math.max(1, Math.min(10_000, opts.limit ?? 100)));
    return (db.prepare(sql).all(...params) as JobRow[]).map(jobFromRow);
  }

  /** Job counts per status. */
  function counts(): Record<JobStatus, number> {
    const out = Object.fromEntries(
      [
        'scheduled',
        'queued',
        'running',
        'retry_pending',
        'waiting_network',
        'paused',
        'completed',
        'failed',
        'cancelled',
      ].map((s) => [s, 0]),
    ) as Record<JobStatus, number>;
    for (const r of stmt.counts.all() as { status: JobStatus; n: number }[]) out[r.status] = r.n;
    return out;
  }

  /** When the earliest delayed job becomes due, or null; lets the scheduler sleep until then. */
  function nextDueAt(): number | null {
    return (stmt.nextDue.get() as number | null) ?? null;
  }

  return {
    db,
    owner,
    events,
    enqueue,
    enqueueMany,
    claim,
    renew,
    progress,
    checkpoint,
    checkpointAfter,
    complete,
    completeMany,
    fail,
    release,
    waitForNetwork,
    resumeWaitingNetwork,
    cancel,
    pause,
    resume,
    retry,
    runNow,
    pauseAll,
    resumeAll,
    isPaused,
    recoverExpired,
    recoverAtBoot,
    purgeFinished,
    stopRequests,
    addErrors,
    recentErrors,
    get: (id: number) => mustGet(id),
    find: (id: number) => {
      const row = stmt.get.get(id) as JobRow | undefined;
      return row ? jobFromRow(row) : null;
    },
    list,
    counts,
    nextDueAt,
  };
}

export type Queue = ReturnType<typeof createQueue>;

function normalizeError(error: JobError): JobError {
  return {
    code: String(error.code || 'error').slice(0, 100),
    message: String(error.message || 'Unknown error').slice(0, 4000),
    retryable: Boolean(error.retryable),
  };
}
