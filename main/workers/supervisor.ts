import { EventEmitter } from 'node:events';
import type { Job, Lease } from '../queue/types.ts';
import type { RunHandlers, RunOutcome } from '../queue/executor.ts';
import type { LaunchSpec, ProcessLauncher, WorkerProcess } from './launcher.ts';
import { parseFromWorker, PROTOCOL_VERSION, type FromWorker, type ToWorker } from './protocol.ts';

export interface SupervisorOptions {
  launcher: ProcessLauncher;
  spec: LaunchSpec;
  /** Jobs one process runs at once. */
  capacity?: number;
  readyTimeoutMs?: number;
  heartbeatTimeoutMs?: number;
  restartBaseMs?: number;
  restartMaxMs?: number;
  /** Crash-loop breaker: this many crashes within the window stop restarts for the cooldown. */
  breakerCrashes?: number;
  breakerWindowMs?: number;
  breakerCooldownMs?: number;
  shutdownGraceMs?: number;
  /** Credentials handed to every (re)started worker over the protocol. */
  secrets?: () => Record<string, string>;
}

export type SupervisorState = 'idle' | 'starting' | 'ready' | 'restarting' | 'broken' | 'stopping' | 'stopped';

export type SupervisorEvent =
  | { type: 'ready'; pid: number | undefined; kinds: string[] }
  | { type: 'crashed'; pid: number | undefined; code: number | null; signal: string | null; reason: string }
  | { type: 'breaker_open'; crashes: number; retryAt: number }
  | { type: 'log'; level: string; message: string; jobId?: number; code?: string };

interface InFlight {
  job: Job;
  handlers: RunHandlers;
  resolve: (o: RunOutcome) => void;
}

