// The strict Electron double, main-process side: the `electron` module the app's main sees under plain Node. It
// enforces what Electron 45 enforces (see /work/shared/reference/electron-rules.md, whose messages are used verbatim)
// and records what the app did for the driver. One instance per process, kept on globalThis, so an ESM import and a
// CJS require (possibly two module instances of this file) share it.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { constants as osConstants } from 'node:os';
import { ELECTRON_VERSION } from './abi.ts';
import type { DoubleState, NotificationState, UtilityProcessState, WindowState } from './types.ts';

type AnyFn = (...args: unknown[]) => unknown;

const KEY = Symbol.for('pallet.electron-double');

/** Electron's event object for preventable events. */
export class DoubleEvent {
  defaultPrevented = false;
  returnValue: unknown = undefined;
  constructor(readonly sender?: unknown) {}
  /** Marks the event handled (Electron's preventDefault). */
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** Drops functions and cycles so options can cross the driver's IPC. */
function plain(value: unknown): Record<string, unknown> {
  const seen = new WeakSet<object>();
  return JSON.parse(
    JSON.stringify(value ?? {}, (_k, v: unknown) => {
      if (typeof v === 'function') return undefined;
      if (v && typeof v === 'object') {
        if (seen.has(v)) return undefined;
        seen.add(v);
      }
      return v;
    }),
  ) as Record<string, unknown>;
}

function cloneForIpc(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    // Electron's serializer message for functions, DOM objects and the like.
    throw new Error('An object could not be cloned.');
  }
}

/** The package.json nearest the main entry: Electron reads the app's name and version from it at init. */
function findPackageJson(entry: string | undefined): {
  dir: string;
  pkg: { name?: string; productName?: string; version?: string };
} {
  let dir = entry ? dirname(resolvePath(entry)) : process.cwd();
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file))
      return {
        dir,
        pkg: JSON.parse(readFileSync(file, 'utf8')) as { name?: string; productName?: string; version?: string },
      };
    const up = dirname(dir);
    if (up === dir) return { dir: process.cwd(), pkg: {} };
    dir = up;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Images and menus

function pngSize(buf: Buffer): { width: number; height: number } | null {
  if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47 && buf.toString('latin1', 12, 16) === 'IHDR')
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  return null;
}

function jpegSize(buf: Buffer): { width: number; height: number } | null {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < buf.length) {
    if (buf[i] !== 0xff) return null;
    const marker = buf[i + 1]!;
    const len = buf.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { width: buf.readUInt16BE(i + 7), height: buf.readUInt16BE(i + 5) };
    i += 2 + len;
  }
  return null;
}

/** Electron's NativeImage: decodes PNG/JPEG sizes only; anything undecodable is an empty image, as in Electron. */
export class NativeImage {
  #template = false;
  constructor(
    private readonly data: Buffer | null,
    private readonly size: { width: number; height: number },
  ) {}
  /** Decodes a buffer (PNG or JPEG), empty when it is neither. */
  static fromBuffer(buf: Buffer): NativeImage {
    const size = pngSize(buf) ?? jpegSize(buf);
    return size ? new NativeImage(buf, size) : new NativeImage(null, { width: 0, height: 0 });
  }
  isEmpty(): boolean {
    return this.data === null;
  }
  getSize(): { width: number; height: number } {
    return { ...this.size };
  }
  getAspectRatio(): number {
    return this.size.height ? this.size.width / this.size.height : 1;
  }
  toPNG(): Buffer {
    return this.data ? Buffer.from(this.data) : Buffer.alloc(0);
  }
  toDataURL(): string {
    return this.data ? `data:image/png;base64,${this.data.toString('base64')}` : 'data:image/png;base64,';
  }
  resize(opts: { width?: number; height?: number }): NativeImage {
    return new NativeImage(this.data, {
      width: opts.width ?? this.size.width,
      height: opts.height ?? this.size.height,
    });
  }
  setTemplateImage(v: boolean): void {
    this.#template = Boolean(v);
  }
  isTemplateImage(): boolean {
    return this.#template;
  }
}

const nativeImage = {
  createEmpty: () => new NativeImage(null, { width: 0, height: 0 }),
  createFromDataURL(url: string): NativeImage {
    const m = /^data:[^;,]*(;base64)?,(.*)$/s.exec(String(url));
    if (!m) return nativeImage.createEmpty();
    return NativeImage.fromBuffer(
      m[1] ? Buffer.from(m[2]!, 'base64') : Buffer.from(decodeURIComponent(m[2]!), 'latin1'),
    );
  },
  createFromPath(path: string): NativeImage {
    // A missing or unreadable file gives an empty image, never an exception (Electron's behaviour).
    try {
      return NativeImage.fromBuffer(readFileSync(path));
    } catch {
      return nativeImage.createEmpty();
    }
  },
  createFromBuffer: (buf: Buffer) => NativeImage.fromBuffer(Buffer.from(buf)),
};

interface MenuItemOptions {
  label?: string;
  role?: string;
  type?: string;
  id?: string;
  enabled?: boolean;
  visible?: boolean;
  checked?: boolean;
  accelerator?: string;
  click?: (item: MenuItem, win: unknown, event: unknown) => void;
  submenu?: MenuItemOptions[] | Menu;
}

/** Electron's MenuItem. */
export class MenuItem {
  label: string;
  role: string | undefined;
  type: string;
  id: string | undefined;
  enabled: boolean;
  visible: boolean;
  checked: boolean;
  accelerator: string | undefined;
  click: ((item: MenuItem, win: unknown, event: unknown) => void) | undefined;
  submenu: Menu | undefined;
  constructor(opts: MenuItemOptions) {
    this.label = opts.label ?? '';
    this.role = opts.role;
    this.type = opts.type ?? (opts.submenu ? 'submenu' : 'normal');
    this.id = opts.id;
    this.enabled = opts.enabled ?? true;
    this.visible = opts.visible ?? true;
    this.checked = opts.checked ?? false;
    this.accelerator = opts.accelerator;
    this.click = opts.click;
    this.submenu =
      opts.submenu instanceof Menu ? opts.submenu : opts.submenu ? Menu.buildFromTemplate(opts.submenu) : undefined;
  }
}

/** Electron's Menu. */
export class Menu extends EventEmitter {
  items: MenuItem[] = [];
  /** Builds a menu, with Electron's template validation. */
  static buildFromTemplate(template: MenuItemOptions[]): Menu {
    if (!Array.isArray(template)) throw new TypeError('Invalid template for Menu: Menu template must be an array');
    const valid = template.every(
      (i) =>
        i != null &&
        typeof i === 'object' &&
        (Object.prototype.hasOwnProperty.call(i, 'label') ||
          Object.prototype.hasOwnProperty.call(i, 'role') ||
          i.type === 'separator'),
    );
    if (!valid) throw new TypeError('Invalid template for MenuItem: must have at least one of label, role or type');
    const menu = new Menu();
    for (const t of template) menu.append(new MenuItem(t));
    return menu;
  }
  /** Sets the app menu: a Menu or null, else Electron's TypeError. */
  static setApplicationMenu(menu: Menu | null): void {
    if (menu !== null && !(menu instanceof Menu)) throw new TypeError('Invalid menu');
    st().applicationMenu = menu;
  }
  static getApplicationMenu(): Menu | null {
    return st().applicationMenu;
  }
  append(item: MenuItem): void {
    this.items.push(item);
  }
  insert(pos: number, item: MenuItem): void {
    this.items.splice(pos, 0, item);
  }
  getMenuItemById(id: string): MenuItem | null {
    return this.items.find((i) => i.id === id) ?? null;
  }
  popup(): void {}
  closePopup(): void {}
}

// ---------------------------------------------------------------------------------------------------------------
// Shared state

interface Internal {
  ready: boolean;
  resolveReady: () => void;
  readyPromise: Promise<void>;
  pendingSecondInstance: unknown[][];
  entry: string | undefined;
  pkgDir: string;
  name: string;
  version: string;
  appData: string;
  userData: string | null;
  pathOverrides: Map<string, string>;
  userModelId: string | null;
  quitting: boolean;
  exiting: boolean;
  quitDone: boolean;
  lifecycle: string[];
  quitCode: number | null;
  windows: BrowserWindow[];
  contents: WebContents[];
  nextWindowId: number;
  nextContentsId: number;
  handlers: Map<string, AnyFn>;
  notifications: { ref: WeakRef<Notification>; title: string; body: string; shown: boolean; closed: boolean }[];
  trays: Tray[];
  applicationMenu: Menu | null;
  errorBoxes: { title: string; content: string }[];
  messageBoxes: Record<string, unknown>[];
  openDialogs: Record<string, unknown>[];
  saveDialogs: Record<string, unknown>[];
  dialogResponse: number | null;
  fileDialogAnswer: { filePaths: string[] } | null;
  utilities: UtilityProcess[];
  sessions: Map<string, Session>;
  protocolHandlers: Map<string, (req: Request) => Response | Promise<Response>>;
  privilegedSchemes: { scheme: string; privileges: Record<string, unknown> }[];
  uncaught: { message: string; stack: string }[];
  shellCalls: { openExternal: string[]; openPath: string[]; showItemInFolder: string[]; trashItem: string[] };
  blockers: { id: number; type: string; active: boolean }[];
  shortcuts: Map<string, AnyFn>;
  relaunches: number;
  online: boolean;
  plainText: boolean;
  backend: string;
  singleInstance: boolean;
  singleInstanceHeld: boolean;
  /** Called just before the process exits through app.quit()/app.exit(); register.ts sends the final state. */
  beforeExit: (code: number) => Promise<void>;
}

