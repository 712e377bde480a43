import { describe, expect, it } from 'vitest';
import { createRouter, IpcError, type Handlers } from '../../../main/ipc/router.ts';
import { JobNotFoundError } from '../../../main/queue/errors.ts';
import { classifyError } from '../../../main/ipc/handlers/index.ts';
import { INPUT_SCHEMAS } from '../../../preload/contract/schemas.ts';

const ORIGIN = 'app://pallet';
const ok = { url: 'app://pallet/index.html', isMainFrame: true };
const calls: [string, unknown][] = [];
// Records what reached each handler: the router is the unit under test here.
const handlers = new Proxy({} as Handlers, {
  get: (_t, channel: string) => (input: unknown) => {
    calls.push([channel, input]);
    if (channel === 'jobs:get') throw new JobNotFoundError((input as { id: number }).id);
    if (channel === 'jobs:cancel') throw new IpcError('CONFLICT', 'Already finished.');
    if (channel === 'jobs:retry') throw new Error('disk I/O error at /home/me/secret');
    return { echoed: input };
  },
});
const errors: string[] = [];
const router = createRouter({
  handlers,
  appOrigin: ORIGIN,
  classify: classifyError,
  onInternalError: (c) => errors.push(c),
});

describe('IPC router', () => {
  it('routes a valid call from the app frame', async () => {
    expect(await router.handle('jobs:list', { status: 'running' }, ok)).toEqual({
      ok: true,
      value: { echoed: { status: 'running' } },
    });
    expect(await router.handle('app:info', undefined, ok)).toMatchObject({ ok: true });
  });

  it('routes app:openLogs with no input and refuses any input', async () => {
    calls.length = 0;
    expect(await router.handle('app:openLogs', undefined, ok)).toEqual({ ok: true, value: { echoed: undefined } });
    expect(await router.handle('app:openLogs', { path: '/etc' }, ok)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(calls).toEqual([['app:openLogs', undefined]]);
  });

  it('has a schema and a route for every channel', () => {
    expect(router.channels.sort()).toEqual(Object.keys(INPUT_SCHEMAS).sort());
  });

  it('refuses other senders before looking at anything else', async () => {
    calls.length = 0;
    for (const sender of [
      { url: 'https://evil.example/', isMainFrame: true },
      { url: 'app://pallet/index.html', isMainFrame: false },
    ]) {
      expect(await router.handle('jobs:list', undefined, sender)).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: 'This frame may not call Pallet.' },
      });
    }
    expect(calls).toEqual([]);
  });

  it('refuses unknown channels, bad and oversized payloads with clear codes', async () => {
    expect(await router.handle('fs:readFile', {}, ok)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await router.handle(42, {}, ok)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await router.handle('jobs:get', { id: -1 }, ok)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/id/) },
    });
    expect(await router.handle('jobs:get', { id: 1, extra: true }, ok)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await router.handle('jobs:get', '1', ok)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await router.handle('imports:start', { path: 'x'.repeat(70_000) }, ok)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/too large/) },
    });
    expect(await router.handle('imports:start', { path: '/a.csv', mapping: { UPC: 'colour' } }, ok)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await router.handle('jobs:get', cyclic, ok)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'The request is not plain data.' },
    });
  });

  it('maps domain errors to codes and hides internal details', async () => {
    expect(await router.handle('jobs:get', { id: 7 }, ok)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/7/) },
    });
    expect(await router.handle('jobs:cancel', { id: 7 }, ok)).toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: 'Already finished.' },
    });
    const internal = await router.handle('jobs:retry', { id: 7 }, ok);
    expect(internal).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.not.stringMatching(/secret/) } });
    expect(errors).toEqual(['jobs:retry']);
  });
});
