import { describe, expect, it } from 'vitest';
import { buildApi } from '../../../preload/build-api.ts';
import { EVENT_CHANNEL, METHODS } from '../../../preload/contract/channels.ts';
import { INPUT_SCHEMAS } from '../../../preload/contract/schemas.ts';

describe('buildApi', () => {
  const invoked: [string, unknown][] = [];
  const subscribed: string[] = [];
  const api = buildApi({
    invoke: async (channel, payload) => (invoked.push([channel, payload]), { ok: true, value: null }),
    subscribe: (channel, listener) => (
      subscribed.push(channel),
      listener({ type: 'queue', paused: true }),
      () => subscribed.pop()
    ),
    pathForFile: () => '/picked/file.csv',
  });

  it('exposes exactly the contract: named methods, onEvent and pathForFile', () => {
    expect(Object.keys(api).sort()).toEqual([...Object.keys(METHODS), 'onEvent', 'pathForFile'].sort());
    // The same top-level keys the e2e and Electron tests list: new calls join an existing namespace.
    expect(Object.keys(api).sort()).toEqual([
      'analysis',
      'app',
      'imports',
      'jobs',
      'lookups',
      'onEvent',
      'pathForFile',
      'products',
      'settings',
    ]);
    for (const [group, methods] of Object.entries(METHODS))
      expect(Object.keys((api as never)[group]).sort()).toEqual(Object.keys(methods).sort());
    const channels = Object.values(METHODS).flatMap((m) => Object.values(m));
    expect(new Set(channels)).toEqual(new Set(Object.keys(INPUT_SCHEMAS)));
  });

  it('sends each method on its channel with its input, and nothing else', async () => {
    await api.jobs.cancel({ id: 3 });
    await api.jobs.pauseAll();
    await api.imports.start({ path: '/x.csv' });
    await api.app.openLogs();
    expect(invoked).toEqual([
      ['jobs:cancel', { id: 3 }],
      ['queue:pause', undefined],
      ['imports:start', { path: '/x.csv' }],
      ['app:openLogs', undefined],
    ]);
  });

  it('subscribes to the event channel and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = api.onEvent((e) => seen.push(e));
    expect(subscribed).toEqual([EVENT_CHANNEL]);
    expect(seen).toEqual([{ type: 'queue', paused: true }]);
    off();
    expect(subscribed).toEqual([]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.jobs)).toBe(true);
  });
});
