import { LeaseLostError } from './errors.ts';
import type { JobExecutor, RunOutcome } from './executor.ts';
import type { CompleteItem, Queue } from './interface.ts';
import type { AnyKinds } from './kinds.ts';
import type { Recurring } from './recurring.ts';
import type { ClaimedJob, Lease, ProgressUpdate } from './types.ts';

export interface SchedulerOptions {
  /** Any queue: the scheduler claims the kinds its executor runs, whatever their payloads. */
  queue: Queue<AnyKinds>;
  executor: JobExecutor;
  recurring?: Recurring;
  /** Per-kind concurrency limits for this process; kinds not listed get `defaultConcurrency`. */
  concurrency?: Record<string, number>;
  defaultConcurrency?: number;
  /** Only these kinds are claimed by this process (the CLI runs just what it was asked to); default: all the executor runs. */
  kinds?: readonly string[];
  /** Poll interval: picks up jobs enqueued by other processes, due jobs and cross-process stop requests. */
  tickMs?: number;
  /** Lease length; leases of live runs are renewed at a third of it. */
  leaseMs?: number;
  /** Finished jobs older than this are purged (default 7 days). */
  retentionMs?: number;
  onError?: (err: unknown) => void;
}

/** Drives the queue: claims within per-kind limits, hands jobs to the executor, records outcomes, renews leases. */
export function createScheduler(opts: SchedulerOptions) {
  const { queue, executor, recurring } = opts;
  const leaseMs = opts.leaseMs ?? 30_000;
  const tickMs = opts.tickMs ?? 500;
  let retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000;
  const onError = opts.onError ?? ((err) => console.error('[scheduler]', err));
  const running = new Map<number, { lease: Lease; kind: string; done: Promise<void> }>();
  let completions: CompleteItem[] = [];
  let timer: NodeJS.Timeout | null = null;
  let renewTimer: NodeJS.Timeout | null = null;
  let housekeepingTimer: NodeJS.Timeout | null = null;
  let tickQueued = false;
  let stopping = false;

  const limit = (kind: string) => opts.concurrency?.[kind] ?? opts.defaultConcurrency ?? 2;
  const runningOf = (kind: string) => [...running.values()].filter((r) => r.kind === kind).length;

  function guard<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof LeaseLostError)) onError(err);
      return undefined;
    }
  }

  function flushCompletions(): void {
    const batch = completions;
    completions = [];
    guard(() => queue.completeMany(batch));
    // Only now is the slot free: until the completion commits, the job is still `running` in the database.
    for (const item of batch) running.delete(item.lease.jobId);
    scheduleTick();
  }

  // Progress is advisory: saving it does not wait on this thread for a worker's write lock. A busy moment keeps the
  // latest update (merged with any earlier unsaved one) and tries again shortly; after five misses it waits up to
  // 25 ms (SQLite polls the lock meanwhile), so a worker writing back to back cannot keep the window's progress stale
  // and main never stalls longer than that (a full busy wait sleeps in steps of up to 100 ms: a 112 ms stall measured).
  const unsaved = new Map<number, { lease: Lease; update: ProgressUpdate; misses: number }>();
  let unsavedTimer: NodeJS.Timeout | null = null;

  function saveProgress(lease: Lease, update: ProgressUpdate): void {
    const earlier = unsaved.get(lease.jobId);
    const merged: ProgressUpdate = earlier ? { ...earlier.update } : {};
    for (const [k, v] of Object.entries(update)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
    const misses = earlier?.misses ?? 0;
    unsaved.delete(lease.jobId);
    if (guard(() => queue.progress(lease, merged, { waitMs: misses >= 5 ? 25 : 0 })) !== 'busy') return;
    unsaved.set(lease.jobId, { lease, update: merged, misses: misses + 1 });
    unsavedTimer ??= setTimeout(retryUnsaved, 100);
  }

  function retryUnsaved(): void {
    unsavedTimer = null;
    for (const [id, u] of [...unsaved]) {
      if (running.has(id)) saveProgress(u.lease, u.update);
      else unsaved.delete(id);
    }
  }

  function settle(c: ClaimedJob, outcome: RunOutcome): void {
    const { lease } = c;
    switch (outcome.type) {
      case 'done':
        // Completions are batched into one transaction per turn of the event loop.
        if (completions.push({ lease, result: outcome.result, job: c.job }) === 1) setImmediate(flushCompletions);
        return;
      case 'error':
        guard(() => queue.fail(lease, { code: outcome.code, message: outcome.message, retryable: outcome.retryable }));
        break;
      case 'crashed':
        guard(() => queue.fail(lease, { code: 'worker_crashed', message: outcome.message, retryable: true }));
        break;
      case 'stopped':
        guard(() => queue.release(lease));
        break;
      case 'waiting_network':
        guard(() => queue.waitForNetwork(lease));
        break;
    }
    running.delete(c.job.id);
    scheduleTick();
  }

  function launch(c: ClaimedJob): void {
    const done = executor
      .run(c.job, c.lease, {
        onProgress: (p) => saveProgress(c.lease, p),
        onCheckpoint: (s) => guard(() => queue.checkpoint(c.lease, s)),
      })
      .catch((err): RunOutcome => ({ type: 'crashed', message: err instanceof Error ? err.message : String(err) }))
      .then((outcome) => settle(c, outcome));
    running.set(c.job.id, { lease: c.lease, kind: c.job.kind, done });
  }

  /** One pass: recurring jobs, stop requests, then claims for every kind with room. */
  function tick(): void {
    tickQueued = false;
    if (stopping) return;
    // Never waits for a worker's write lock: a tick that finds it taken leaves the due jobs to the next tick.
    if (recurring) guard(() => recurring.tick({ waitMs: 0 }));
    for (const req of guard(() => queue.stopRequests()) ?? []) executor.stop(req.jobId, req.reason);
    if (guard(() => queue.isPaused())) {
      for (const id of running.keys()) executor.stop(id, 'yield');
      return;
    }
    for (const kind of executor.kinds()) {
      if (opts.kinds && !opts.kinds.includes(kind)) continue;
      const room = Math.min(limit(kind) - runningOf(kind), executor.freeSlots(kind));
      if (room <= 0) continue;
      const claimed = guard(() => queue.claim(kind, { limit: room, leaseMs })) ?? [];
      claimed.forEach(launch);
    }
  }

  function scheduleTick(): void {
    if (tickQueued || stopping) return;
    tickQueued = true;
    setImmediate(tick);
  }

  let renewRetry: NodeJS.Timeout | null = null;
  let renewMisses = 0;
  function renewLeases(): void {
    if (renewRetry) clearTimeout(renewRetry);
    renewRetry = null;
    const live = [...running.entries()].filter(([id]) => executor.isAlive(id)).map(([, r]) => r.lease);
    // Renewing comes a third into the lease: when a worker holds the write lock, try again shortly instead of
    // stalling main's event loop until it commits. After ten misses (2 s) it waits for the lock: a lease must not
    // run out under a job that is alive.
    const waitMs = renewMisses >= 10 ? undefined : 0;
    const renewed = guard(() => queue.renew(live, leaseMs, { waitMs }));
    if (renewed === 'busy' && !stopping) {
      renewMisses++;
      renewRetry = setTimeout(renewLeases, 200);
      return;
    }
    renewMisses = 0;
    if (typeof renewed === 'number' && renewed < live.length) stopLostRuns(live);
  }

  /**
   * Another process took over a run whose lease ran out here (the wall clock jumped past it, or this process was
   * suspended): the lease token already keeps this run from saving anything, and stopping it spares the double work.
   */
  function stopLostRuns(leases: readonly Lease[]): void {
    for (const lease of leases) {
      const job = guard(() => queue.find(lease.jobId));
      if (job && job.status === 'running' && job.leaseOwner === queue.owner) continue;
      executor.stop(lease.jobId, 'yield');
    }
  }

  function housekeeping(): void {
    // Renew first: after a sleep the wall clock jumped past every lease, and this pass must not requeue (and then
    // claim a second time) the jobs still running here. If the renewal has to wait for a lock, recover next pass.
    renewLeases();
    if (!renewRetry) guard(() => queue.recoverExpired());
    guard(() => queue.purgeFinished(retentionMs));
  }

  const onQueueEvent = (e: { type: string; jobId?: number; reason?: string }) => {
    if (e.type === 'enqueued' || e.type === 'requeued' || e.type === 'resumed' || e.type === 'queue_resumed')
      scheduleTick();
    if (e.type === 'stop_requested' && e.jobId !== undefined && running.has(e.jobId))
      executor.stop(e.jobId, e.reason as 'cancel' | 'pause');
    if (e.type === 'queue_paused') for (const id of running.keys()) executor.stop(id, 'yield');
  };

  return {
    /** Recovers what a previous run left behind, then starts claiming. */
    start(): void {
      stopping = false;
      guard(() => queue.recoverAtBoot());
      queue.events.on('event', onQueueEvent);
      timer = setInterval(tick, tickMs);
      renewTimer = setInterval(renewLeases, Math.max(50, Math.floor(leaseMs / 3)));
      housekeepingTimer = setInterval(housekeeping, Math.max(1000, Math.min(60_000, leaseMs)));
      housekeeping();
      scheduleTick();
    },
    tick,
    /** One pass of what the housekeeping timer does: renew this process's leases, recover lost runs, purge old jobs. */
    housekeeping,
    runningCount: () => running.size,
    /** Changes how long finished jobs are kept (the user's setting); the next housekeeping pass applies it. */
    setRetention(ms: number): void {
      retentionMs = ms;
    },
    /** Stops claiming, asks running jobs to checkpoint and yield (they resume next start), waits up to `graceMs`. */
    async drain(graceMs = 10_000): Promise<void> {
      stopping = true;
      queue.events.off('event', onQueueEvent);
      for (const t of [timer, renewTimer, housekeepingTimer]) if (t) clearInterval(t);
      for (const t of [unsavedTimer, renewRetry]) if (t) clearTimeout(t);
      unsavedTimer = renewRetry = null;
      for (const id of running.keys()) executor.stop(id, 'yield');
      const all = Promise.all([...running.values()].map((r) => r.done));
      // Referenced and cleared: an unreferenced grace timer let the process end mid-drain (exit 13) when no worker
      // process was left to hold the loop open.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise((r) => (grace = setTimeout(r, graceMs)))]);
      clearTimeout(grace);
      flushCompletions();
      await executor.shutdown();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
