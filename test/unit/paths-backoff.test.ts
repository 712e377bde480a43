import { describe, expect, it } from 'vitest';
import { appDataDir } from '../../main/app/paths.ts';
import { backoffDelay } from '../../main/queue/backoff.ts';
import { allowlistEnv, utilityExecArgv } from '../../main/workers/launcher.ts';
import { parseFromWorker } from '../../main/workers/protocol.ts';

describe('appDataDir', () => {
  it('matches Electron userData for "Pallet" on each platform', () => {
    expect(appDataDir('linux', { HOME: '/home/s' })).toBe('/home/s/.config/Pallet');
    expect(appDataDir('linux', { HOME: '/home/s', XDG_CONFIG_HOME: '/x' })).toBe('/x/Pallet');
    expect(appDataDir('darwin', { HOME: '/Users/s' })).toBe('/Users/s/Library/Application Support/Pallet');
    expect(appDataDir('win32', { APPDATA: 'C:/Users/s/AppData/Roaming' })).toMatch(/Roaming.Pallet$/);
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt with equal jitter and a cap', () => {
    const p = { baseMs: 1000, maxMs: 5000 };
    expect(backoffDelay(1, { ...p, random: () => 0 })).toBe(500);
    expect(backoffDelay(1, { ...p, random: () => 0.999999 })).toBe(1000);
    expect(backoffDelay(3, { ...p, random: () => 0 })).toBe(2000);
    expect(backoffDelay(50, { ...p, random: () => 0 })).toBe(2500);
  });
});

describe('allowlistEnv', () => {
  it('keeps allowlisted and PALLET_* settings, drops secrets and everything else', () => {
    const env = allowlistEnv({
      PATH: '/bin',
      PALLET_HEARTBEAT_MS: '5',
      PALLET_SPAPI_TOKEN: 't',
      AWS_SECRET: 's',
      HOME: '/h',
    });
    expect(env).toEqual({ PATH: '/bin', PALLET_HEARTBEAT_MS: '5', HOME: '/h' });
  });

  it('an installed app never passes the endpoints that would send credentials elsewhere', () => {
    const source = {
      PALLET_LWA_URL: 'http://127.0.0.1:9/token',
      PALLET_SPAPI_ENDPOINT: 'http://127.0.0.1:9',
      PALLET_SQLITE_BINDING: '/x.node',
    };
    expect(allowlistEnv(source)).toEqual(source);
    expect(allowlistEnv(source, [], { packaged: true })).toEqual({ PALLET_SQLITE_BINDING: '/x.node' });
  });
});

describe('utilityExecArgv', () => {
  it('folds V8 flags into --js-flags (a utility process ignores bare V8 flags) and reports Node-only flags it would drop', () => {
    expect(
      utilityExecArgv({
        v8Flags: ['--max-semi-space-size=4', '--max-old-space-size=96'],
        execArgv: ['--import', 'tsx', '--trace-warnings'],
      }),
    ).toEqual({
      execArgv: ['--js-flags=--max-semi-space-size=4 --max-old-space-size=96', '--trace-warnings'],
      dropped: ['--import', 'tsx'],
    });
    expect(utilityExecArgv({})).toEqual({ execArgv: [], dropped: [] });
  });
});

describe('parseFromWorker', () => {
  it('accepts well-formed messages and rejects anything else', () => {
    expect(parseFromWorker({ type: 'done', jobId: 1, result: 2 })).not.toBeNull();
    expect(parseFromWorker({ type: 'ready', protocolVersion: 1, kinds: ['a'], pid: 3 })).not.toBeNull();
    for (const bad of [
      null,
      'x',
      {},
      { type: 'done' },
      { type: 'done', jobId: '1' },
      { type: 'error', jobId: 1, code: 'x' },
      { type: 'heartbeat', running: ['a'] },
      { type: 'evil' },
    ]) {
      expect(parseFromWorker(bad)).toBeNull();
    }
  });
});
