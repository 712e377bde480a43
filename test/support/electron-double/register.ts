// Sets a booted main up as Electron's main: `node --expose-gc --import tsx --import <this file> <entry>` works for the
// main thread, but bootMain imports it through preload.mjs, since worker threads run `--import` preloads too and cannot
// load TypeScript. In the process bootMain starts (PALLET_DOUBLE_CONTROL=1) it makes `electron` resolve to the double
// (ESM and CJS), sets the process up and answers the driver over Node's IPC channel; anywhere else (children that
// inherited execArgv, i.e. Electron-as-Node) it only installs the native-module ABI rule.
import Module, { register, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import workerThreads, { isMainThread, type WorkerOptions } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { applyElectronVersions, installAbiRule } from './abi.ts';
import type { ControlReply, ControlRequest, FinalState, Notice } from './types.ts';

installAbiRule();

if (isMainThread && process.env.PALLET_DOUBLE_CONTROL === '1') await setUpMain();

async function setUpMain(): Promise<void> {
  // Children of the booted main must not think they are it.
  delete process.env.PALLET_DOUBLE_CONTROL;
  const readyMode = process.env.PALLET_DOUBLE_READY_MODE === 'manual' ? 'manual' : 'auto';

  const proc = process as NodeJS.Process & { type?: string; resourcesPath?: string; defaultApp?: boolean };
  proc.type = 'browser';
  applyElectronVersions();
  // Lets this process's worker threads know they belong to the booted main (children get another pid).
  process.env.PALLET_DOUBLE_MAIN_PID = String(process.pid);
  proc.resourcesPath = process.env.PALLET_DOUBLE_RESOURCES || join(tmpdir(), 'electron-double-resources');
  if (process.env.PALLET_DOUBLE_PACKAGED !== '1') proc.defaultApp = true;

  const entry = process.argv[1] ? resolvePath(process.argv[1]) : '';
  const electronUrl = new URL('./electron.ts', import.meta.url).href;
  register(new URL('./hooks.ts', import.meta.url).href, {
    data: { electronUrl, entryUrl: entry ? pathToFileURL(entry).href : '' },
  });

  const { getDouble } = await import('./double.ts');
  const { electron, control } = getDouble();

  // CJS: `require('electron')` gets the same object through a pre-filled cache entry.
  const virtualPath = new URL('./electron.cjs-virtual', import.meta.url).pathname;
  const M = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
    _cache: Record<string, unknown>;
    _load: (request: string, parent: unknown, isMain: boolean) => unknown;
    new (id: string): { exports: unknown; loaded: boolean; filename: string };
  };
  const cached = new M(virtualPath);
  cached.exports = electron;
  cached.loaded = true;
  cached.filename = virtualPath;
  M._cache[virtualPath] = cached;
  const resolveFilename = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === 'electron' || request === 'electron/main' || request === 'electron/common') return virtualPath;
    return resolveFilename.call(this, request, ...rest);
  };

  // Electron's main has no process.send: keep the channel for the driver only.
  const rawSend = process.send!.bind(process) as (
    message: unknown,
    callback?: (error: Error | null) => void,
  ) => boolean;
  delete (process as { send?: unknown }).send;
  // The driver may be gone (a killed test): losing a message must not become the app's uncaught exception.
  const send = (message: unknown, callback?: (error: Error | null) => void) => {
    if (!process.connected) {
      callback?.(null);
      return false;
    }
    return rawSend(message, callback);
  };
  process.on('disconnect', () => process.exit(130));

  // Eval workers run no --import preload, so they get the ABI rule prepended (same line: stack lines stay put).
  const abiCore = JSON.stringify(fileURLToPath(new URL('./abi-core.cjs', import.meta.url)));
  const Original = workerThreads.Worker;
  class Worker extends Original {
    constructor(filename: string | URL, options?: WorkerOptions) {
      super(
        options?.eval && typeof filename === 'string' ? `require(${abiCore}).installAbiRule();${filename}` : filename,
        options,
      );
    }
  }
  (workerThreads as { Worker: typeof Original }).Worker = Worker;
  syncBuiltinESMExports();

  // Electron's default: with no handler of the app's own, an uncaught exception shows an error box; main keeps running.
  process.on('uncaughtException', (error) => {
    if (process.listenerCount('uncaughtException') > 1) return;
    control.recordUncaught(error);
    // bootMain waits for the entry's top-level code; an entry that failed to load never gets there.
    send({ kind: 'pallet-double-notice', notice: 'uncaught' } satisfies Notice);
  });
  // On POSIX, SIGINT/SIGTERM call Browser::Quit.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => electron.app.quit());

  control.setBeforeExit(
    (_code) =>
      new Promise<void>((done) => {
        const final: FinalState = { kind: 'pallet-double-final', state: control.state() };
        const timer = setTimeout(done, 2_000);
        send(final, () => {
          clearTimeout(timer);
          done();
        });
      }),
  );

  const ops = control as unknown as Record<string, (...args: unknown[]) => unknown>;
  process.on('message', (raw: unknown) => {
    const msg = raw as ControlRequest;
    if (msg?.kind !== 'pallet-double-control') return;
    const reply = (r: Omit<ControlReply, 'kind' | 'id'>) =>
      send({ kind: 'pallet-double-reply', id: msg.id, ...r } satisfies ControlReply);
    const fn = ops[msg.op];
    if (typeof fn !== 'function' || msg.op === 'setBeforeExit' || msg.op === 'recordUncaught') {
      reply({ ok: false, error: `electron-double: unknown op '${msg.op}'` });
      return;
    }
    Promise.resolve()
      .then(() => fn(...msg.args))
      .then(
        (value) => reply({ ok: true, value }),
        (error: unknown) => reply({ ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });

  // 'ready' in auto mode: shortly after the entry's top-level code has run (ESM: the hook's trailing call; CJS: _load).
  let signalled = false;
  const entryDone = () => {
    if (signalled) return;
    signalled = true;
    send({ kind: 'pallet-double-notice', notice: 'entry-done' } satisfies Notice);
    if (readyMode === 'auto') setTimeout(() => control.emitReady(), 10);
  };
  (globalThis as Record<symbol, unknown>)[Symbol.for('pallet.electron-double.entryDone')] = entryDone;
  const load = M._load;
  M._load = function (request: string, parent: unknown, isMain: boolean) {
    const result = load.call(this, request, parent, isMain);
    if (isMain) entryDone();
    return result;
  };
}
