import {
  app,
  dialog,
  Menu,
  nativeImage,
  net,
  Notification,
  powerMonitor,
  powerSaveBlocker,
  shell,
  Tray,
  type NativeImage,
} from 'electron';
import { join } from 'node:path';
import type { LaunchInbox } from '../app/launch-inbox.ts';
import type {
  AppLifecyclePort,
  DialogPort,
  FilesPort,
  NetworkPort,
  NotifierPort,
  PowerPort,
  TrayActionId,
  TrayPort,
} from '../ports.ts';

// A 16×16 pallet glyph, embedded so the tray still has an icon if the icon files are missing.
const FALLBACK_TRAY_ICON =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAI0lEQVR42mNgGB5AQ8PgPzmYegaMhsFoGKAbQo4YdQwgFwAA/FGPoRX+LaMAAAAASUVORK5CYII=';

/**
 * The tray icon: on macOS a template image (black and alpha: the menu bar recolours it for light and dark bars),
 * elsewhere a coloured glyph with an outline that reads on both. `@2x` files beside them are picked up by Electron.
 */
export function trayIcon(dir: string, platform: NodeJS.Platform = process.platform): NativeImage {
  const image = nativeImage.createFromPath(join(dir, platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'));
  if (image.isEmpty()) return nativeImage.createFromDataURL(FALLBACK_TRAY_ICON);
  if (platform === 'darwin') image.setTemplateImage(true);
  return image;
}

/** The tray icon and its menu. */
export function createTrayPort(iconDir: string): TrayPort {
  const tray = new Tray(trayIcon(iconDir));
  let listener: (id: TrayActionId) => void = () => {};
  return {
    update(model) {
      tray.setToolTip(model.tooltip);
      tray.setContextMenu(
        Menu.buildFromTemplate(
          model.items.map((i) => ({
            label: i.label,
            enabled: i.enabled,
            click: i.id ? () => listener(i.id!) : undefined,
          })),
        ),
      );
    },
    onAction: (l) => void (listener = l),
  };
}

/** How many shown notifications are kept alive for their click; older ones are let go (Windows may never close them). */
const KEPT_NOTIFICATIONS = 32;

/**
 * Desktop notifications. Electron does not keep a shown Notification alive: once collected, its click is lost
 * (electron/electron#12690), so each is held until it is clicked, closed or fails.
 */
export function createNotifierPort(): NotifierPort {
  const live = new Set<Notification>();
  return {
    show(notice, onClick) {
      if (!Notification.isSupported()) return;
      const n = new Notification({ title: notice.title, body: notice.body });
      const release = () => void live.delete(n);
      n.on('click', () => {
        release();
        onClick();
      });
      n.on('close', release);
      n.on('failed', release);
      live.add(n);
      if (live.size > KEPT_NOTIFICATIONS) live.delete(live.values().next().value!);
      n.show();
    },
  };
}

export function createPowerPort(): PowerPort {
  let id: number | null = null;
  return {
    preventSleep() {
      id ??= powerSaveBlocker.start('prevent-app-suspension');
    },
    allowSleep() {
      if (id !== null) powerSaveBlocker.stop(id);
      id = null;
    },
    onResume: (l) => void powerMonitor.on('resume', l),
  };
}

export function createDialogPort(): DialogPort {
  return {
    async confirmQuit(running) {
      const { response } = await dialog.showMessageBox({
        type: 'question',
        buttons: ['Quit', 'Keep running'],
        defaultId: 1,
        cancelId: 1,
        message: `${running} job${running === 1 ? ' is' : 's are'} running.`,
        detail: 'Quit now and they stop safely at their last checkpoint, then resume the next time Pallet starts.',
      });
      return response === 0;
    },
    async pickFile({ title, filters }) {
      const r = await dialog.showOpenDialog({ title, filters, properties: ['openFile'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async pickSavePath({ title, defaultName, filters }) {
      const r = await dialog.showSaveDialog({
        title,
        defaultPath: join(app.getPath('downloads'), defaultName),
        filters,
      });
      return r.canceled ? null : (r.filePath ?? null);
    },
    async databaseDamaged({ message, latestBackup }) {
      // "Quit" is the default and the Escape answer: nothing changes unless the user picks a way out.
      const choices: ('restore' | 'fresh' | 'quit')[] = latestBackup ? ['restore', 'fresh', 'quit'] : ['fresh', 'quit'];
      const labels = { restore: 'Restore the latest backup', fresh: 'Keep it aside and start fresh', quit: 'Quit' };
      const { response } = await dialog.showMessageBox({
        type: 'error',
        buttons: choices.map((c) => labels[c]),
        defaultId: choices.length - 1,
        cancelId: choices.length - 1,
        message: 'Pallet cannot open its database',
        detail:
          `${message}\n\n` +
          (latestBackup
            ? `The latest backup is from ${new Date(latestBackup.takenAt).toLocaleString()} (${latestBackup.path}). `
            : 'There is no backup to restore. ') +
          'Either way the damaged file is kept beside it, renamed .damaged-<time>.',
      });
      return choices[response] ?? 'quit';
    },
  };
}

/** What the OS asked of the app, gathered from module top level on (see LaunchInbox). */
export type LaunchRequest =
  { type: 'open-file'; path: string } | { type: 'second-instance'; argv: readonly string[] } | { type: 'activate' };

/**
 * Listens, from the very start, for the OS's requests: a file opened with Pallet (macOS sends it before `ready`), a
 * second launch, a Dock click. They wait in the inbox until the desktop subscribes.
 */
export function listenForLaunchRequests(inbox: LaunchInbox<LaunchRequest>): void {
  app.on('open-file', (e, path) => {
    e.preventDefault();
    inbox.push({ type: 'open-file', path });
  });
  app.on('second-instance', (_e, argv) => inbox.push({ type: 'second-instance', argv }));
  app.on('activate', () => inbox.push({ type: 'activate' }));
}

/** The app's lifecycle, with the launch requests gathered since start. */
export function createLifecyclePort(inbox: LaunchInbox<LaunchRequest>): AppLifecyclePort {
  const listeners: {
    openFile?: (p: string) => void;
    secondInstance?: (argv: readonly string[]) => void;
    activate?: () => void;
  } = {};
  // Subscribing replays what came before: do it once every listener is attached (the desktop attaches all in start()).
  let subscribed = false;
  const subscribeSoon = () => {
    if (subscribed) return;
    subscribed = true;
    queueMicrotask(() =>
      inbox.subscribe((r) => {
        if (r.type === 'open-file') listeners.openFile?.(r.path);
        else if (r.type === 'second-instance') listeners.secondInstance?.(r.argv);
        else listeners.activate?.();
      }),
    );
  };
  return {
    quit: () => app.quit(),
    onSecondInstance: (l) => void ((listeners.secondInstance = l), subscribeSoon()),
    onOpenFile: (l) => void ((listeners.openFile = l), subscribeSoon()),
    onActivate: (l) => void ((listeners.activate = l), subscribeSoon()),
    onBeforeQuit: (l) => void app.on('before-quit', (e) => l(e)),
  };
}

/** Online status from Chromium's network stack, polled (Electron has no change event in main). */
export function createNetworkPort(pollMs = 5_000): NetworkPort {
  let online = net.isOnline();
  const listeners: ((online: boolean) => void)[] = [];
  setInterval(() => {
    const now = net.isOnline();
    if (now !== online) {
      online = now;
      for (const l of listeners) l(now);
    }
  }, pollMs).unref();
  return { isOnline: () => online, onChange: (l) => void listeners.push(l) };
}

/** Opens a file with its app (an error report in the spreadsheet app) or shows it in the file manager. */
export function createFilesPort(): FilesPort {
  return {
    async open(path) {
      const error = await shell.openPath(path);
      if (error) throw new Error(error);
    },
    showInFolder: (path) => shell.showItemInFolder(path),
  };
}