function createInternal(): Internal {
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((r) => (resolveReady = r));
  const entry = process.argv[1];
  const { dir, pkg } = findPackageJson(entry);
  const appData = process.env.PALLET_DOUBLE_APPDATA || process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return {
    ready: false,
    resolveReady,
    readyPromise,
    pendingSecondInstance: [],
    entry,
    pkgDir: dir,
    // Electron's init: productName || name from the app's package.json, before user code runs.
    name: pkg.productName || pkg.name || 'Electron',
    version: pkg.version || ELECTRON_VERSION,
    appData,
    userData: null,
    pathOverrides: new Map(),
    userModelId: null,
    quitting: false,
    exiting: false,
    quitDone: false,
    lifecycle: [],
    quitCode: null,
    windows: [],
    contents: [],
    nextWindowId: 1,
    nextContentsId: 1,
    handlers: new Map(),
    notifications: [],
    trays: [],
    applicationMenu: null,
    errorBoxes: [],
    messageBoxes: [],
    openDialogs: [],
    saveDialogs: [],
    dialogResponse: null,
    fileDialogAnswer: null,
    utilities: [],
    sessions: new Map(),
    protocolHandlers: new Map(),
    privilegedSchemes: [],
    uncaught: [],
    shellCalls: { openExternal: [], openPath: [], showItemInFolder: [], trashItem: [] },
    blockers: [],
    shortcuts: new Map(),
    relaunches: 0,
    online: true,
    plainText: false,
    backend: process.env.PALLET_DOUBLE_SAFESTORAGE === 'basic_text' ? 'basic_text' : 'gnome_libsecret',
    singleInstance: process.env.PALLET_DOUBLE_SECOND_INSTANCE !== '1',
    singleInstanceHeld: false,
    beforeExit: async () => {},
  };
}

let internal: Internal | undefined;
function st(): Internal {
  return (internal ??= createInternal());
}

// ---------------------------------------------------------------------------------------------------------------
// app

const KNOWN_PATHS = [
  'home',
  'appData',
  'userData',
  'sessionData',
  'temp',
  'exe',
  'module',
  'desktop',
  'documents',
  'downloads',
  'music',
  'pictures',
  'videos',
  'logs',
  'crashDumps',
];

function userDataPath(): string {
  const s = st();
  const override = s.pathOverrides.get('userData');
  if (override) return override;
  // Computed once, then cached (PathService): a later setName or setPath('appData') does not move it.
  s.userData ??= join(s.pathOverrides.get('appData') ?? s.appData, s.name);
  return s.userData;
}

function getPath(name: string): string {
  const s = st();
  const override = s.pathOverrides.get(name);
  if (override) return override;
  const home = process.env.PALLET_DOUBLE_HOME || homedir();
  switch (name) {
    case 'home':
      return home;
    case 'appData':
      return s.appData;
    case 'userData':
      return userDataPath();
    case 'sessionData':
      return userDataPath();
    case 'temp':
      return tmpdir();
    case 'exe':
    case 'module':
      return process.execPath;
    case 'desktop':
      return join(home, 'Desktop');
    case 'documents':
      return join(home, 'Documents');
    case 'downloads':
      return join(home, 'Downloads');
    case 'music':
      return join(home, 'Music');
    case 'pictures':
      return join(home, 'Pictures');
    case 'videos':
      return join(home, 'Videos');
    case 'logs':
      return join(userDataPath(), 'logs');
    case 'crashDumps':
      return join(userDataPath(), 'Crashpad');
    default:
      throw new Error(`Failed to get '${name}' path`);
  }
}

function readyOnly(message: string): void {
  if (!st().ready) throw new Error(message);
}

class App extends EventEmitter {
  commandLine = {
    switches: new Map<string, string>(),
    appendSwitch(name: string, value?: string) {
      this.switches.set(name, value ?? '');
    },
    appendArgument(_arg: string) {},
    hasSwitch(name: string) {
      return this.switches.has(name);
    },
    getSwitchValue(name: string) {
      return this.switches.get(name) ?? '';
    },
    removeSwitch(name: string) {
      this.switches.delete(name);
    },
  };
  userAgentFallback = `Mozilla/5.0 Electron/${ELECTRON_VERSION}`;
  dock = undefined;

  constructor() {
    super();
    // Electron's own listener: with no user listener, closing the last window quits (on every platform).
    this.on('window-all-closed', () => {
      if (this.listenerCount('window-all-closed') === 1) this.quit();
    });
  }
  get name(): string {
    return st().name;
  }
  set name(v: string) {
    st().name = v;
  }
  getName(): string {
    return st().name;
  }
  setName(v: string): void {
    st().name = v;
  }
  getVersion(): string {
    return st().version;
  }
  get isPackaged(): boolean {
    return process.env.PALLET_DOUBLE_PACKAGED === '1';
  }
  getAppPath(): string {
    return st().pkgDir;
  }
  getLocale(): string {
    return 'en-US';
  }
  getPreferredSystemLanguages(): string[] {
    return ['en-US'];
  }
  getSystemLocale(): string {
    readyOnly('app.getSystemLocale() can only be called after app is ready');
    return 'en-US';
  }
  isReady(): boolean {
    return st().ready;
  }
  whenReady(): Promise<void> {
    return st().readyPromise;
  }
  getPath(name: string): string {
    return getPath(name);
  }
  setPath(name: string, path: string): void {
    if (typeof path !== 'string' || !isAbsolute(path)) throw new Error('Path must be absolute');
    if (!KNOWN_PATHS.includes(name) && name !== 'recent') throw new Error('Failed to set path');
    st().pathOverrides.set(name, path);
  }
  setAppLogsPath(path?: string): void {
    if (path !== undefined && !isAbsolute(path)) throw new Error('Path must be absolute');
    st().pathOverrides.set('logs', path ?? join(userDataPath(), 'logs'));
  }
  setAppUserModelId(id: string): void {
    // A no-op outside Windows in Electron; recorded so tests can see the app set it.
    st().userModelId = id;
  }
  requestSingleInstanceLock(_additionalData?: unknown): boolean {
    // The lock lives in userData, so asking for it computes (and caches) userData, as in Electron.
    userDataPath();
    st().singleInstanceHeld = st().singleInstance;
    return st().singleInstance;
  }
  hasSingleInstanceLock(): boolean {
    return st().singleInstanceHeld;
  }
  releaseSingleInstanceLock(): void {
    st().singleInstanceHeld = false;
  }
  enableSandbox(): void {
    if (st().ready) throw new Error('app.enableSandbox() can only be called before app is ready');
  }
  disableHardwareAcceleration(): void {
    if (st().ready) throw new Error('app.disableHardwareAcceleration() can only be called before app is ready');
  }
  disableDomainBlockingFor3DAPIs(): void {
    if (st().ready) throw new Error('app.disableDomainBlockingFor3DAPIs() can only be called before app is ready');
  }
  setAccessibilitySupportEnabled(_v: boolean): void {
    readyOnly('app.setAccessibilitySupportEnabled() can only be called after app is ready');
  }
  async setProxy(_config: unknown): Promise<void> {
    if (!st().ready) throw new Error('app.setProxy() can only be called after app is ready.');
  }
  setAsDefaultProtocolClient(_p: string): boolean {
    return true;
  }
  isDefaultProtocolClient(_p: string): boolean {
    return false;
  }
  setLoginItemSettings(_s: unknown): void {}
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { openAtLogin: false };
  }
  setBadgeCount(_n?: number): boolean {
    return true;
  }
  getBadgeCount(): number {
    return 0;
  }
  setDesktopName(_n: string): void {}
  focus(): void {}
  hide(): void {}
  show(): void {}
  addRecentDocument(_p: string): void {}
  clearRecentDocuments(): void {}
  getGPUFeatureStatus(): Record<string, string> {
    return {};
  }
  getAppMetrics(): unknown[] {
    return [];
  }
  relaunch(_opts?: unknown): void {
    st().relaunches++;
  }

  /** Electron's quit sequence (docs/api/app.md, browser.cc). */
  quit(): void {
    const s = st();
    if (s.quitting || s.quitDone || s.exiting) return;
    const before = new DoubleEvent();
    s.lifecycle.push('before-quit');
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    s.quitting = true;
    const open = s.windows.filter((w) => !w.isDestroyed());
    if (open.length === 0) {
      this.#notifyAndShutdown();
      return;
    }
    for (const w of open) w.close();
  }

  /** Closes everything at once: no before-quit, will-quit, close or window-all-closed; closed and quit still fire. */
  exit(code = 0): void {
    const s = st();
    if (s.quitDone || s.exiting) return;
    s.exiting = true;
    s.lifecycle.push(`exit:${code}`);
    for (const w of [...s.windows]) if (!w.isDestroyed()) w.destroy();
    this.#finish(code);
  }

  /** Called when the last window closed: quits if a quit is under way, else window-all-closed. */
  allWindowsClosed(): void {
    const s = st();
    if (s.quitDone || s.exiting) return;
    if (s.quitting) this.#notifyAndShutdown();
    else {
      s.lifecycle.push('window-all-closed');
      this.emit('window-all-closed');
    }
  }

  /** A window's close was prevented: a quit under way is cancelled. */
  closeCancelled(): void {
    st().quitting = false;
  }

  #notifyAndShutdown(): void {
    const s = st();
    const e = new DoubleEvent();
    s.lifecycle.push('will-quit');
    this.emit('will-quit', e);
    if (e.defaultPrevented) {
      s.quitting = false;
      return;
    }
    this.#finish(0);
  }

  #finish(code: number): void {
    const s = st();
    s.quitDone = true;
    s.quitCode = code;
    s.lifecycle.push(`quit:${code}`);
    this.emit('quit', new DoubleEvent(), code);
    // The process ends once the message loop stops: after the current task, with that code.
    setImmediate(() => {
      void s.beforeExit(code).finally(() => process.exit(code));
    });
  }
}

