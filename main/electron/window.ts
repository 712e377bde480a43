import { BrowserWindow, screen } from 'electron';
import type { AppEvent } from '../../preload/contract/channels.ts';
import { EVENT_CHANNEL } from '../../preload/contract/channels.ts';
import type { WindowPort } from '../ports.ts';
import { MIN_SIZE, restoreWindowState } from '../app/window-state.ts';
import type { WindowStateStore } from './storage.ts';

/** The main window with every security switch on, and its WindowPort. */
export function createMainWindow(opts: { preload: string; url: string; state: WindowStateStore }): {
  win: BrowserWindow;
  port: WindowPort;
} {
  // Where the seller left it, if that place is still on a display; else the default size, centred.
  const restored = restoreWindowState(
    opts.state.load(),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...restored.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
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
  win.once('ready-to-show', () => {
    if (restored.maximized) win.maximize();
    win.show();
  });
  // The normal (unmaximized) bounds are what is saved, so un-maximizing next time goes back to them.
  let normal = win.getBounds();
  const remember = () => {
    if (!win.isMaximized() && !win.isMinimized() && !win.isFullScreen()) normal = win.getBounds();
  };
  win.on('resize', remember);
  win.on('move', remember);
  // Closing (to the tray, or quitting) saves the place: one small write, not one per pixel dragged.
  win.on('close', () => opts.state.save({ bounds: normal, maximized: win.isMaximized() }));
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
