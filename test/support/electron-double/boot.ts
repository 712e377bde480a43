// The boot driver: starts an app's main entry under the Electron double in a child Node process and drives it the way
// the OS and the renderer would (ready, app events, renderer invokes, tray and notification clicks).
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlReply, DoubleState, FinalState, Notice } from './types.ts';

export type { DoubleState } from './types.ts';

// Not register.ts itself: see preload.mjs (worker threads of the booted main run the preload too).
const PRELOAD = new URL('./preload.mjs', import.meta.url).href;

export interface BootOptions {
  /** The main entry, e.g. /work/main/dist/node/main.js. */
  entry: string;
  argv?: string[];
  /**
   * Added to the inherited environment (minus the test runner's VITEST* and NODE_ENV). PALLET_DOUBLE_APPDATA,
   * PALLET_DOUBLE_HOME (what app.getPath('home'/'downloads'/...) build on) and PALLET_DOUBLE_RESOURCES
   * (process.resourcesPath) default to fresh temp folders.
   */
  env?: Record<string, string>;
  /** 'auto' (default) emits ready just after the entry's top-level code ran; 'manual' waits for driver.ready(). */
  readyMode?: 'auto' | 'manual';
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface MainDriver {
  readonly pid: number;
  /** The appData folder the booted main uses. */
  readonly appData: string;
  /** The home folder app.getPath('home'), 'downloads', 'documents'... are under. */
  readonly home: string;
  /** process.resourcesPath in the booted main. */
  readonly resourcesPath: string;
  /** Emits will-finish-launching and ready (a no-op once ready). */
  ready(): Promise<void>;
  /** Emits an app event with a preventable event object (second-instance waits for ready, as in Electron). */
  emitApp(
    event: string,
    ...args: unknown[]
  ): Promise<{ defaultPrevented: boolean; listeners: number; queued: boolean }>;
  /** Emits a powerMonitor event (suspend, resume, lock-screen...). */
  emitPowerMonitor(event: string): Promise<void>;
  /** A serializable snapshot of the double; after exit, the last state sent before exiting. */
  state(): Promise<DoubleState>;
  /** ipcRenderer.invoke from a window's main frame (default: the first open window), with Electron's error texts. */
  invoke(channel: string, payload?: unknown, windowId?: number): Promise<unknown>;
  /** ipcRenderer.send from a window's main frame. */
  sendFromRenderer(channel: string, payload?: unknown, windowId?: number): Promise<void>;
  /** A subresource (an <img>) of a window's page through the scheme's protocol.handle handler; body in base64. */
  subresource(url: string, windowId?: number): Promise<{ status: number; contentType: string | null; body: string }>;
  /** The page navigating itself: will-navigate listeners may prevent it. */
  navigate(url: string, windowId?: number): Promise<{ prevented: boolean }>;
  /** The page calling window.open: returns the window-open handler's action. */
  windowOpen(url: string, windowId?: number): Promise<{ action: string }>;
  /** A page asking for a permission: the default session's request and check handlers' answers (null: none set). */
  requestPermission(permission: string, windowId?: number): Promise<{ request: boolean | null; check: boolean | null }>;
  /** The user closing a window. */
  closeWindow(windowId?: number): Promise<void>;
  /** Polls state() until the predicate holds; rejects with the last state after timeoutMs. */
  waitFor(predicate: (s: DoubleState) => boolean, timeoutMs?: number): Promise<DoubleState>;
  /** The button index every later message box answers (null: cancelId if given, else 0). */
  answerDialogs(response: number | null): Promise<void>;
  /** What later open/save dialogs answer (null: cancelled). */
  answerFileDialogs(filePaths: string[] | null): Promise<void>;
  /** What net.isOnline() answers from now on. */
  setOnline(online: boolean): Promise<void>;
  /** Clicks notification `index` (in show order); delivered is false when the app let it be garbage-collected. */
  clickNotification(index: number): Promise<{ delivered: boolean }>;
  /** Clicks the tray context-menu item with this label. */
  clickTray(label: string): Promise<void>;
  /** Runs a full GC in the booted main. */
  gc(): Promise<void>;
  /** Calls app.quit() (the process exits if nothing prevents it). */
  quit(): Promise<void>;
  /** Sends a signal to the booted main (default SIGKILL). */
  kill(signal?: NodeJS.Signals): void;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<ExitInfo>;
}

/** Boots `entry` as Electron's main under the double; resolves once the entry's top-level code has run. */
export async function bootMain(opts: BootOptions): Promise<MainDriver> {
  const appData = opts.env?.PALLET_DOUBLE_APPDATA ?? mkdtempSync(join(tmpdir(), 'pallet-double-appdata-'));
  const home = opts.env?.PALLET_DOUBLE_HOME ?? mkdtempSync(join(tmpdir(), 'pallet-double-home-'));
  const resourcesPath = opts.env?.PALLET_DOUBLE_RESOURCES ?? mkdtempSync(join(tmpdir(), 'pallet-double-resources-'));
  // A real launch has no test runner around it.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => v !== undefined && !k.startsWith('VITEST') && k !== 'NODE_ENV'),
  ) as Record<string, string>;
  const env: Record<string, string> = {
    ...inherited,
    PALLET_DOUBLE_APPDATA: appData,
    PALLET_DOUBLE_HOME: home,
    PALLET_DOUBLE_RESOURCES: resourcesPath,
    ...(opts.env ?? {}),
    PALLET_DOUBLE_CONTROL: '1',
    PALLET_DOUBLE_READY_MODE: opts.readyMode ?? 'auto',
  };
  // A test runner's own loader options must not leak into the booted main.
  delete env.NODE_OPTIONS;
  const child = fork(opts.entry, opts.argv ?? [], {
    execArgv: ['--expose-gc', '--import', import.meta.resolve('tsx'), '--import', PRELOAD],
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));

  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let lastState: DoubleState | null = null;
  let gone = false;

