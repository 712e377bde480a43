import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseFromWorker, parseToWorker, type FromWorker, type ToWorker } from '../../../main/workers/protocol.ts';
import { startWorkerHost } from '../../../main/workers/runtime/host.ts';
import { watchParent } from '../../../main/workers/runtime/parent-watch.ts';
import type { ParentPort } from '../../../main/workers/runtime/parent-port.ts';

const job = { id: 7, kind: 'work', payload: { a: 1 }, checkpoint: null, attempt: 1, leaseToken: 'tok' };

describe('parseToWorker', () => {
  it('accepts each well-formed message as it is', () => {
    const good: ToWorker[] = [
      { type: 'run', job },
      { type: 'run', job: { ...job, payload: undefined, checkpoint: { i: 3 } } },
      { type: 'cancel', jobId: 7, reason: 'cancel' },
      { type: 'cancel', jobId: 7, reason: 'pause' },
      { type: 'cancel', jobId: 7, reason: 'yield' },
      { type: 'secrets', values: { 'spapi.clientId': 'id', other: '' } },
      { type: 'secrets', values: {} },
      { type: 'shutdown' },
    ];
    for (const m of good) expect(parseToWorker(m)).toBe(m);
  });

  it('refuses every malformed shape', () => {
    const { id: _id, ...noId } = job;
    const { leaseToken: _t, ...noLease } = job;
    for (const bad of [
      null,
      undefined,
      'run',
      42,
      [],
      {},
      { type: 'evil' },
      { type: 'run' },
      { type: 'run', job: null },
      { type: 'run', job: 'x' },
      { type: 'run', job: noId },
      { type: 'run', job: { ...job, id: '7' } },
      { type: 'run', job: { ...job, id: 1.5 } },
      { type: 'run', job: { ...job, kind: 3 } },
      { type: 'run', job: { ...job, attempt: '1' } },
      { type: 'run', job: { ...job, attempt: NaN } },
      { type: 'run', job: noLease },
      { type: 'run', job: { ...job, leaseToken: null } },
      { type: 'cancel' },
      { type: 'cancel', jobId: 7 },
      { type: 'cancel', jobId: '7', reason: 'cancel' },
      { type: 'cancel', jobId: 7, reason: 'kill' },
      { type: 'secrets' },
      { type: 'secrets', values: null },
      { type: 'secrets', values: ['a'] },
      { type: 'secrets', values: { a: 1 } },
      { type: 'secrets', values: { a: 'x', b: null } },
    ]) {
      expect(parseToWorker(bad), JSON.stringify(bad) ?? String(bad)).toBeNull();
    }
  });
});

describe('parseFromWorker', () => {
  it('accepts each well-formed message as it is', () => {
    const good: FromWorker[] = [
      { type: 'ready', protocolVersion: 1, kinds: ['a'], pid: 3 },
      { type: 'progress', jobId: 1, progress: { total: 2, done: 1 } },
      { type: 'checkpoint', jobId: 1, state: { i: 1 } },
      { type: 'done', jobId: 1, result: 2 },
      { type: 'error', jobId: 1, code: 'x', message: 'y', retryable: false },
      { type: 'stopped', jobId: 1 },
      { type: 'waiting_network', jobId: 1, message: 'offline' },
      { type: 'heartbeat', running: [1, 2] },
      { type: 'log', level: 'warn', message: 'm' },
    ];
    for (const m of good) expect(parseFromWorker(m)).toBe(m);
  });

  it('refuses every malformed shape', () => {
    for (const bad of [
      null,
      'x',
      {},
      { type: 'evil' },
      { type: 'ready', protocolVersion: 1, kinds: [1], pid: 3 },
      { type: 'ready', protocolVersion: 1, kinds: ['a'] },
      { type: 'progress', jobId: 1 },
      { type: 'progress', jobId: 1, progress: null },
      { type: 'done' },
      { type: 'done', jobId: '1' },
      { type: 'stopped', jobId: 1.5 },
      { type: 'error', jobId: 1, code: 'x' },
      { type: 'error', jobId: 1, code: 'x', message: 'y', retryable: 'no' },
      { type: 'waiting_network', jobId: 1 },
      { type: 'heartbeat', running: ['a'] },
      { type: 'heartbeat' },
      { type: 'log', level: 'fatal', message: 'm' },
      { type: 'log', level: 'info' },
    ]) {
      expect(parseFromWorker(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

describe('worker host message handling', () => {
  // The host would exit this (test) process when its parent goes; the watch is idempotent, so it stays off.
  watchParent({ link: 'none' });
  let sent: FromWorker[];
  let deliver: (data: unknown) => void;
  const ran: unknown[] = [];

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    sent = [];
    ran.length = 0;
    const port: ParentPort = {
      postMessage: (m) => void sent.push(m as FromWorker),
      on: (_event, listener) => void (deliver = (data) => listener({ data })),
    };
    startWorkerHost(
      {
        work: async (ctx) => {
          ran.push(ctx.job.payload);
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
          return 'finished';
        },
      },
      { port },
    );
  });
  afterEach(() => vi.useRealTimers());

  it('logs a malformed message back to main and ignores it, without quoting what it carried', async () => {
    for (const bad of [
      null,
      'run',
      { type: 'run', job: { ...job, id: '7' } },
      { type: 'cancel', jobId: 7, reason: 'kill' },
      { type: 'secrets', values: { clientSecret: 'hunter2', n: 1 } },
    ]) {
      expect(() => deliver(bad)).not.toThrow();
    }
    await Promise.resolve();
    expect(ran).toEqual([]);
    const logs = sent.filter((m) => m.type === 'log');
    expect(logs).toHaveLength(5);
    expect(logs.every((m) => m.type === 'log' && m.level === 'error')).toBe(true);
    expect(logs.map((m) => (m.type === 'log' ? m.message : ''))).toEqual([
      'The worker ignored a malformed message from main (type object).',
      'The worker ignored a malformed message from main (type string).',
      'The worker ignored a malformed message from main (type "run").',
      'The worker ignored a malformed message from main (type "cancel").',
      'The worker ignored a malformed message from main (type "secrets").',
    ]);
    expect(JSON.stringify(sent)).not.toContain('hunter2');
  });

  it('runs and cancels on well-formed messages', async () => {
    deliver({ type: 'run', job });
    await vi.waitFor(() => expect(ran).toEqual([{ a: 1 }]));
    deliver({ type: 'cancel', jobId: job.id, reason: 'cancel' });
    await vi.waitFor(() => expect(sent).toContainEqual({ type: 'stopped', jobId: job.id }));
    expect(sent.some((m) => m.type === 'log')).toBe(false);
  });
});