const app = new App();

// ---------------------------------------------------------------------------------------------------------------
// ipcMain

class IpcMain extends EventEmitter {
  constructor() {
    super();
    // Electron pre-installs this, so a channel named 'error' never throws.
    this.on('error', () => {});
  }
  handle(channel: string, fn: AnyFn): void {
    const handlers = st().handlers;
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    if (typeof fn !== 'function')
      throw new TypeError(`Expected handler to be a function, but found type '${typeof fn}'`);
    handlers.set(channel, fn);
  }
  handleOnce(channel: string, fn: AnyFn): void {
    this.handle(channel, (...args: unknown[]) => {
      this.removeHandler(channel);
      return fn(...args);
    });
  }
  removeHandler(channel: string): void {
    st().handlers.delete(channel);
  }
}

const ipcMain = new IpcMain();

// ---------------------------------------------------------------------------------------------------------------
// session and protocol

const SESSION_TE = 'Session can only be received when app is ready';

function requireSessionReady(): void {
  if (!st().ready) throw new TypeError(SESSION_TE);
}

type ProtocolHandler = (req: Request) => Response | Promise<Response>;

function protocolApi() {
  // The deprecated register*/intercept* family: recorded as handled, serving an empty page.
  const legacy = () => (scheme: string) => {
    requireSessionReady();
    st().protocolHandlers.set(scheme, () => new Response('', { status: 200 }));
    return true;
  };
  return {
    handle(scheme: string, handler: ProtocolHandler): void {
      requireSessionReady();
      if (typeof handler !== 'function')
        throw new TypeError('Error processing argument at index 1, conversion failure from ' + String(handler));
      if (st().protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
      st().protocolHandlers.set(scheme, handler);
    },
    unhandle(scheme: string): void {
      requireSessionReady();
      st().protocolHandlers.delete(scheme);
    },
    isProtocolHandled(scheme: string): boolean {
      requireSessionReady();
      return st().protocolHandlers.has(scheme);
    },
    registerFileProtocol: legacy(),
    registerBufferProtocol: legacy(),
    registerStringProtocol: legacy(),
    registerHttpProtocol: legacy(),
    registerStreamProtocol: legacy(),
    unregisterProtocol(scheme: string): boolean {
      requireSessionReady();
      return st().protocolHandlers.delete(scheme);
    },
    isProtocolRegistered(scheme: string): boolean {
      requireSessionReady();
      return st().protocolHandlers.has(scheme);
    },
    interceptFileProtocol: legacy(),
    interceptBufferProtocol: legacy(),
    interceptStringProtocol: legacy(),
    interceptHttpProtocol: legacy(),
    interceptStreamProtocol: legacy(),
    uninterceptProtocol: (_s: string) => requireSessionReady(),
    isProtocolIntercepted: (_s: string) => (requireSessionReady(), false),
  };
}

const protocol = {
  /** Before ready only; Electron's argument check first. */
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges?: Record<string, unknown> }[]): void {
    if (st().ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    if (!Array.isArray(schemes)) throw new Error('Argument must be an array of custom schemes.');
    for (const s of schemes) {
      if (s.privileges?.codeCache && !s.privileges.standard)
        throw new Error('Code cache can only be enabled when the custom scheme is registered as standard scheme.');
      st().privilegedSchemes.push({ scheme: s.scheme, privileges: { ...(s.privileges ?? {}) } });
    }
  },
  ...protocolApi(),
};

/** Electron's Session: permission handlers, preloads, webRequest, cookies (in memory). */
export class Session extends EventEmitter {
  permissionRequestHandler: AnyFn | null = null;
  permissionCheckHandler: AnyFn | null = null;
  devicePermissionHandler: AnyFn | null = null;
  preloads: string[] = [];
  protocol = protocolApi();
  webRequest = Object.fromEntries(
    [
      'onBeforeRequest',
      'onBeforeSendHeaders',
      'onSendHeaders',
      'onHeadersReceived',
      'onResponseStarted',
      'onBeforeRedirect',
      'onCompleted',
      'onErrorOccurred',
    ].map((n) => [n, (..._a: unknown[]) => {}]),
  );
  cookies = { get: async () => [], set: async () => {}, remove: async () => {}, flushStore: async () => {} };
  constructor(readonly partition: string) {
    super();
  }
  setPermissionRequestHandler(h: AnyFn | null): void {
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: AnyFn | null): void {
    this.permissionCheckHandler = h;
  }
  setDevicePermissionHandler(h: AnyFn | null): void {
    this.devicePermissionHandler = h;
  }
  setPreloads(p: string[]): void {
    this.preloads = [...p];
  }
  getPreloads(): string[] {
    return [...this.preloads];
  }
  registerPreloadScript(s: { filePath: string }): string {
    this.preloads.push(s.filePath);
    return s.filePath;
  }
  getPreloadScripts(): { filePath: string }[] {
    return this.preloads.map((filePath) => ({ filePath }));
  }
  async clearCache(): Promise<void> {}
  async clearStorageData(): Promise<void> {}
  async setProxy(): Promise<void> {}
  async resolveProxy(): Promise<string> {
    return 'DIRECT';
  }
  setUserAgent(): void {}
  getUserAgent(): string {
    return app.userAgentFallback;
  }
  setSpellCheckerEnabled(): void {}
  setSpellCheckerLanguages(): void {}
  fetch(input: string | Request, init?: RequestInit): Promise<Response> {
    return fetch(input, init);
  }
}

function sessionFor(partition: string): Session {
  requireSessionReady();
  const s = st();
  let found = s.sessions.get(partition);
  if (!found) {
    found = new Session(partition);
    s.sessions.set(partition, found);
    app.emit('session-created', found);
  }
  return found;
}

const session = {
  get defaultSession(): Session {
    return sessionFor('');
  },
  fromPartition: (partition: string, _opts?: unknown) => sessionFor(partition),
  fromPath: (path: string, _opts?: unknown) => sessionFor(`path:${path}`),
};

// ---------------------------------------------------------------------------------------------------------------
// BrowserWindow and webContents

function destroyedGuard(destroyed: boolean): void {
  if (destroyed) throw new TypeError('Object has been destroyed');
}

/** The main frame of a webContents: `senderFrame` for invokes from the page. */
export class WebFrameMain {
  url = '';
  name = '';
  top: WebFrameMain = this;
  parent: WebFrameMain | null = null;
  frames: WebFrameMain[] = [];
  readonly frameTreeNodeId: number;
  readonly routingId: number;
  constructor(
    readonly processId: number,
    id: number,
  ) {
    this.frameTreeNodeId = id;
    this.routingId = 1;
  }
  send(channel: string, ...args: unknown[]): void {
    void channel;
    void args;
  }
}

