// The serializable snapshot of the double and the control protocol between the test (boot.ts) and the booted main
// (register.ts). Types only, so the test side never loads the double itself.

export interface WindowState {
  id: number;
  webContentsId: number;
  /** The URL of the last finished load ('' before). */
  url: string;
  /** The URL passed to the last loadURL call (null before any). */
  requestedUrl: string | null;
  /** ipcMain handler channels registered when loadURL was first called (null before any). */
  handlersAtLoad: string[] | null;
  loaded: boolean;
  loadError: string | null;
  visible: boolean;
  focused: boolean;
  minimized: boolean;
  maximized: boolean;
  destroyed: boolean;
  title: string;
  /** Constructor options, functions dropped. */
  options: Record<string, unknown>;
  /** webContents.send calls: channel and cloned arguments. */
  sent: { channel: string; args: unknown[] }[];
  windowOpenHandler: boolean;
  /** webContents listeners by event name (will-navigate, will-redirect...). */
  contentsListeners: Record<string, number>;
}

export interface NotificationState {
  title: string;
  body: string;
  shown: boolean;
  closed: boolean;
  /** False once the object was garbage-collected (the double holds only a WeakRef). */
  alive: boolean;
}

export interface TrayState {
  tooltip: string;
  title: string;
  menu: { label: string; enabled: boolean; visible: boolean; type: string }[];
  image: { empty: boolean; width: number; height: number };
  destroyed: boolean;
}

export interface UtilityProcessState {
  pid: number | undefined;
  /** The pid while it ran, kept after exit. */
  lastPid: number | undefined;
  serviceName: string;
  modulePath: string;
  args: string[];
  /** execArgv as the app passed it. */
  execArgv: string[];
  /** The Node/V8 options the child really got (the allowlisted ones plus the --js-flags expansion). */
  effectiveExecArgv: string[];
  /** What Electron dropped silently. */
  droppedExecArgv: string[];
  stdio: string[];
  envKeys: string[] | null;
  spawned: boolean;
  exited: boolean;
  code: number | null;
  errors: { type: string; location: string }[];
}

export interface DoubleState {
  ready: boolean;
  appName: string;
  appUserModelId: string | null;
  isPackaged: boolean;
  singleInstanceLock: boolean;
  /** Paths the app asked for or set, as they answered; userData null while not computed yet. */
  paths: { userData: string | null; appData: string; overrides: Record<string, string> };
  handlerChannels: string[];
  /** ipcMain.on listeners by channel. */
  ipcListeners: Record<string, number>;
  windows: WindowState[];
  notifications: NotificationState[];
  trays: TrayState[];
  applicationMenu: string[] | null;
  dialogs: {
    errorBoxes: { title: string; content: string }[];
    messageBoxes: Record<string, unknown>[];
    openDialogs: Record<string, unknown>[];
    saveDialogs: Record<string, unknown>[];
  };
  utilityProcesses: UtilityProcessState[];
  sessions: {
    partition: string;
    permissionRequestHandler: boolean;
    permissionCheckHandler: boolean;
    preloads: string[];
  }[];
  protocolHandlers: string[];
  privilegedSchemes: { scheme: string; privileges: Record<string, unknown> }[];
  /** Lifecycle events in order, e.g. before-quit, close:1, closed:1, will-quit, quit:0, exit:3. */
  lifecycle: string[];
  quit: { code: number } | null;
  uncaughtErrors: { message: string; stack: string }[];
  shell: { openExternal: string[]; openPath: string[]; showItemInFolder: string[]; trashItem: string[] };
  powerSaveBlockers: { id: number; type: string; active: boolean }[];
  globalShortcuts: string[];
  relaunches: number;
  online: boolean;
  appListeners: Record<string, number>;
}

/** A request from the test to the booted main. */
export interface ControlRequest {
  kind: 'pallet-double-control';
  id: number;
  op: string;
  args: unknown[];
}

/** The booted main's answer. */
export interface ControlReply {
  kind: 'pallet-double-reply';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** Sent unprompted just before the booted main exits through app.quit()/app.exit(). */
export interface FinalState {
  kind: 'pallet-double-final';
  state: DoubleState;
}

/** Sent unprompted: the entry's top-level code ran, or an uncaught exception was recorded. */
export interface Notice {
  kind: 'pallet-double-notice';
  notice: 'entry-done' | 'uncaught';
}
