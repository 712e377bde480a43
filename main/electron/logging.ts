// electron-log wired as the app's rotating log file. Only the wiring lives here; line handling and rotation are in
// main/app/app-log.ts (tested under Node).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { formatWorkerLine, rotateLogFiles, type AppLog, type LogScope } from '../app/app-log.ts';

/** Size at which main.log is archived. */
export const LOG_MAX_BYTES = 5 * 1024 * 1024;
/** Archives kept beside main.log (main.1.log newest … main.3.log oldest): at most ~20 MiB in all. */
export const LOG_ARCHIVES = 3;

// Loaded on first use, not at import: electron-log requires `electron` (CommonJS) and registers IPC listeners when it
// loads, and it is kept out of the bundle so it resolves from node_modules like any dependency.
const load = createRequire(import.meta.url);

/** The folder desktop users look in: ~/Library/Logs/Pallet on macOS, `<userData>/logs` elsewhere. Call after app.setName. */
export function defaultLogsDir(): string {
  return (load('electron') as typeof import('electron')).app.getPath('logs');
}

/** Opens the app's log: `<dir>/main.log`, rotated at 5 MiB keeping 3 archives, echoed to the console unless `console: false`. */
export function createAppLog(o: { dir?: string; console?: boolean } = {}): AppLog {
  const dir = o.dir ?? defaultLogsDir();
  const file = join(dir, 'main.log');
  const electronLog = load('electron-log/main') as typeof import('electron-log/main');
  // electron-log answers its renderer bridge on a channel of its own as soon as it loads; Pallet's renderer has no
  // such bridge, and nothing but the contract's channels may reach main.
  const { ipcMain } = load('electron') as typeof import('electron');
  ipcMain.removeAllListeners('__ELECTRON_LOG__');
  ipcMain.removeHandler('__ELECTRON_LOG__');

  // Our own logger instance (not the module's default), never `initialize()`d: that would add electron-log's preload
  // to every session, which the sandboxed window must not get.
  const log = electronLog.create({ logId: 'pallet' });
  const t = log.transports;
  t.file.resolvePathFn = () => file;
  t.file.maxSize = LOG_MAX_BYTES;
  t.file.level = 'info';
  // electron-log keeps a single `.old` archive by default; numbered archives keep the days before a crash too.
  t.file.archiveLogFn = (old) => {
    if (rotateLogFiles(old.path, LOG_ARCHIVES)) return;
    // Could not move it (another program holds it open): keep its last 256 KiB, as electron-log itself does.
    const cropable = old as typeof old & { crop?(bytesAfter: number): void };
    if (cropable.crop) cropable.crop(256 * 1024);
    else old.clear();
  };
  t.console.level = o.console === false ? false : 'info';
  // Off: in development electron-log would mirror every main line into each window.
  if (t.ipc) t.ipc.level = false;
  t.remote.level = false;

  const scopes = new Map<string, LogScope>();
  const scope = (name: string): LogScope => {
    let s = scopes.get(name);
    if (!s) {
      const l = log.scope(name);
      s = { info: (m) => l.info(m), warn: (m) => l.warn(m), error: (m) => l.error(m) };
      scopes.set(name, s);
    }
    return s;
  };
  return {
    dir,
    file,
    info: (m) => log.info(m),
    warn: (m) => log.warn(m),
    error: (m) => log.error(m),
    scope,
    lineSink:
      (name, stream = 'stdout') =>
      (line) =>
        (stream === 'stderr' ? log.warn : log.info)(formatWorkerLine(name, line)),
  };
}
