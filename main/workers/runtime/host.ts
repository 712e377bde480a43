import { DISK_FULL_MESSAGE, isDiskFull } from '../../files/write-errors.ts';
import { parseToWorker, PROTOCOL_VERSION, type FromWorker, type ToWorker } from '../protocol.ts';
import { getParentPort, onParentGone, type ParentPort } from './parent-port.ts';
import { setWorkerSecrets } from './secrets.ts';
import { onThrottle, RATE_LIMITED } from './throttle.ts';
import { dispatchTable, NetworkUnavailableError, TaskError, type TasksByKind } from './task.ts';

export interface HostOptions {
  heartbeatMs?: number;
  /** How long shutdown waits for tasks to stop before exiting anyway. */
  shutdownGraceMs?: number;
  port?: ParentPort;
}

/** Runs inside a worker process: announces its kinds, runs jobs with an AbortSignal, heartbeats, shuts down cleanly. */
export function startWorkerHost<T extends TasksByKind<T>>(byKind: T, opts: HostOptions = {}): void {
  const tasks = dispatchTable(byKind);
  const port = opts.port ?? getParentPort();
  const send = (m: FromWorker) => port.postMessage(m);
  const running = new Map<number, { abort: AbortController; done: Promise<void> }>();
  const heartbeatMs = opts.heartbeatMs ?? Number(process.env.PALLET_HEARTBEAT_MS ?? 1000);

  // A 429 slows every job of this process that calls Amazon; each running job's log says so.
  onThrottle((message) => {
    for (const jobId of running.keys()) send({ type: 'log', level: 'warn', message, jobId, code: RATE_LIMITED });
  });

  const heartbeat = setInterval(() => send({ type: 'heartbeat', running: [...running.keys()] }), heartbeatMs);

  async function run(job: Extract<ToWorker, { type: 'run' }>['job']): Promise<void> {
    const task = tasks[job.kind];
    if (!task) {
      send({
        type: 'error',
        jobId: job.id,
        code: 'unknown_kind',
        message: `This worker cannot run "${job.kind}" jobs.`,
        retryable: false,
      });
      return;
    }
    const abort = new AbortController();
    const log = (level: 'info' | 'warn' | 'error') => (message: string) =>
      send({ type: 'log', level, message, jobId: job.id });
    const done = (async () => {
      try {
        const result = await task({
          job,
          signal: abort.signal,
          progress: (progress) => send({ type: 'progress', jobId: job.id, progress }),
          checkpoint: (state) => send({ type: 'checkpoint', jobId: job.id, state }),
          log: { info: log('info'), warn: log('warn'), error: log('error') },
        });
        if (abort.signal.aborted) send({ type: 'stopped', jobId: job.id });
        else send({ type: 'done', jobId: job.id, result });
      } catch (err) {
        if (abort.signal.aborted) send({ type: 'stopped', jobId: job.id });
        else if (err instanceof NetworkUnavailableError)
          send({ type: 'waiting_network', jobId: job.id, message: err.message });
        else if (err instanceof TaskError)
          send({ type: 'error', jobId: job.id, code: err.code, message: err.message, retryable: err.retryable });
        else if (isDiskFull(err))
          send({ type: 'error', jobId: job.id, code: 'disk_full', message: DISK_FULL_MESSAGE, retryable: false });
        else
          send({
            type: 'error',
            jobId: job.id,
            code: 'task_crashed',
            message: err instanceof Error ? err.message : String(err),
            retryable: true,
          });
      } finally {
        running.delete(job.id);
      }
    })();
    running.set(job.id, { abort, done });
  }

  async function shutdown(): Promise<void> {
    clearInterval(heartbeat);
    for (const r of running.values()) r.abort.abort(new Error('shutdown'));
    const grace = new Promise((resolve) => setTimeout(resolve, opts.shutdownGraceMs ?? 5000).unref());
    await Promise.race([Promise.all([...running.values()].map((r) => r.done)), grace]);
    process.exit(0);
  }

  port.on('message', ({ data }) => {
    const m = parseToWorker(data);
    if (!m) {
      // Reported and dropped, never thrown: a bad message must not take down the jobs this worker runs. Only the
      // type is quoted, as the message may carry secrets.
      const t = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;
      const type = typeof t === 'string' ? JSON.stringify(t.slice(0, 50)) : typeof data;
      send({
        type: 'log',
        level: 'error',
        message: `The worker ignored a malformed message from main (type ${type}).`,
      });
      return;
    }
    if (m.type === 'run') void run(m.job);
    else if (m.type === 'cancel') running.get(m.jobId)?.abort.abort(new Error(m.reason));
    else if (m.type === 'shutdown') void shutdown();
    else setWorkerSecrets(m.values);
  });
  onParentGone(() => process.exit(0));
  send({ type: 'ready', protocolVersion: PROTOCOL_VERSION, kinds: Object.keys(tasks), pid: process.pid });
}