  const exited = new Promise<ExitInfo>((resolve) => {
    child.on('close', (code, signal) => {
      gone = true;
      for (const p of pending.values())
        p.reject(new Error(`electron-double: the booted main exited (code ${code}, signal ${signal})`));
      pending.clear();
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  let started!: () => void;
  const entryRan = new Promise<void>((r) => (started = r));
  void exited.then(() => started());
  child.on('message', (raw: unknown) => {
    const msg = raw as ControlReply | FinalState | Notice;
    if (msg?.kind === 'pallet-double-notice') started();
    else if (msg?.kind === 'pallet-double-final') lastState = msg.state;
    else if (msg?.kind === 'pallet-double-reply') {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.ok) p?.resolve(msg.value);
      else p?.reject(new Error(msg.error));
    }
  });

  const call = <T>(op: string, ...args: unknown[]): Promise<T> => {
    if (gone || !child.connected)
      return Promise.reject(new Error(`electron-double: the booted main is not running (op '${op}')`));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ kind: 'pallet-double-control', id, op, args });
    });
  };

  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  // Resolve once the entry's top-level code ran (or it failed, or the process ended), so early app events find
  // their listeners; a slow entry is given up on after a while and its state can still be inspected.
  await Promise.race([entryRan, new Promise((r) => setTimeout(r, 30_000).unref())]);

  const state = async (): Promise<DoubleState> => {
    if (gone || !child.connected) {
      if (lastState) return lastState;
      throw new Error(`electron-double: the booted main exited before any state was read\n${err}`);
    }
    try {
      lastState = await call<DoubleState>('state');
    } catch (e) {
      if (lastState && gone) return lastState;
      throw e;
    }
    return lastState;
  };

  return {
    pid: child.pid!,
    appData,
    home,
    resourcesPath,
    ready: () => call('emitReady'),
    emitApp: (event, ...args) => call('emitApp', event, ...args),
    emitPowerMonitor: (event) => call('emitPowerMonitor', event),
    state,
    invoke: (channel, payload, windowId) => call('invoke', channel, payload, windowId),
    sendFromRenderer: (channel, payload, windowId) => call('sendFromRenderer', channel, payload, windowId),
    subresource: (url, windowId) => call('subresource', url, windowId),
    navigate: (url, windowId) => call('navigate', url, windowId),
    windowOpen: (url, windowId) => call('windowOpen', url, windowId),
    requestPermission: (permission, windowId) => call('requestPermission', permission, windowId),
    closeWindow: (windowId) => call('closeWindow', windowId),
    async waitFor(predicate, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const s = await state();
        if (predicate(s)) return s;
        if (Date.now() > end || gone)
          throw new Error(
            `electron-double: waitFor timed out after ${timeoutMs} ms; last state:\n${JSON.stringify(s, null, 1)}\nstderr:\n${err}`,
          );
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    answerDialogs: (response) => call('answerDialogs', response),
    answerFileDialogs: (filePaths) => call('answerFileDialogs', filePaths),
    setOnline: (online) => call('setOnline', online),
    clickNotification: (index) => call('clickNotification', index),
    clickTray: (label) => call('clickTray', label),
    gc: () => call('gc'),
    quit: () => call('quit'),
    kill: (signal = 'SIGKILL') => void child.kill(signal),
    stdout: () => out,
    stderr: () => err,
    exited,
  };
}
