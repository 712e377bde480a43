// What the bare specifier `electron` resolves to in the booted main (ESM); CJS require gets the same object.
import { getDouble } from './double.ts';

const electron = getDouble().electron;

export const {
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
} = electron;
export default electron;
