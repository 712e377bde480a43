// Recording fakes of Electron's plumbing (window, tray, notifications, power, dialogs, app lifecycle): the only
// fakes the tests use. Everything behind them — queue, scheduler, workers, router — is real.
import type { AppEvent } from '../../preload/contract/channels.ts';
import type { EncryptionBackend } from '../../main/app/secrets.ts';
import type {
  AppLifecyclePort,
  DialogPort,
  FilesPort,
  Notice,
  NotifierPort,
  PowerPort,
  TrayActionId,
  TrayModel,
  TrayPort,
  WindowPort,
} from '../../main/ports.ts';

export function fakeShell(opts: { confirmQuit?: boolean } = {}) {
  const rec = {
    sent: [] as AppEvent[],
    trays: [] as TrayModel[],
    notices: [] as Notice[],
    power: [] as ('prevent' | 'allow')[],
    quitAsked: [] as number[],
    quits: 0,
    visible: true,
    focused: false,
    opened: [] as string[],
    revealed: [] as string[],
  };
  let closeListener: (e: { preventDefault(): void }) => void = () => {};
  let trayListener: (id: TrayActionId) => void = () => {};
  const clicks: (() => void)[] = [];
  let secondInstance: (argv: readonly string[]) => void = () => {};
  let openFile: (p: string) => void = () => {};
  let beforeQuit: (e: { preventDefault(): void }) => void = () => {};
  let activate: () => void = () => {};

  const window: WindowPort = {
    show: () => void (rec.visible = true),
    hide: () => void (rec.visible = false),
    focus: () => void (rec.focused = true),
    isVisible: () => rec.visible,
    isFocused: () => rec.focused,
    send: (e) => void rec.sent.push(e),
    onClose: (l) => void (closeListener = l),
  };
  const tray: TrayPort = { update: (m) => void rec.trays.push(m), onAction: (l) => void (trayListener = l) };
  const notifier: NotifierPort = { show: (n, onClick) => void (rec.notices.push(n), clicks.push(onClick)) };
  let resume: () => void = () => {};
  const power: PowerPort = {
    preventSleep: () => void rec.power.push('prevent'),
    allowSleep: () => void rec.power.push('allow'),
    onResume: (l) => void (resume = l),
  };
  const dialog: DialogPort = { confirmQuit: async (n) => (rec.quitAsked.push(n), opts.confirmQuit ?? true) };
  const lifecycle: AppLifecyclePort = {
    quit: () => void rec.quits++,
    onSecondInstance: (l) => void (secondInstance = l),
    onOpenFile: (l) => void (openFile = l),
    onBeforeQuit: (l) => void (beforeQuit = l),
    onActivate: (l) => void (activate = l),
  };
  const files: FilesPort = {
    open: async (p) => void rec.opened.push(p),
    showInFolder: (p) => void rec.revealed.push(p),
  };
  return {
    rec,
    ports: { window, tray, notifier, power, dialog, lifecycle },
    files,
    /** The user closes the window; returns whether the close went through. */
    closeWindow(): boolean {
      let prevented = false;
      closeListener({ preventDefault: () => void (prevented = true) });
      return !prevented;
    },
    clickTray: (id: TrayActionId) => trayListener(id),
    clickNotification: (i: number) => clicks[i]?.(),
    launchAgain: (argv: readonly string[]) => secondInstance(argv),
    openFile: (p: string) => openFile(p),
    /** macOS: the user clicks the Dock icon. */
    activate: () => activate(),
    /** The OS asks the app to quit (Cmd-Q, logout); returns whether quitting went ahead at once. */
    beforeQuit(): boolean {
      let prevented = false;
      beforeQuit({ preventDefault: () => void (prevented = true) });
      return !prevented;
    },
    lastTray: () => rec.trays.at(-1),
    wakeFromSleep: () => resume(),
  };
}
export type FakeShell = ReturnType<typeof fakeShell>;

/** Where encrypted secrets would be written (electron-store in the app): a map, exposed for inspection. */
export function memorySecretStore() {
  const m = new Map<string, string>();
  return {
    m,
    store: {
      get: (n: string) => m.get(n),
      set: (n: string, v: string) => void m.set(n, v),
      delete: (n: string) => void m.delete(n),
    },
  };
}

/** A stand-in for the OS keyring (safeStorage): reversible, and visibly not plain text. */
export function fakeKeyring(backend = 'gnome_libsecret'): EncryptionBackend {
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
    decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
  };
}
