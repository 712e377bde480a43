import { BrowserWindow } from 'electron';
import type { AppEvent } from '../../preload/contract/channels.ts';
import { EVENT_CHANNEL } from '../../preload/contract/channels.ts';
import type { WindowPort } from '../ports.ts';

/** The main window with every security switch on, and its WindowPort. */
export function createMainWindow(opts: { preload: string; url: string }): { win: BrowserWindow; port: WindowPort } {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Pallet',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      // A file dropped outside the drop zone must not navigate the window to file://.
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click must not open links in new windows.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.url);
  const port: WindowPort = {
    show: () => (win.isMinimized() ? win.restore() : win.show()),
    hide: () => win.hide(),
    focus: () => win.focus(),
    isVisible: () => !win.isDestroyed() && win.isVisible(),
    isFocused: () => !win.isDestroyed() && win.isFocused(),
    send: (event: AppEvent) => {
      if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
    },
    onClose: (listener) => void win.on('close', (e) => listener(e)),
  };
  return { win, port };
}
