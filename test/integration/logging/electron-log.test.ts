// The real electron-log behind createAppLog, with a recording stand-in for the `electron` module (CommonJS, put in
// require's cache: electron-log requires it, and the real package would try to download a binary under Node).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'pallet-electron-log-'));
const touched = new Set<string>();
const listeners = new Map<string, number>();
const handlers = new Set<string>();

// Every property read is recorded: what electron-log touches is what the strict Electron double must provide.
const recording = <T extends object>(name: string, target: T): T =>
  new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === 'string') touched.add(`${name}.${key}`);
      return Reflect.get(t, key, receiver);
    },
  });
const fakeElectron = recording('electron', {
  app: recording('app', {
    isPackaged: false,
    name: 'Pallet',
    getName: () => 'Pallet',
    getVersion: () => '0.1.0',
    getPath(name: string): string {
      if (name === 'logs') return join(root, 'default-logs');
      throw new Error(`app.getPath('${name}') is not faked`);
    },
    isReady: () => true,
    on: () => undefined,
    off: () => undefined,
    once: () => undefined,
  }),
  ipcMain: recording('ipcMain', {
    on: (channel: string) => void listeners.set(channel, (listeners.get(channel) ?? 0) + 1),
    handle: (channel: string) => void handlers.add(channel),
    removeAllListeners: (channel: string) => void listeners.delete(channel),
    removeHandler: (channel: string) => void handlers.delete(channel),
  }),
});

let createAppLog: typeof import('../../../main/electron/logging.ts').createAppLog;
let LOG_MAX_BYTES: number;

beforeAll(async () => {
  const path = require.resolve('electron');
  const m = new Module(path);
  m.filename = path;
  m.loaded = true;
  m.exports = fakeElectron;
  require.cache[path] = m;
  ({ createAppLog, LOG_MAX_BYTES } = await import('../../../main/electron/logging.ts'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const lines = (file: string) => readFileSync(file, 'utf8').trim().split(/\r?\n/);

describe('createAppLog with electron-log', () => {
  it('writes main, scoped and worker lines to <dir>/main.log', () => {
    const dir = join(root, 'logs');
    const log = createAppLog({ dir, console: false });
    expect(log.file).toBe(join(dir, 'main.log'));
    log.info('Pallet 0.1.0 started');
    log.scope('updater').warn('Update check failed (offline)');
    log.lineSink('worker-1', 'stderr')('\x1b[31mboom\x1b[0m');
    log.lineSink('worker-1')('row 5 imported');
    log.error('Something broke');
    const got = lines(log.file);
    expect(got).toHaveLength(5);
    expect(got[0]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[info\] +Pallet 0\.1\.0 started$/);
    expect(got[1]).toMatch(/\[warn\] +\(updater\) +Update check failed \(offline\)$/);
    expect(got[2]).toMatch(/\[warn\] +\[worker-1\] boom$/);
    expect(got[3]).toMatch(/\[info\] +\[worker-1\] row 5 imported$/);
    expect(got[4]).toMatch(/\[error\] +Something broke$/);
  });

  it('leaves no IPC of its own in main and never touches windows, sessions or dialogs', () => {
    expect([...listeners.keys(), ...handlers]).toEqual([]);
    const surface = [...touched].sort();
    expect(surface.filter((k) => /BrowserWindow|session|webContents|dialog|shell/.test(k))).toEqual([]);
    // What the strict double must answer for electron-log (recorded, so a change in electron-log shows up here).
    expect(surface).toEqual(
      expect.arrayContaining([
        'electron.app',
        'electron.ipcMain',
        'ipcMain.on',
        'ipcMain.handle',
        'ipcMain.removeAllListeners',
        'ipcMain.removeHandler',
        'app.isPackaged',
      ]),
    );
  });

  it('rotates at 5 MiB into main.1.log … main.3.log, dropping older ones', () => {
    const dir = join(root, 'rotating');
    const log = createAppLog({ dir, console: false });
    const chunk = 'z'.repeat(1024 * 1024);
    // 26 MiB in all: enough for more rotations than archives are kept.
    for (let i = 0; i < 26; i++) log.info(`${i} ${chunk}`);
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.3.log', 'main.log']);
    for (const f of readdirSync(dir))
      expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(LOG_MAX_BYTES + 2 * (chunk.length + 100));
    // Newest content stays in main.log, the next newest in main.1.log.
    expect(lines(join(dir, 'main.log')).at(-1)).toMatch(/\] +25 z+$/);
    const first = (f: string) => Number(/\] +(\d+) z/.exec(lines(join(dir, f))[0]!)![1]);
    expect(first('main.1.log')).toBeLessThan(first('main.log'));
    expect(first('main.2.log')).toBeLessThan(first('main.1.log'));
    expect(first('main.3.log')).toBeLessThan(first('main.2.log'));
  });

  it("defaults to app.getPath('logs')", () => {
    const log = createAppLog({ console: false });
    expect(log.dir).toBe(join(root, 'default-logs'));
  });
});
