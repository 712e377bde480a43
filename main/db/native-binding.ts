// Which build of better-sqlite3's native addon a process loads. `npm install` compiles it for Node's ABI (tests, the
// CLI); Electron needs its own ABI, so the app keeps a second build under dist/native and every Electron process (main,
// its threads, utility-process workers) names it in PALLET_SQLITE_BINDING. Unset (plain Node) means the default build.
// No `electron` import here: workers, threads and tests load this under plain Node too.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, win32 } from 'node:path';

/** The environment variable that names the native addon file every process must load. */
export const SQLITE_BINDING_ENV = 'PALLET_SQLITE_BINDING';

/** The native addon file named by PALLET_SQLITE_BINDING, or undefined for better-sqlite3's default (Node) build. */
export function sqliteNativeBinding(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[SQLITE_BINDING_ENV]?.trim();
  return value ? value : undefined;
}

/** Thrown when the native addon named by PALLET_SQLITE_BINDING is missing or does not load. */
export class SqliteBindingError extends Error {
  constructor(
    readonly binding: string,
    readonly missing: boolean,
    readonly detail: string,
    message: string,
  ) {
    super(message);
    this.name = 'SqliteBindingError';
  }
}

// A packaged app loads its addon from app.asar.unpacked (see electronSqliteBinding): that is how a worker, which is not
// told whether the app is packaged, knows which advice to give.
const looksPackaged = (binding: string) => /[\\/]app\.asar\.unpacked[\\/]/.test(binding);

/** The plain-words explanation of a binding that failed to load, for logs and the start-up dialog. */
export function sqliteBindingMessage(
  binding: string,
  o: { missing: boolean; detail: string; isPackaged?: boolean | undefined; abi?: string | undefined },
): string {
  const packaged = o.isPackaged ?? looksPackaged(binding);
  const what = o.missing ? `${binding} does not exist` : `${binding} failed to load`;
  if (packaged) {
    return `Pallet's database engine could not be loaded (${what}). This installation of Pallet is damaged: reinstall Pallet.\n\n${o.detail}`;
  }
  return (
    `Pallet's database engine (better-sqlite3) is not built for this Electron (ABI ${o.abi ?? process.versions.modules}): ${what}. ` +
    'Run `npm run rebuild:electron` — `npm start` does it for you — and start again.\n\n' +
    o.detail
  );
}

const requireNative = createRequire(import.meta.url);
const loaded = new Map<string, object>();

/** Loads (once per process) the native addon at `binding`, throwing SqliteBindingError that names the file. */
function loadBinding(binding: string): object {
  const cached = loaded.get(binding);
  if (cached) return cached;
  // Checked first so a missing file says so, instead of Node's "Cannot find module".
  if (!existsSync(binding))
    throw new SqliteBindingError(
      binding,
      true,
      'The file is missing.',
      sqliteBindingMessage(binding, { missing: true, detail: 'The file is missing.' }),
    );
  let addon: object;
  try {
    addon = requireNative(binding) as object;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new SqliteBindingError(binding, false, detail, sqliteBindingMessage(binding, { missing: false, detail }));
  }
  loaded.set(binding, addon);
  return addon;
}

/**
 * Opens a raw better-sqlite3 connection with the native build this process must use (PALLET_SQLITE_BINDING). Every
 * connection in main/ is opened through here, never with `new Database` directly.
 */
export function openSqlite(path: string, options: Omit<Database.Options, 'nativeBinding'> = {}): Database.Database {
  const binding = sqliteNativeBinding();
  if (binding === undefined) return new Database(path, options);
  // The addon is loaded here rather than by better-sqlite3 so a load failure is told apart from a failure to open the
  // database file, and said with the file's name and what to run.
  return new Database(path, withAddon(options, loadBinding(binding)));
}

// better-sqlite3 takes a loaded addon object as `nativeBinding` (documented, lib/database.js); its types only say string.
const withAddon = (options: Database.Options, addon: object): Database.Options => ({
  ...options,
  nativeBinding: addon as unknown as string,
});

/**
 * Where the Electron build of better-sqlite3 lives: `<appRoot>/dist/native/electron-abi<abi>/better_sqlite3.node` in
 * development, and the same under `<resourcesPath>/app.asar.unpacked` once packaged (native files cannot load from
 * inside an asar archive). `appRoot` is the folder holding package.json; in Electron's main process `abi` is
 * `process.versions.modules`.
 */
export function electronSqliteBinding(o: {
  appRoot: string;
  isPackaged: boolean;
  resourcesPath: string;
  abi: string;
}): string {
  const base = o.isPackaged ? [o.resourcesPath, 'app.asar.unpacked'] : [o.appRoot];
  // Windows paths (C:\…) are joined with backslashes whatever the platform running this, so a packaged Windows path
  // stays one; everything else uses the host's separator.
  const joinPath = /^[A-Za-z]:[\\/]|^\\\\/.test(base[0]!) ? win32.join : join;
  return joinPath(...base, 'dist', 'native', `electron-abi${o.abi}`, 'better_sqlite3.node');
}

/** The outcome of probeSqlite: ok, or a message to show the user before quitting. */
export type SqliteProbe = { ok: true } | { ok: false; message: string };

/**
 * Opens and closes an in-memory database with `binding` (undefined: the default build), so a wrong or missing build is
 * reported once, in plain words, before anything else opens the database. `isPackaged` picks the advice (reinstall, or
 * rebuild; default: guessed from the path); `abi` is the ABI named in it (default: this process's).
 */
export function probeSqlite(binding: string | undefined, o: { isPackaged?: boolean; abi?: string } = {}): SqliteProbe {
  try {
    const db =
      binding === undefined ? new Database(':memory:') : new Database(':memory:', withAddon({}, loadBinding(binding)));
    db.prepare('SELECT sqlite_version()').get();
    db.close();
    return { ok: true };
  } catch (err) {
    if (err instanceof SqliteBindingError)
      return {
        ok: false,
        message: sqliteBindingMessage(err.binding, { missing: err.missing, detail: err.detail, ...o }),
      };
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, message: sqliteBindingMessage(binding ?? 'better-sqlite3', { missing: false, detail, ...o }) };
  }
}