/** Supervises one worker process: ready handshake, heartbeats, restarts with backoff, a crash-loop breaker, clean shutdown. */
export function createSupervisor(opts: SupervisorOptions) {
  const capacity = opts.capacity ?? 1;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 15_000;
  const heartbeatTimeoutMs = opts.heartbeatTimeoutMs ?? 10_000;
  const restartBaseMs = opts.restartBaseMs ?? 250;
  const restartMaxMs = opts.restartMaxMs ?? 30_000;
  const breakerCrashes = opts.breakerCrashes ?? 5;
  const breakerWindowMs = opts.breakerWindowMs ?? 60_000;
  const breakerCooldownMs = opts.breakerCooldownMs ?? 5 * 60_000;
  const events = new EventEmitter<{ event: [SupervisorEvent] }>();

  let state: SupervisorState = 'idle';
  let proc: WorkerProcess | null = null;
  let kinds: string[] = [];
  let lastSeen = 0;
  let crashTimes: number[] = [];
  let readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let timers: NodeJS.Timeout[] = [];
  let exitWaiter: (() => void) | null = null;
  const inFlight = new Map<number, InFlight>();

  const post = (m: ToWorker) => proc?.postMessage(m);
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(fn, ms);
    t.unref();
    timers.push(t);
  };
  const clearTimers = () => {
    timers.forEach(clearTimeout);
    timers = [];
  };

  function settle(jobId: number, outcome: RunOutcome): void {
    const f = inFlight.get(jobId);
    if (!f) return;
    inFlight.delete(jobId);
    f.resolve(outcome);
  }

  function onMessage(raw: unknown): void {
    const m: FromWorker | null = parseFromWorker(raw);
    lastSeen = Date.now();
    if (!m) {
      events.emit('event', {
        type: 'log',
        level: 'error',
        message: `Protocol error: ignored a malformed message from the worker.`,
      });
      return;
    }
    switch (m.type) {
      case 'ready':
        // A worker that finishes booting after shutdown() began must not flip the state back to 'ready': its exit
        // would then count as a crash, restart it and never settle shutdown(). Repeat the request instead (the
        // first may have arrived before the worker listened).
        if (state === 'stopping' || state === 'stopped') {
          post({ type: 'shutdown' });
          return;
        }
        if (m.protocolVersion !== PROTOCOL_VERSION) {
          fatal(`worker speaks protocol ${m.protocolVersion}, expected ${PROTOCOL_VERSION}`);
          return;
        }
        kinds = m.kinds;
        sendSecrets();
        state = 'ready';
        events.emit('event', { type: 'ready', pid: proc?.pid, kinds });
        readyWaiters.forEach((w) => w.resolve());
        readyWaiters = [];
        return;
      case 'progress':
        inFlight.get(m.jobId)?.handlers.onProgress(m.progress);
        return;
      case 'checkpoint':
        inFlight.get(m.jobId)?.handlers.onCheckpoint(m.state);
        return;
      case 'done':
        settle(m.jobId, { type: 'done', result: m.result });
        return;
      case 'error':
        settle(m.jobId, { type: 'error', code: m.code, message: m.message, retryable: m.retryable });
        return;
      case 'stopped':
        settle(m.jobId, { type: 'stopped' });
        return;
      case 'waiting_network':
        settle(m.jobId, { type: 'waiting_network', message: m.message });
        return;
      case 'heartbeat':
        return;
      case 'log':
        events.emit('event', {
          type: 'log',
          level: m.level,
          message: m.message,
          ...(m.jobId !== undefined ? { jobId: m.jobId } : {}),
          ...(typeof m.code === 'string' ? { code: m.code.slice(0, 40) } : {}),
        });
    }
  }

  function fatal(reason: string): void {
    events.emit('event', { type: 'log', level: 'error', message: `Killing worker ${opts.spec.name}: ${reason}` });
    crashReason = reason;
    const p = proc;
    p?.kill();
    // A process that never started (spawn failed) or whose exit is never reported must not wedge the slot forever.
    const t = setTimeout(() => {
      if (proc === p && p) onExit(null, 'SIGKILL');
    }, 2_000);
    t.unref();
  }

  let crashReason = '';

  function onExit(code: number | null, signal: string | null): void {
    const pid = proc?.pid;
    proc = null;
    clearTimers();
    if (state === 'stopping' || state === 'stopped') {
      state = 'stopped';
      for (const id of [...inFlight.keys()]) settle(id, { type: 'crashed', message: 'The worker shut down.' });
      exitWaiter?.();
      return;
    }
    const reason = crashReason || `exited with ${signal ?? `code ${code}`}`;
    crashReason = '';
    events.emit('event', { type: 'crashed', pid, code, signal, reason });
    for (const id of [...inFlight.keys()])
      settle(id, { type: 'crashed', message: `The worker process died (${reason}).` });
    const now = Date.now();
    crashTimes = [...crashTimes.filter((t) => now - t < breakerWindowMs), now];
    if (crashTimes.length >= breakerCrashes) {
      state = 'broken';
      events.emit('event', { type: 'breaker_open', crashes: crashTimes.length, retryAt: now + breakerCooldownMs });
      readyWaiters.forEach((w) =>
        w.reject(
          new Error(
            `Worker ${opts.spec.name} keeps crashing (${crashTimes.length} times in ${breakerWindowMs / 1000} s): ${reason}`,
          ),
        ),
      );
      readyWaiters = [];
      later(breakerCooldownMs, () => {
        crashTimes = [];
        spawn();
      });
      return;
    }
    state = 'restarting';
    later(Math.min(restartMaxMs, restartBaseMs * 2 ** (crashTimes.length - 1)), spawn);
  }

  function spawn(): void {
    state = 'starting';
    kinds = [];
    lastSeen = Date.now();
    const p = opts.launcher.launch(opts.spec);
    proc = p;
    p.onMessage((m) => {
      if (proc === p) onMessage(m);
    });
    p.onExit((code, signal) => {
      if (proc === p) onExit(code, signal);
    });
    later(readyTimeoutMs, () => {
      if (proc === p && state === 'starting') fatal(`no ready message within ${readyTimeoutMs} ms`);
    });
    const watch = setInterval(
      () => {
        if (proc !== p) return clearInterval(watch);
        if (state === 'ready' && Date.now() - lastSeen > heartbeatTimeoutMs)
          fatal(`missed heartbeats for ${heartbeatTimeoutMs} ms`);
      },
      Math.max(20, Math.floor(heartbeatTimeoutMs / 4)),
    );
    watch.unref();
    timers.push(watch);
  }

  /** Starts the process and resolves once it said `ready` (rejects if the breaker opens first). */
  function start(): Promise<void> {
    if (state === 'ready') return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => readyWaiters.push({ resolve, reject }));
    if (state === 'idle' || state === 'stopped') spawn();
    return p;
  }

  // Sent after every start, and again whenever the user changes them (an empty set clears the worker's copy).
  function sendSecrets(): void {
    if (opts.secrets) proc?.postMessage({ type: 'secrets', values: opts.secrets() } satisfies ToWorker);
  }

  return {
    events,
    start,
    /** Hands the worker the current credentials (after the user stored or removed them). */
    refreshSecrets: () => {
      if (state === 'ready') sendSecrets();
    },
    get state() {
      return state;
    },
    get pid() {
      return proc?.pid;
    },
    kinds: () => (state === 'ready' ? kinds : []),
    freeSlots: (kind: string) => (state === 'ready' && kinds.includes(kind) ? capacity - inFlight.size : 0),
    isAlive: (jobId: number) => inFlight.has(jobId) && state === 'ready' && Date.now() - lastSeen <= heartbeatTimeoutMs,
    /** Sends a job to the worker; resolves with how it ended, including `crashed` if the process died. */
    run(job: Job, lease: Lease, handlers: RunHandlers): Promise<RunOutcome> {
      if (state !== 'ready' || !proc)
        return Promise.resolve({ type: 'crashed', message: `Worker ${opts.spec.name} is not running.` });
      return new Promise<RunOutcome>((resolve) => {
        inFlight.set(job.id, { job, handlers, resolve });
        post({
          type: 'run',
          job: {
            id: job.id,
            kind: job.kind,
            payload: job.payload,
            checkpoint: job.checkpoint,
            attempt: job.attempts,
            leaseToken: lease.token,
          },
        });
      });
    },
    stop(jobId: number, reason: 'cancel' | 'pause' | 'yield'): void {
      if (inFlight.has(jobId)) post({ type: 'cancel', jobId, reason });
    },
    /** Asks the worker to stop its tasks and exit; kills it after the grace period. */
    async shutdown(graceMs = opts.shutdownGraceMs ?? 5_000): Promise<void> {
      clearTimers();
      if (!proc) {
        state = 'stopped';
        return;
      }
      state = 'stopping';
      const p = proc;
      const exited = new Promise<void>((resolve) => (exitWaiter = resolve));
      post({ type: 'shutdown' });
      const killTimer = setTimeout(() => p.kill(), graceMs);
      // Shutdown is bounded even if the exit is never reported: give up waiting 2 s after the kill. Referenced, as
      // the kill timer is: an awaited shutdown must settle, and once the child is gone nothing else may hold the loop.
      let giveUpTimer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<void>((resolve) => (giveUpTimer = setTimeout(resolve, graceMs + 2_000)));
      await Promise.race([exited, giveUp]);
      clearTimeout(killTimer);
      clearTimeout(giveUpTimer);
      exitWaiter = null;
      proc = null;
      state = 'stopped';
    },
  };
}

export type Supervisor = ReturnType<typeof createSupervisor>;
