import { app, dialog, Menu, nativeImage, net, Notification, powerMonitor, powerSaveBlocker, shell, Tray } from 'electron';
import type { AppLifecyclePort, DialogPort, FilesPort, NetworkPort, NotifierPort, PowerPort, TrayActionId, TrayPort } from '../ports.ts';

// A 16×16 pallet glyph, embedded so the tray needs no file on disk.
const TRAY_ICON =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAI0lEQVR42mNgGB5AQ8PgPzmYegaMhsFoGKAbQo4YdQwgFwAA/FGPoRX+LaMAAAAASUVORK5CYII=';

/** The tray icon and its menu. */
export function createTrayPort(): TrayPort {
  const tray = new Tray(nativeImage.createFromDataURL(TRAY_ICON));
  let listener: (id: TrayActionId) => void = () => {};
  return {
    update(model) {
      tray.setToolTip(model.tooltip);
      tray.setContextMenu(
        Menu.buildFromTemplate(model.items.map((i) => ({ label: i.label, enabled: i.enabled, click: i.id ? () => listener(i.id!) : undefined }))),
      );
    },
    onAction: (l) => void (listener = l),
  };
}

export function createNotifierPort(): NotifierPort {
  return {
    show(notice, onClick) {
      if (!Notification.isSupported()) return;
      const n = new Notification({ title: notice.title, body: notice.body });
      n.on('click', onClick);
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
  };
}

export function createLifecyclePort(): AppLifecyclePort {
  return {
    quit: () => app.quit(),
    onSecondInstance: (l) => void app.on('second-instance', (_e, argv) => l(argv)),
    onOpenFile: (l) =>
      void app.on('open-file', (e, path) => {
        e.preventDefault();
        l(path);
      }),
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