/** Electron's WebContents: an EventEmitter recording what main sends it. */
export class WebContents extends EventEmitter {
  readonly id: number;
  readonly mainFrame: WebFrameMain;
  sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: AnyFn | null = null;
  #destroyed = false;
  #loading = false;
  requestedUrl: string | null = null;
  handlersAtLoad: string[] | null = null;
  loaded = false;
  loadError: string | null = null;
  session: Session;
  /** Set by the owning window: ready-to-show follows the first did-finish-load. */
  afterLoad: () => void = () => {};
  constructor() {
    super();
    this.id = st().nextContentsId++;
    this.mainFrame = new WebFrameMain(1000 + this.id, this.id);
    this.session = session.defaultSession;
    st().contents.push(this);
  }
  isDestroyed(): boolean {
    return this.#destroyed;
  }
  isCrashed(): boolean {
    return false;
  }
  isLoading(): boolean {
    return this.#loading;
  }
  getURL(): string {
    destroyedGuard(this.#destroyed);
    return this.mainFrame.url;
  }
  getTitle(): string {
    return '';
  }
  getOSProcessId(): number {
    return this.mainFrame.processId;
  }
  getProcessId(): number {
    return this.mainFrame.processId;
  }
  send(channel: string, ...args: unknown[]): void {
    destroyedGuard(this.#destroyed);
    this.sent.push({ channel, args: args.map(cloneForIpc) });
  }
  setWindowOpenHandler(handler: AnyFn): void {
    this.windowOpenHandler = handler;
  }
  openDevTools(): void {}
  closeDevTools(): void {}
  isDevToolsOpened(): boolean {
    return false;
  }
  reload(): void {}
  stop(): void {}
  focus(): void {}
  setZoomFactor(): void {}
  setAudioMuted(): void {}
  async executeJavaScript(): Promise<unknown> {
    // The double runs no renderer JS: say so rather than pretend.
    throw new Error('electron-double: executeJavaScript is not supported (no renderer runs)');
  }

  /** Loads `url`: records the handlers present now, serves custom schemes through protocol.handle, then emits did-finish-load. */
  async loadURL(url: string): Promise<void> {
    destroyedGuard(this.#destroyed);
    this.requestedUrl = url;
    this.handlersAtLoad ??= [...st().handlers.keys()];
    this.#loading = true;
    this.emit('did-start-loading');
    await new Promise((r) => setImmediate(r));
    const fail = (code: number, name: string): never => {
      this.#loading = false;
      this.loadError = name;
      this.emit('did-fail-load', new DoubleEvent(this), code, name, url, true);
      const error = new Error(`${name} (${code}) loading '${url}'`) as Error & {
        errno: number;
        code: string;
        url: string;
      };
      error.errno = code;
      error.code = name;
      error.url = url;
      throw error;
    };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return fail(-300, 'ERR_INVALID_URL');
    }
    const scheme = parsed.protocol.slice(0, -1);
    const handler = st().protocolHandlers.get(scheme);
    if (handler) {
      let response: Response;
      try {
        response = await handler(new Request(url));
      } catch {
        return fail(-2, 'ERR_FAILED');
      }
      if (!(response instanceof Response)) return fail(-2, 'ERR_FAILED');
      if (!response.ok) return fail(-379, 'ERR_HTTP_RESPONSE_CODE_FAILURE');
      await response.arrayBuffer();
    } else if (scheme === 'file') {
      if (!existsSync(fileURLToPath(parsed))) return fail(-6, 'ERR_FILE_NOT_FOUND');
    } else if (scheme === 'http' || scheme === 'https') {
      try {
        const response = await fetch(url);
        await response.arrayBuffer();
      } catch {
        return fail(-102, 'ERR_CONNECTION_REFUSED');
      }
    } else if (scheme !== 'about') {
      return fail(-302, 'ERR_UNKNOWN_URL_SCHEME');
    }
    if (this.#destroyed) return fail(-3, 'ERR_ABORTED');
    this.mainFrame.url = url;
    this.loaded = true;
    this.loadError = null;
    this.#loading = false;
    this.emit('dom-ready', new DoubleEvent(this));
    this.emit('did-finish-load', new DoubleEvent(this));
    this.emit('did-stop-loading');
    this.afterLoad();
  }
  async loadFile(path: string): Promise<void> {
    return this.loadURL(pathToFileURL(resolvePath(path)).href);
  }
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.emit('destroyed');
  }
}

const webContents = {
  getAllWebContents: () => st().contents.filter((c) => !c.isDestroyed()),
  fromId: (id: number) => st().contents.find((c) => c.id === id && !c.isDestroyed()),
  getFocusedWebContents: () => st().windows.find((w) => !w.isDestroyed() && w.isFocused())?.webContents ?? null,
};

interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Electron's BrowserWindow: state only, no renderer. */
export class BrowserWindow extends EventEmitter {
  readonly id: number;
  readonly webContents: WebContents;
  readonly options: Record<string, unknown>;
  #destroyed = false;
  #visible: boolean;
  #focused = false;
  #minimized = false;
  #maximized = false;
  #fullScreen = false;
  #readyToShowSent = false;
  #bounds: Bounds;
  #title: string;

  static getAllWindows(): BrowserWindow[] {
    return st().windows.filter((w) => !w.isDestroyed());
  }
  static getFocusedWindow(): BrowserWindow | null {
    return BrowserWindow.getAllWindows().find((w) => w.isFocused()) ?? null;
  }
  static fromWebContents(wc: WebContents): BrowserWindow | null {
    return BrowserWindow.getAllWindows().find((w) => w.webContents === wc) ?? null;
  }
  static fromId(id: number): BrowserWindow | null {
    return BrowserWindow.getAllWindows().find((w) => w.id === id) ?? null;
  }

  constructor(options: Record<string, unknown> = {}) {
    super();
    if (!st().ready) throw new Error('Cannot create BrowserWindow before app is ready');
    this.options = plain(options);
    this.id = st().nextWindowId++;
    const width = typeof options.width === 'number' ? options.width : 800;
    const height = typeof options.height === 'number' ? options.height : 600;
    this.#bounds = {
      x: typeof options.x === 'number' ? options.x : 0,
      y: typeof options.y === 'number' ? options.y : 0,
      width,
      height,
    };
    this.#title = typeof options.title === 'string' ? options.title : st().name;
    this.#visible = options.show !== false;
    this.#focused = this.#visible;
    st().windows.push(this);
    this.webContents = new WebContents();
    // The app's security hooks attach here, before anything loads.
    app.emit('web-contents-created', new DoubleEvent(), this.webContents);
    app.emit('browser-window-created', new DoubleEvent(), this);
    this.webContents.afterLoad = () => {
      if (!this.#readyToShowSent && !this.#destroyed) {
        this.#readyToShowSent = true;
        this.emit('ready-to-show');
      }
    };
  }

  #guard(): void {
    destroyedGuard(this.#destroyed);
  }
  isDestroyed(): boolean {
    return this.#destroyed;
  }
  loadURL(url: string): Promise<void> {
    this.#guard();
    return this.webContents.loadURL(url);
  }
  loadFile(path: string): Promise<void> {
    this.#guard();
    return this.webContents.loadFile(path);
  }
  show(): void {
    this.#guard();
    const was = this.#visible;
    this.#visible = true;
    this.#minimized = false;
    if (!was) this.emit('show');
    this.focus();
  }
  showInactive(): void {
    this.#guard();
    if (!this.#visible) {
      this.#visible = true;
      this.emit('show');
    }
  }
  hide(): void {
    this.#guard();
    if (this.#visible) {
      this.#visible = false;
      this.#focused = false;
      this.emit('hide');
    }
  }
  focus(): void {
    this.#guard();
    for (const w of st().windows) if (w !== this && !w.isDestroyed() && w.isFocused()) w.blur();
    if (!this.#focused) {
      this.#focused = true;
      this.emit('focus');
    }
  }
  blur(): void {
    this.#guard();
    if (this.#focused) {
      this.#focused = false;
      this.emit('blur');
    }
  }
  isVisible(): boolean {
    this.#guard();
    return this.#visible && !this.#minimized;
  }
  isFocused(): boolean {
    this.#guard();
    return this.#focused;
  }
  isMinimized(): boolean {
    this.#guard();
    return this.#minimized;
  }
  minimize(): void {
    this.#guard();
    if (!this.#minimized) {
      this.#minimized = true;
      this.#focused = false;
      this.emit('minimize');
    }
  }
  restore(): void {
    this.#guard();
    const was = this.#minimized;
    this.#minimized = false;
    this.#visible = true;
    if (was) this.emit('restore');
    this.focus();
  }
  isMaximized(): boolean {
    this.#guard();
    return this.#maximized;
  }
  maximize(): void {
    this.#guard();
    if (!this.#maximized) {
      this.#maximized = true;
      this.#visible = true;
      this.emit('maximize');
    }
  }
  unmaximize(): void {
    this.#guard();
    if (this.#maximized) {
      this.#maximized = false;
      this.emit('unmaximize');
    }
  }
  isFullScreen(): boolean {
    this.#guard();
    return this.#fullScreen;
  }
  setFullScreen(v: boolean): void {
    this.#guard();
    this.#fullScreen = v;
  }
  getBounds(): Bounds {
    this.#guard();
    return { ...this.#bounds };
  }
  setBounds(b: Partial<Bounds>): void {
    this.#guard();
    this.#bounds = { ...this.#bounds, ...b };
  }
  getContentBounds(): Bounds {
    return this.getBounds();
  }
  getSize(): [number, number] {
    this.#guard();
    return [this.#bounds.width, this.#bounds.height];
  }
  setSize(width: number, height: number): void {
    this.setBounds({ width, height });
  }
  getPosition(): [number, number] {
    this.#guard();
    return [this.#bounds.x, this.#bounds.y];
  }
  setPosition(x: number, y: number): void {
    this.setBounds({ x, y });
  }
  center(): void {
    this.#guard();
  }
  getTitle(): string {
    this.#guard();
    return this.#title;
  }
  setTitle(t: string): void {
    this.#guard();
    this.#title = t;
  }
  setMenu(_m: Menu | null): void {
    this.#guard();
  }
  removeMenu(): void {
    this.#guard();
  }
  setMenuBarVisibility(_v: boolean): void {
    this.#guard();
  }
  setAutoHideMenuBar(_v: boolean): void {
    this.#guard();
  }
  setProgressBar(_p: number): void {
    this.#guard();
  }
  flashFrame(_f: boolean): void {
    this.#guard();
  }
  setSkipTaskbar(_s: boolean): void {
    this.#guard();
  }
  setAlwaysOnTop(_v: boolean): void {
    this.#guard();
  }
  setIcon(_i: unknown): void {
    this.#guard();
  }
  moveTop(): void {
    this.#guard();
  }
  isEnabled(): boolean {
    this.#guard();
    return true;
  }
  setEnabled(_v: boolean): void {
    this.#guard();
  }
  /** A user or app close: 'close' (preventable), then closed. */
  close(): void {
    if (this.#destroyed) return;
    const e = new DoubleEvent(this);
    st().lifecycle.push(`close:${this.id}`);
    this.emit('close', e);
    if (e.defaultPrevented) {
      app.closeCancelled();
      return;
    }
    this.#teardown();
  }
  /** Destroys at once: no 'close', 'closed' still fires. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#teardown();
  }
  #teardown(): void {
    this.#destroyed = true;
    this.#visible = false;
    this.#focused = false;
    this.webContents.destroy();
    st().lifecycle.push(`closed:${this.id}`);
    this.emit('closed');
    if (BrowserWindow.getAllWindows().length === 0) app.allWindowsClosed();
  }
  get visible(): boolean {
    return this.#visible;
  }
  get focused(): boolean {
    return this.#focused;
  }
  get minimized(): boolean {
    return this.#minimized;
  }
  get maximized(): boolean {
    return this.#maximized;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Notification, Tray, dialog, shell, power, safeStorage, net, screen, nativeTheme, globalShortcut

/** Electron's Notification. The double holds it only through a WeakRef, as Electron does not pin it. */
export class Notification extends EventEmitter {
  static isSupported(): boolean {
    return true;
  }
  title: string;
  body: string;
  silent: boolean;
  #index: number | null = null;
  constructor(options: { title?: string; body?: string; silent?: boolean } = {}) {
    super();
    if (!st().ready) throw new Error('Cannot create Notification before app is ready');
    this.title = options.title ?? '';
    this.body = options.body ?? '';
    this.silent = options.silent ?? false;
  }
  show(): void {
    const s = st();
    if (this.#index === null) {
      this.#index = s.notifications.length;
      s.notifications.push({ ref: new WeakRef(this), title: this.title, body: this.body, shown: true, closed: false });
    }
    this.emit('show', new DoubleEvent(this));
  }
  close(): void {
    if (this.#index !== null) st().notifications[this.#index]!.closed = true;
    this.emit('close', new DoubleEvent(this));
  }
}

/** Electron's Tray. */
export class Tray extends EventEmitter {
  tooltip = '';
  title = '';
  menu: Menu | null = null;
  image: NativeImage;
  #destroyed = false;
  constructor(image: NativeImage | string) {
    super();
    if (!st().ready) throw new Error('Cannot create Tray before app is ready');
    this.image = typeof image === 'string' ? nativeImage.createFromPath(image) : image;
    st().trays.push(this);
  }
  setToolTip(t: string): void {
    destroyedGuard(this.#destroyed);
    this.tooltip = t;
  }
  setTitle(t: string): void {
    destroyedGuard(this.#destroyed);
    this.title = t;
  }
  setImage(image: NativeImage | string): void {
    destroyedGuard(this.#destroyed);
    this.image = typeof image === 'string' ? nativeImage.createFromPath(image) : image;
  }
  setContextMenu(menu: Menu | null): void {
    destroyedGuard(this.#destroyed);
    if (menu !== null && !(menu instanceof Menu))
      throw new TypeError('Error processing argument at index 0, conversion failure from ' + typeof menu);
    this.menu = menu;
  }
  popUpContextMenu(): void {}
  closeContextMenu(): void {}
  displayBalloon(_o: unknown): void {}
  getBounds(): Bounds {
    return { x: 0, y: 0, width: 16, height: 16 };
  }
  destroy(): void {
    this.#destroyed = true;
  }
  isDestroyed(): boolean {
    return this.#destroyed;
  }
}

function checkDialogReady(): void {
  if (!st().ready) throw new Error('dialog module can only be used after app is ready');
}

function splitWindowArg(a: unknown, b: unknown): Record<string, unknown> {
  // dialog.showX([window, ]options)
  return (a instanceof BrowserWindow ? b : a) as Record<string, unknown>;
}

function messageBoxResponse(options: Record<string, unknown>): number {
  const configured = st().dialogResponse;
  if (configured !== null) return configured;
  return typeof options.cancelId === 'number' ? options.cancelId : 0;
}

const dialog = {
  /** Allowed any time; on Linux it prints to stderr. */
  showErrorBox(title: string, content: string): void {
    st().errorBoxes.push({ title: String(title), content: String(content) });
    process.stderr.write(`${title}\n${content}\n`);
  },
  showMessageBox(a: unknown, b?: unknown): Promise<{ response: number; checkboxChecked: boolean }> {
    checkDialogReady();
    const options = splitWindowArg(a, b) ?? {};
    st().messageBoxes.push(plain(options));
    return Promise.resolve({
      response: messageBoxResponse(options),
      checkboxChecked: Boolean(options.checkboxChecked),
    });
  },
  showMessageBoxSync(a: unknown, b?: unknown): number {
    checkDialogReady();
    const options = splitWindowArg(a, b) ?? {};
    st().messageBoxes.push(plain(options));
    return messageBoxResponse(options);
  },
  showOpenDialog(a: unknown, b?: unknown): Promise<{ canceled: boolean; filePaths: string[] }> {
    checkDialogReady();
    st().openDialogs.push(plain(splitWindowArg(a, b)));
    const answer = st().fileDialogAnswer;
    return Promise.resolve(
      answer ? { canceled: false, filePaths: [...answer.filePaths] } : { canceled: true, filePaths: [] },
    );
  },
  showOpenDialogSync(a: unknown, b?: unknown): string[] | undefined {
    checkDialogReady();
    st().openDialogs.push(plain(splitWindowArg(a, b)));
    return st().fileDialogAnswer?.filePaths;
  },
  showSaveDialog(a: unknown, b?: unknown): Promise<{ canceled: boolean; filePath: string }> {
    checkDialogReady();
    st().saveDialogs.push(plain(splitWindowArg(a, b)));
    const p = st().fileDialogAnswer?.filePaths[0];
    return Promise.resolve(p ? { canceled: false, filePath: p } : { canceled: true, filePath: '' });
  },
  showSaveDialogSync(a: unknown, b?: unknown): string | undefined {
    checkDialogReady();
    st().saveDialogs.push(plain(splitWindowArg(a, b)));
    return st().fileDialogAnswer?.filePaths[0];
  },
  showCertificateTrustDialog: async () => {},
};

const shell = {
  async openExternal(url: string, _options?: unknown): Promise<void> {
    st().shellCalls.openExternal.push(String(url));
  },
  async openPath(path: string): Promise<string> {
    st().shellCalls.openPath.push(String(path));
    return existsSync(path) ? '' : 'Failed to open path';
  },
  showItemInFolder(path: string): void {
    st().shellCalls.showItemInFolder.push(String(path));
  },
  async trashItem(path: string): Promise<void> {
    st().shellCalls.trashItem.push(String(path));
  },
  beep(): void {},
};

let nextBlocker = 1;
const powerSaveBlocker = {
  start(type: string): number {
    if (type !== 'prevent-app-suspension' && type !== 'prevent-display-sleep')
      throw new TypeError(`Error processing argument at index 0, conversion failure from ${type}`);
    const id = nextBlocker++;
    st().blockers.push({ id, type, active: true });
    return id;
  },
  stop(id: number): boolean {
    const b = st().blockers.find((x) => x.id === id && x.active);
    if (b) b.active = false;
    return Boolean(b);
  },
  isStarted: (id: number) => st().blockers.some((x) => x.id === id && x.active),
};

class PowerMonitor extends EventEmitter {
  onBatteryPower = false;
  getSystemIdleState(threshold: number): string {
    if (!(threshold > 0)) throw new TypeError('Invalid idle threshold, must be greater than 0');
    return 'active';
  }
  getSystemIdleTime(): number {
    return 0;
  }
  isOnBatteryPower(): boolean {
    return false;
  }
  getCurrentThermalState(): string {
    return 'nominal';
  }
}
const powerMonitor = new PowerMonitor();

const SAFE_MAGIC = 'PDBL';
const safeStorage = {
  isEncryptionAvailable(): boolean {
    const s = st();
    if (!s.ready) return false;
    return s.backend !== 'basic_text' || s.plainText;
  },
  async isAsyncEncryptionAvailable(): Promise<boolean> {
    return safeStorage.isEncryptionAvailable();
  },
  getSelectedStorageBackend(): string {
    return st().ready ? st().backend : 'unknown';
  },
  setUsePlainTextEncryption(v: boolean): void {
    st().plainText = Boolean(v);
  },
  /** A reversible, non-plain encoding under Chromium's prefix (v11 keyring, v10 basic_text). */
  encryptString(plainText: string): Buffer {
    if (!st().ready) throw new Error('safeStorage cannot be used before app is ready');
    if (!safeStorage.isEncryptionAvailable())
      throw new Error(
        'Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.',
      );
    if (typeof plainText !== 'string')
      throw new TypeError('Error processing argument at index 0, conversion failure from ' + typeof plainText);
    const body = Buffer.from(SAFE_MAGIC + plainText, 'utf8').map((b) => b ^ 0x5a);
    return Buffer.concat([Buffer.from(st().backend === 'basic_text' ? 'v10' : 'v11', 'latin1'), body]);
  },
  decryptString(encrypted: Buffer): string {
    if (!st().ready) throw new Error('safeStorage cannot be used before app is ready');
    if (!safeStorage.isEncryptionAvailable())
      throw new Error(
        'Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.',
      );
    if (!Buffer.isBuffer(encrypted)) throw new Error('Expected the first argument of decryptString() to be a buffer');
    if (encrypted.length === 0) return '';
    const prefix = encrypted.toString('latin1', 0, 3);
    if (prefix !== 'v10' && prefix !== 'v11')
      throw new Error(
        'Error while decrypting the ciphertext provided to safeStorage.decryptString. Ciphertext does not appear to be encrypted.',
      );
    const text = Buffer.from(encrypted.subarray(3).map((b) => b ^ 0x5a)).toString('utf8');
    if (!text.startsWith(SAFE_MAGIC))
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return text.slice(SAFE_MAGIC.length);
  },
  async encryptStringAsync(plainText: string): Promise<Buffer> {
    return safeStorage.encryptString(plainText);
  },
  async decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> {
    return { shouldReEncrypt: false, result: safeStorage.decryptString(encrypted) };
  },
};

function checkNet(): void {
  if (!st().ready) throw new Error('net module can only be used after app is ready');
}

/** A minimal net.request over Node's http: enough for electron-updater against a local server. */
class ClientRequest extends EventEmitter {
  #headers: Record<string, string> = {};
  #chunks: Buffer[] = [];
  #aborted = false;
  constructor(
    private readonly opts: {
      url?: string;
      method?: string;
      headers?: Record<string, string>;
      redirect?: string;
      protocol?: string;
      hostname?: string;
      host?: string;
      port?: number;
      path?: string;
    },
  ) {
    super();
    checkNet();
    for (const [k, v] of Object.entries(opts.headers ?? {})) this.#headers[k.toLowerCase()] = String(v);
  }
  setHeader(name: string, value: string): void {
    this.#headers[name.toLowerCase()] = String(value);
  }
  getHeader(name: string): string | undefined {
    return this.#headers[name.toLowerCase()];
  }
  removeHeader(name: string): void {
    delete this.#headers[name.toLowerCase()];
  }
  write(chunk: string | Buffer): void {
    this.#chunks.push(Buffer.from(chunk));
  }
  abort(): void {
    this.#aborted = true;
    this.emit('abort');
  }
  followRedirect(): void {}
  end(chunk?: string | Buffer): void {
    if (chunk) this.write(chunk);
    const o = this.opts;
    const url =
      o.url ?? `${o.protocol ?? 'https:'}//${o.hostname ?? o.host}${o.port ? `:${o.port}` : ''}${o.path ?? '/'}`;
    if (!st().online) {
      queueMicrotask(() => this.emit('error', new Error('net::ERR_INTERNET_DISCONNECTED')));
      return;
    }
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.request(url, { method: o.method ?? 'GET', headers: this.#headers }, (res) => {
      if (this.#aborted) return res.resume();
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && o.redirect === 'manual') {
        this.emit('redirect', status, o.method ?? 'GET', new URL(res.headers.location, url).href, res.headers);
        res.resume();
        return;
      }
      const wrapped = Object.assign(res, { statusMessage: res.statusMessage ?? '' });
      this.emit('response', wrapped);
    });
    req.on('error', (e) => this.emit('error', e));
    for (const c of this.#chunks) req.write(c);
    req.end();
  }
}

const net = {
  isOnline(): boolean {
    checkNet();
    return st().online;
  },
  get online(): boolean {
    checkNet();
    return st().online;
  },
  request(opts: string | Record<string, unknown>): ClientRequest {
    return new ClientRequest(
      typeof opts === 'string' ? { url: opts } : (opts as ConstructorParameters<typeof ClientRequest>[0]),
    );
  },
  fetch(input: string | Request, init?: RequestInit): Promise<Response> {
    checkNet();
    if (!st().online) return Promise.reject(new TypeError('Failed to fetch'));
    return fetch(input, init);
  },
  async resolveHost(host: string): Promise<{ endpoints: { address: string }[] }> {
    checkNet();
    void host;
    return { endpoints: [{ address: '127.0.0.1' }] };
  },
};

const DISPLAY = {
  id: 1,
  label: 'double',
  bounds: { x: 0, y: 0, width: 1920, height: 1080 },
  workArea: { x: 0, y: 0, width: 1920, height: 1040 },
  size: { width: 1920, height: 1080 },
  workAreaSize: { width: 1920, height: 1040 },
  scaleFactor: 1,
  rotation: 0,
  internal: false,
  touchSupport: 'unknown',
};
class Screen extends EventEmitter {
  getPrimaryDisplay() {
    return structuredClone(DISPLAY);
  }
  getAllDisplays() {
    return [structuredClone(DISPLAY)];
  }
  getDisplayNearestPoint() {
    return structuredClone(DISPLAY);
  }
  getDisplayMatching() {
    return structuredClone(DISPLAY);
  }
  getCursorScreenPoint() {
    return { x: 0, y: 0 };
  }
}
const realScreen = new Screen();
// A lazy proxy, like Electron's: importing is fine, touching it before ready throws.
const screen = new Proxy(realScreen, {
  get(target, prop) {
    if (!st().ready) throw new Error("The 'screen' module can't be used before the app 'ready' event");
    const v = Reflect.get(target, prop, target) as unknown;
    return typeof v === 'function' ? (v as AnyFn).bind(target) : v;
  },
  set(target, prop, value) {
    if (!st().ready) throw new Error("The 'screen' module can't be used before the app 'ready' event");
    return Reflect.set(target, prop, value);
  },
  has(target, prop) {
    if (!st().ready) throw new Error("The 'screen' module can't be used before the app 'ready' event");
    return Reflect.has(target, prop);
  },
  ownKeys(target) {
    if (!st().ready) throw new Error("The 'screen' module can't be used before the app 'ready' event");
    return Reflect.ownKeys(target);
  },
});

class NativeTheme extends EventEmitter {
  #source: 'system' | 'light' | 'dark' = 'system';
  shouldUseHighContrastColors = false;
  shouldUseInvertedColorScheme = false;
  get shouldUseDarkColors(): boolean {
    return this.#source === 'dark';
  }
  get themeSource(): string {
    return this.#source;
  }
  set themeSource(v: string) {
    if (v !== 'system' && v !== 'light' && v !== 'dark')
      throw new TypeError(`Error processing argument at index 0, conversion failure from ${v}`);
    this.#source = v;
    this.emit('updated');
  }
}
const nativeTheme = new NativeTheme();

function checkShortcut(): void {
  if (!st().ready) throw new Error('globalShortcut cannot be used before the app is ready');
}
const globalShortcut = {
  register(accelerator: string, cb: AnyFn): boolean {
    checkShortcut();
    st().shortcuts.set(accelerator, cb);
    return true;
  },
  registerAll(accelerators: string[], cb: AnyFn): void {
    checkShortcut();
    for (const a of accelerators) st().shortcuts.set(a, cb);
  },
  unregister(accelerator: string): void {
    checkShortcut();
    st().shortcuts.delete(accelerator);
  },
  unregisterAll(): void {
    checkShortcut();
    st().shortcuts.clear();
  },
  isRegistered: (accelerator: string) => st().shortcuts.has(accelerator),
  setSuspended(_v: boolean): void {
    checkShortcut();
  },
  isSuspended(): boolean {
    checkShortcut();
    return false;
  },
};

let clipboardText = '';
const clipboard = {
  readText: () => clipboardText,
  writeText: (t: string) => void (clipboardText = String(t)),
  clear: () => void (clipboardText = ''),
};

/** Electron's built-in autoUpdater: on Linux it has no backend, so a check reports an error event. */
class NativeAutoUpdater extends EventEmitter {
  #feed = '';
  setFeedURL(opts: string | { url: string }): void {
    this.#feed = typeof opts === 'string' ? opts : opts.url;
  }
  getFeedURL(): string {
    return this.#feed;
  }
  checkForUpdates(): void {
    queueMicrotask(() => this.emit('error', new Error('autoUpdater is not supported on Linux')));
  }
  quitAndInstall(): void {
    app.quit();
  }
}
const autoUpdater = new NativeAutoUpdater();

let crashReporterStarted = false;
const crashParams: Record<string, string> = {};
const crashReporter = {
  start(_o: unknown): void {
    crashReporterStarted = true;
  },
  getLastCrashReport: () => null,
  getUploadedReports: () => [],
  getUploadToServer: () => crashReporterStarted,
  setUploadToServer: (_v: boolean) => {},
  addExtraParameter: (k: string, v: string) => void (crashParams[k] = v),
  removeExtraParameter: (k: string) => void delete crashParams[k],
  getParameters: () => ({ ...crashParams }),
};

// ---------------------------------------------------------------------------------------------------------------
// utilityProcess

// Plain JavaScript: the child's worker threads run it too (see utility-preload.mjs).
const UTILITY_PRELOAD = new URL('./utility-preload.mjs', import.meta.url).href;
/** Node options Electron lets through to a utility process (node_bindings.cc IsAllowedOption, inspect flags included). */
const ALLOWED_NODE_OPTIONS = [
  '--diagnostic-dir',
  '--dns-result-order',
  '--no-deprecation',
  '--throw-deprecation',
  '--trace-deprecation',
  '--trace-warnings',
  '--no-experimental-global-navigator',
  '--inspect',
  '--inspect-brk',
  '--inspect-port',
  '--debug-port',
  '--inspect-publish-uid',
];

/** Splits an execArgv as Electron treats it: allowlisted Node options, V8 flags from --js-flags, the rest dropped. */
export function effectiveUtilityArgv(execArgv: readonly string[]): { effective: string[]; dropped: string[] } {
  const effective: string[] = [];
  const dropped: string[] = [];
  for (const arg of execArgv) {
    if (arg.startsWith('--js-flags=')) effective.push(...arg.slice('--js-flags='.length).split(/\s+/).filter(Boolean));
    else if (ALLOWED_NODE_OPTIONS.includes(arg.split('=')[0]!)) effective.push(arg);
    else dropped.push(arg);
  }
  return { effective, dropped };
}

type Stdio = 'pipe' | 'ignore' | 'inherit';
interface ForkOptions {
  env?: Record<string, string>;
  execArgv?: string[];
  cwd?: string;
  stdio?: Stdio | Stdio[];
  serviceName?: string;
  [k: string]: unknown;
}

let tsxUrl: string | null = null;
function tsxLoader(): string {
  tsxUrl ??= import.meta.resolve('tsx');
  return tsxUrl;
}

const SIGNAL_EXIT_0 = new Set(['SIGTERM', 'SIGKILL']);

/** Electron's UtilityProcess, backed by a real Node child running the double's utility preload. */
export class UtilityProcess extends EventEmitter {
  pid: number | undefined = undefined;
  stdout: PassThrough | null = null;
  stderr: PassThrough | null = null;
  readonly record: UtilityProcessState;
  #child: ChildProcess;
  #exited = false;
  #fatal: string | null = null;

  constructor(modulePath: string, args: string[], options: ForkOptions, stdio: Stdio[]) {
    super();
    const { effective, dropped } = effectiveUtilityArgv(options.execArgv ?? []);
    this.record = {
      pid: undefined,
      lastPid: undefined,
      serviceName: options.serviceName ?? 'Node Utility Process',
      modulePath,
      args: [...args],
      execArgv: [...(options.execArgv ?? [])],
      effectiveExecArgv: effective,
      droppedExecArgv: dropped,
      stdio: [...stdio],
      envKeys: options.env ? Object.keys(options.env).sort() : null,
      spawned: false,
      exited: false,
      code: null,
      errors: [],
    };
    if (stdio[1] === 'pipe') this.stdout = new PassThrough();
    if (stdio[2] === 'pipe') this.stderr = new PassThrough();
    // stderr is always piped to us so a V8 fatal error can be seen; it is forwarded as the app asked.
    this.#child = fork(modulePath, args, {
      env: options.env ? { ...options.env } : { ...process.env },
      cwd: options.cwd,
      execArgv: ['--import', tsxLoader(), '--import', UTILITY_PRELOAD, ...effective],
      stdio: ['ignore', stdio[1] === 'pipe' ? 'pipe' : stdio[1]!, 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const child = this.#child;
    if (child.stdout && this.stdout) child.stdout.pipe(this.stdout);
    let pending = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stdio[2] === 'inherit') process.stderr.write(chunk);
      else if (stdio[2] === 'pipe') this.stderr?.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.#scan(line);
    });
    child.stderr?.on('end', () => {
      if (pending) this.#scan(pending);
      this.stderr?.end();
    });
    child.on('spawn', () => {
      this.pid = child.pid;
      this.record.pid = child.pid;
      this.record.lastPid = child.pid;
      this.record.spawned = true;
      this.emit('spawn');
    });
    child.on('message', (m: unknown) => {
      const msg = m as { kind?: string; data?: unknown };
      if (msg?.kind === 'pallet-utility-message') this.emit('message', msg.data);
    });
    child.on('error', (e) => {
      // A spawn failure: Electron reports it as an exit.
      process.stderr.write(`electron-double: utility process failed to start: ${e.message}\n`);
    });
    child.on('close', (code, signal) => this.#onExit(code, signal));
  }

  #scan(line: string): void {
    const i = line.indexOf('FATAL ERROR:');
    if (i >= 0 && this.#fatal === null) this.#fatal = line.slice(i + 'FATAL ERROR:'.length).trim();
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#exited) return;
    this.#exited = true;
    // SIGTERM/SIGKILL map to 0 (RESULT_CODE_NORMAL_EXIT); other signals (a V8 abort) to 128+n, a shell's convention.
    const exitCode =
      code ?? (signal && SIGNAL_EXIT_0.has(signal) ? 0 : signal ? 128 + (osConstants.signals[signal] ?? 0) : 1);
    this.pid = undefined;
    this.stdout = null;
    this.stderr = null;
    this.record.pid = undefined;
    this.record.exited = true;
    this.record.code = exitCode;
    try {
      if (this.#fatal !== null) {
        const location = this.#fatal;
        this.record.errors.push({ type: 'FatalError', location });
        const report = JSON.stringify({
          header: { event: location, trigger: 'FatalError', filename: null, processId: this.record.lastPid },
        });
        // With no listener this throws ERR_UNHANDLED_ERROR into main, as Electron's plain emit would.
        this.emit('error', 'FatalError', location, report);
      }
    } finally {
      this.emit('exit', exitCode);
    }
  }

  /** Posts one message to the child's parentPort; throws once the child is gone. */
  postMessage(message: unknown, _transfer?: unknown[]): void {
    if (this.#exited || !this.#child.connected) throw new Error('Cannot post message: the utility process has exited');
    this.#child.send({ kind: 'pallet-utility-message', data: message });
  }
  /** SIGTERM; false before spawn and after exit. */
  kill(): boolean {
    if (this.pid === undefined || this.#exited) return false;
    return this.#child.kill('SIGTERM');
  }
}

const utilityProcess = {
  /** Electron's fork: JS validation, then the ready check, then C++-side conversions. */
  fork(modulePath: string, args?: string[] | ForkOptions, options?: ForkOptions): UtilityProcess {
    if (!modulePath) throw new Error('Missing UtilityProcess entry script.');
    if (args == null) args = [];
    else if (typeof args === 'object' && !Array.isArray(args)) {
      options = args;
      args = [];
    }
    options = { ...(options ?? {}) };
    if (options.execArgv != null) {
      if (!Array.isArray(options.execArgv) || !options.execArgv.every((v) => typeof v === 'string'))
        throw new TypeError('execArgv must be an array of strings.');
    }
    if (options.serviceName != null && typeof options.serviceName !== 'string')
      throw new TypeError('serviceName must be a string.');
    if (options.cwd != null && typeof options.cwd !== 'string') throw new TypeError('cwd path must be a string.');
    let stdio: Stdio[] = ['ignore', 'inherit', 'inherit'];
    if (typeof options.stdio === 'string') {
      if (options.stdio !== 'inherit' && options.stdio !== 'ignore' && options.stdio !== 'pipe')
        throw new Error('stdio must be of the following values: inherit, pipe, ignore');
      stdio = ['ignore', options.stdio, options.stdio];
    } else if (Array.isArray(options.stdio)) {
      if (options.stdio.length < 3) throw new Error('configuration missing for stdin, stdout or stderr.');
      if (options.stdio[0] !== 'ignore') throw new Error('stdin value other than ignore is not supported.');
      const ok = (v: unknown) => v === 'pipe' || v === 'ignore' || v === 'inherit';
      if (!ok(options.stdio[1]))
        throw new Error('stdout configuration must be of the following values: inherit, pipe, ignore');
      if (!ok(options.stdio[2]))
        throw new Error('stderr configuration must be of the following values: inherit, pipe, ignore');
      stdio = [options.stdio[0], options.stdio[1]!, options.stdio[2]!];
    } else if (options.stdio != null) {
      throw new Error('stdio must be of the following values: inherit, pipe, ignore');
    }
    if (!st().ready) throw new TypeError('utilityProcess cannot be created before app is ready.');
    if (
      options.env != null &&
      (typeof options.env !== 'object' || Object.values(options.env).some((v) => typeof v !== 'string'))
    )
      throw new TypeError('Invalid value for env');
    if (!args.every((a) => typeof a === 'string')) throw new TypeError('Invalid value for args');
    const child = new UtilityProcess(modulePath, args, options, stdio);
    st().utilities.push(child);
    return child;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// The module object and the driver-side operations

const electron = {
  app,
  autoUpdater,
  BrowserWindow,
  clipboard,
  crashReporter,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  MenuItem,
  nativeImage,
  nativeTheme,
  net,
  Notification,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  utilityProcess,
  webContents,
};

/** The `electron` module object. */
export type ElectronDouble = typeof electron;

function windowById(id?: number): BrowserWindow {
  const wins = BrowserWindow.getAllWindows();
  const win = id === undefined ? wins[0] : wins.find((w) => w.id === id);
  if (!win)
    throw new Error(
      id === undefined ? 'electron-double: no open window to invoke from' : `electron-double: no open window ${id}`,
    );
  return win;
}

function findMenuItem(menu: Menu | null, label: string): MenuItem | null {
  for (const item of menu?.items ?? []) {
    if (item.label === label) return item;
    const inner = findMenuItem(item.submenu ?? null, label);
    if (inner) return inner;
  }
  return null;
}

/**
 * Runs app code the driver triggered (an event listener, a menu click). What it throws is the app's uncaught exception,
 * as in Electron, not the test's: it is rethrown on its own turn, so the default error box (or the app's handler) gets it.
 */
function asApp<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    setImmediate(() => {
      throw error;
    });
    return undefined;
  }
}

/** What the driver can do inside the booted main. */
export const control = {
  /** Emits will-finish-launching and ready (once), then delivers queued second-instance events. */
  emitReady(): void {
    const s = st();
    if (s.ready) return;
    asApp(() => app.emit('will-finish-launching'));
    s.ready = true;
    asApp(() => app.emit('ready', new DoubleEvent(), {}));
    s.resolveReady();
    // second-instance is never emitted before ready: Electron re-posts it until then.
    setImmediate(() => {
      for (const args of s.pendingSecondInstance.splice(0))
        asApp(() => app.emit('second-instance', new DoubleEvent(), ...args));
    });
  },
  /** Emits an app event with a preventable event object; reports whether a listener prevented it. */
  emitApp(event: string, ...args: unknown[]): { defaultPrevented: boolean; listeners: number; queued: boolean } {
    const s = st();
    if (event === 'second-instance') {
      const full = [args[0] ?? [], args[1] ?? process.cwd(), args.length > 2 ? args[2] : null];
      if (!s.ready) {
        s.pendingSecondInstance.push(full);
        return { defaultPrevented: false, listeners: app.listenerCount(event), queued: true };
      }
      args = full;
    }
    if (event === 'activate' && args.length === 0) args = [BrowserWindow.getAllWindows().some((w) => w.visible)];
    if (event === 'ready') {
      control.emitReady();
      return { defaultPrevented: false, listeners: app.listenerCount(event), queued: false };
    }
    const e = new DoubleEvent();
    asApp(() => app.emit(event, e, ...args));
    return { defaultPrevented: e.defaultPrevented, listeners: app.listenerCount(event), queued: false };
  },
  /** Emits a powerMonitor event (suspend, resume, lock-screen...). */
  emitPowerMonitor(event: string): void {
    asApp(() => powerMonitor.emit(event, new DoubleEvent()));
  },
  /** The renderer's ipcRenderer.invoke from a window's main frame, with Electron's error texts. */
  async invoke(channel: string, payload: unknown, windowId?: number): Promise<unknown> {
    const win = windowById(windowId);
    const wc = win.webContents;
    if (wc.requestedUrl === null)
      throw new Error(`electron-double: window ${win.id} has loaded nothing, so no page could invoke '${channel}'`);
    const args = [cloneForIpc(payload)];
    const event = {
      sender: wc,
      senderFrame: wc.mainFrame,
      processId: wc.mainFrame.processId,
      frameId: wc.mainFrame.routingId,
      type: 'frame' as const,
      ports: [],
    };
    try {
      const handler = st().handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return cloneForIpc(await handler(event, ...args));
    } catch (error) {
      console.error(`Error occurred in handler for '${channel}':`, error);
      throw new Error(`Error invoking remote method '${channel}': ${String(error)}`);
    }
  },
  /** The renderer's ipcRenderer.send: ipcMain 'on' listeners get it. */
  sendFromRenderer(channel: string, payload: unknown, windowId?: number): void {
    const wc = windowById(windowId).webContents;
    ipcMain.emit(
      channel,
      {
        sender: wc,
        senderFrame: wc.mainFrame,
        processId: wc.mainFrame.processId,
        frameId: 1,
        reply: () => {},
        returnValue: undefined,
      },
      cloneForIpc(payload),
    );
  },
  /**
   * A subresource of a window's loaded page (an <img>, a fetch), resolved as Chromium does for a custom scheme: the
   * scheme's protocol.handle handler answers (status, content type, body); a scheme nobody handles fails with
   * ERR_UNKNOWN_URL_SCHEME; a handler that throws or answers no Response fails with ERR_FAILED. The double runs no CSP.
   */
  async subresource(
    url: string,
    windowId?: number,
  ): Promise<{ status: number; contentType: string | null; body: string }> {
    const wc = windowById(windowId).webContents;
    if (!wc.loaded) throw new Error(`electron-double: window has loaded no page that could request '${url}'`);
    let scheme: string;
    try {
      scheme = new URL(url).protocol.slice(0, -1);
    } catch {
      throw new Error(`net::ERR_INVALID_URL loading '${url}'`);
    }
    const handler = st().protocolHandlers.get(scheme);
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME loading '${url}'`);
    let response: unknown;
    try {
      response = await handler(new Request(url));
    } catch {
      throw new Error(`net::ERR_FAILED loading '${url}'`);
    }
    if (!(response instanceof Response)) throw new Error(`net::ERR_FAILED loading '${url}'`);
    const body = Buffer.from(await response.arrayBuffer()).toString('base64');
    return { status: response.status, contentType: response.headers.get('content-type'), body };
  },
  /** The page navigating itself (a link): will-navigate listeners may prevent it. */
  navigate(url: string, windowId?: number): { prevented: boolean } {
    const wc = windowById(windowId).webContents;
    const e = new DoubleEvent(wc);
    asApp(() => wc.emit('will-navigate', e, url));
    return { prevented: e.defaultPrevented };
  },
  /** The page calling window.open: the window-open handler decides. */
  windowOpen(url: string, windowId?: number): { action: string } {
    const wc = windowById(windowId).webContents;
    const details = {
      url,
      frameName: '',
      features: '',
      disposition: 'new-window',
      referrer: { url: '', policy: 'default' },
    };
    const result = (asApp(() => wc.windowOpenHandler?.(details)) ?? { action: 'allow' }) as { action: string };
    return { action: result.action };
  },
  /** Asks the default session's permission handlers, as a page's permission request would. */
  async requestPermission(
    permission: string,
    windowId?: number,
  ): Promise<{ request: boolean | null; check: boolean | null }> {
    const wc = windowById(windowId).webContents;
    const ses = session.defaultSession;
    const request = ses.permissionRequestHandler
      ? await new Promise<boolean>((resolve) =>
          ses.permissionRequestHandler!(wc, permission, (granted: boolean) => resolve(granted), {}),
        )
      : null;
    const check = ses.permissionCheckHandler
      ? Boolean(ses.permissionCheckHandler(wc, permission, wc.mainFrame.url, {}))
      : null;
    return { request, check };
  },
  /** The user closing a window (preventable 'close'). */
  closeWindow(windowId?: number): void {
    const win = windowById(windowId);
    asApp(() => win.close());
  },
  answerDialogs(response: number | null): void {
    st().dialogResponse = response;
  },
  answerFileDialogs(filePaths: string[] | null): void {
    st().fileDialogAnswer = filePaths ? { filePaths } : null;
  },
  setOnline(online: boolean): void {
    st().online = online;
  },
  /** Clicks notification `index`; false when it was garbage-collected (its click is lost). */
  clickNotification(index: number): { delivered: boolean } {
    const rec = st().notifications[index];
    if (!rec) throw new Error(`electron-double: no notification ${index}`);
    const n = rec.ref.deref();
    if (!n) return { delivered: false };
    asApp(() => n.emit('click', new DoubleEvent(n)));
    return { delivered: true };
  },
  /** Clicks the tray menu item with this label (the newest live tray). */
  clickTray(label: string): void {
    const tray = [...st().trays].reverse().find((t) => !t.isDestroyed());
    if (!tray) throw new Error('electron-double: no tray');
    const item = findMenuItem(tray.menu, label);
    if (!item) throw new Error(`electron-double: no tray menu item '${label}'`);
    if (!item.enabled) throw new Error(`electron-double: tray menu item '${label}' is disabled`);
    const event = { shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, triggeredByAccelerator: false };
    asApp(() => item.click?.(item, BrowserWindow.getFocusedWindow() ?? undefined, event));
  },
  gc(): void {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('electron-double: run with --expose-gc');
    gc();
    gc();
  },
  quit(): void {
    asApp(() => app.quit());
  },
  /** Electron's default uncaughtException behaviour when the app installed none: an error dialog, no exit. */
  recordUncaught(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    const stack = err.stack ? err.stack : `${err.name}: ${err.message}`;
    st().uncaught.push({ message: err.message, stack });
    dialog.showErrorBox('A JavaScript error occurred in the main process', 'Uncaught Exception:\n' + stack);
  },
  setBeforeExit(fn: (code: number) => Promise<void>): void {
    st().beforeExit = fn;
  },
  /** The serializable snapshot the driver reads. */
  state(): DoubleState {
    const s = st();
    const windows: WindowState[] = s.windows.map((w) => {
      const wc = w.webContents;
      return {
        id: w.id,
        webContentsId: wc.id,
        url: wc.mainFrame.url,
        requestedUrl: wc.requestedUrl,
        handlersAtLoad: wc.handlersAtLoad,
        loaded: wc.loaded,
        loadError: wc.loadError,
        visible: w.visible && !w.minimized,
        focused: w.focused,
        minimized: w.minimized,
        maximized: w.maximized,
        destroyed: w.isDestroyed(),
        title: w.isDestroyed() ? '' : w.getTitle(),
        options: w.options,
        sent: wc.sent.map((x) => ({ channel: x.channel, args: x.args })),
        windowOpenHandler: wc.windowOpenHandler !== null,
        contentsListeners: Object.fromEntries(wc.eventNames().map((n) => [String(n), wc.listenerCount(n)])),
      };
    });
    const notifications: NotificationState[] = s.notifications.map((n) => ({
      title: n.title,
      body: n.body,
      shown: n.shown,
      closed: n.closed,
      alive: n.ref.deref() !== undefined,
    }));
    return {
      ready: s.ready,
      appName: s.name,
      appUserModelId: s.userModelId,
      isPackaged: app.isPackaged,
      singleInstanceLock: s.singleInstanceHeld,
      paths: {
        userData: s.pathOverrides.get('userData') ?? s.userData,
        appData: s.pathOverrides.get('appData') ?? s.appData,
        overrides: Object.fromEntries(s.pathOverrides),
      },
      handlerChannels: [...s.handlers.keys()],
      ipcListeners: Object.fromEntries(ipcMain.eventNames().map((n) => [String(n), ipcMain.listenerCount(n)])),
      windows,
      notifications,
      trays: s.trays.map((t) => ({
        tooltip: t.tooltip,
        title: t.title,
        menu: (t.menu?.items ?? []).map((i) => ({
          label: i.label,
          enabled: i.enabled,
          visible: i.visible,
          type: i.type,
        })),
        image: { empty: t.image.isEmpty(), ...t.image.getSize() },
        destroyed: t.isDestroyed(),
      })),
      applicationMenu: s.applicationMenu ? s.applicationMenu.items.map((i) => i.label) : null,
      dialogs: {
        errorBoxes: [...s.errorBoxes],
        messageBoxes: [...s.messageBoxes],
        openDialogs: [...s.openDialogs],
        saveDialogs: [...s.saveDialogs],
      },
      utilityProcesses: s.utilities.map((u) => structuredClone(u.record)),
      sessions: [...s.sessions.values()].map((x) => ({
        partition: x.partition,
        permissionRequestHandler: x.permissionRequestHandler !== null,
        permissionCheckHandler: x.permissionCheckHandler !== null,
        preloads: [...x.preloads],
      })),
      protocolHandlers: [...s.protocolHandlers.keys()],
      privilegedSchemes: structuredClone(s.privilegedSchemes),
      lifecycle: [...s.lifecycle],
      quit: s.quitCode === null ? null : { code: s.quitCode },
      uncaughtErrors: [...s.uncaught],
      shell: structuredClone(s.shellCalls),
      powerSaveBlockers: structuredClone(s.blockers),
      globalShortcuts: [...s.shortcuts.keys()],
      relaunches: s.relaunches,
      online: s.online,
      appListeners: Object.fromEntries(app.eventNames().map((n) => [String(n), app.listenerCount(n)])),
    };
  },
};

interface Shared {
  electron: ElectronDouble;
  control: typeof control;
}

/** The process-wide double: the first module instance to load creates it; later instances reuse it. */
export function getDouble(): Shared {
  const g = globalThis as { [KEY]?: Shared };
  g[KEY] ??= { electron, control };
  return g[KEY];
}
