import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import {
  electronSqliteBinding,
  openSqlite,
  probeSqlite,
  SqliteBindingError,
  sqliteBindingMessage,
  sqliteNativeBinding,
} from '../../../main/db/native-binding.ts';
import { openStaging } from '../../../main/imports/staging.ts';
import { allowlistEnv } from '../../../main/workers/launcher.ts';
import { openWorkerDatabase } from '../../../main/workers/runtime/database.ts';

/** The Node build npm installed (what tests and the CLI load by default). */
const nodeBuild = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');

describe('electronSqliteBinding', () => {
  it('in development: dist/native/electron-abi<abi> under the folder holding package.json', () => {
    expect(
      electronSqliteBinding({ appRoot: '/home/me/pallet', isPackaged: false, resourcesPath: '/ignored', abi: '150' }),
    ).toBe('/home/me/pallet/dist/native/electron-abi150/better_sqlite3.node');
  });

  it('packaged: the same path under resources/app.asar.unpacked (native files cannot load from the asar)', () => {
    expect(
      electronSqliteBinding({
        appRoot: '/opt/Pallet/resources/app.asar',
        isPackaged: true,
        resourcesPath: '/opt/Pallet/resources',
        abi: '150',
      }),
    ).toBe('/opt/Pallet/resources/app.asar.unpacked/dist/native/electron-abi150/better_sqlite3.node');
  });

  it('Windows paths stay Windows paths, whatever platform computes them', () => {
    expect(
      electronSqliteBinding({
        appRoot: 'C:\\Program Files\\Pallet\\resources\\app.asar',
        isPackaged: true,
        resourcesPath: 'C:\\Program Files\\Pallet\\resources',
        abi: '150',
      }),
    ).toBe(
      'C:\\Program Files\\Pallet\\resources\\app.asar.unpacked\\dist\\native\\electron-abi150\\better_sqlite3.node',
    );
    expect(
      electronSqliteBinding({ appRoot: 'D:\\src\\pallet', isPackaged: false, resourcesPath: '', abi: '150' }),
    ).toBe('D:\\src\\pallet\\dist\\native\\electron-abi150\\better_sqlite3.node');
  });
});

describe('sqliteNativeBinding', () => {
  it('reads PALLET_SQLITE_BINDING; unset or blank means the default build', () => {
    expect(sqliteNativeBinding({ PALLET_SQLITE_BINDING: '/x/better_sqlite3.node' })).toBe('/x/better_sqlite3.node');
    expect(sqliteNativeBinding({})).toBeUndefined();
    expect(sqliteNativeBinding({ PALLET_SQLITE_BINDING: ' ' })).toBeUndefined();
  });

  it('reaches utility-process workers: the worker environment allowlist passes it, packaged or not', () => {
    expect(allowlistEnv({ PALLET_SQLITE_BINDING: '/b.node' })).toMatchObject({ PALLET_SQLITE_BINDING: '/b.node' });
    expect(allowlistEnv({ PALLET_SQLITE_BINDING: '/b.node' }, [], { packaged: true })).toMatchObject({
      PALLET_SQLITE_BINDING: '/b.node',
    });
  });
});

describe('probeSqlite', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'pallet-binding-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ok with the default build and with the Node build named explicitly', () => {
    expect(probeSqlite(undefined)).toEqual({ ok: true });
    expect(probeSqlite(nodeBuild)).toEqual({ ok: true });
  });

  it('a missing file (development): names it, says it is missing, the ABI and what to run', () => {
    const missing = join(dir, 'dist/native/electron-abi150/better_sqlite3.node');
    const probe = probeSqlite(missing, { isPackaged: false, abi: '150' });
    expect(probe.ok).toBe(false);
    const message = (probe as { message: string }).message;
    expect(message).toContain("Pallet's database engine (better-sqlite3) is not built for this Electron (ABI 150)");
    expect(message).toContain(`${missing} does not exist`);
    expect(message).toContain('Run `npm run rebuild:electron` — `npm start` does it for you — and start again.');
  });

  it('a file that is not a native module: names it and carries the loader error', () => {
    const bogus = join(dir, 'better_sqlite3.node');
    writeFileSync(bogus, 'this is not a shared library');
    const probe = probeSqlite(bogus, { isPackaged: false });
    expect(probe.ok).toBe(false);
    const message = (probe as { message: string }).message;
    expect(message).toContain(`${bogus} failed to load`);
    expect(message).toContain('npm run rebuild:electron');
    // The underlying error (Node's dlopen message, e.g. "invalid ELF header") follows the advice.
    expect(message.split('\n\n')[1]?.length).toBeGreaterThan(0);
  });

  it('packaged: tells the user to reinstall, never to run npm', () => {
    const missing = join(dir, 'resources/app.asar.unpacked/dist/native/electron-abi150/better_sqlite3.node');
    const probe = probeSqlite(missing, { isPackaged: true });
    expect(probe.ok).toBe(false);
    expect((probe as { message: string }).message).toMatch(/reinstall Pallet/);
    expect((probe as { message: string }).message).not.toMatch(/npm/);
    // Without being told, a path inside app.asar.unpacked is taken as packaged (workers are not told).
    expect(sqliteBindingMessage(missing, { missing: true, detail: '' })).toMatch(/reinstall Pallet/);
  });
});

describe('every opener honours PALLET_SQLITE_BINDING (in this process)', () => {
  let dir: string;
  const saved = process.env.PALLET_SQLITE_BINDING;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'pallet-binding-'))));
  afterEach(() => {
    if (saved === undefined) delete process.env.PALLET_SQLITE_BINDING;
    else process.env.PALLET_SQLITE_BINDING = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('the build named in it is the one loaded, and opens databases as usual', () => {
    // A copy of the Node build in its own folder: finding that path among loaded modules proves the option was used.
    const copy = join(dir, 'electron-abi-test', 'better_sqlite3.node');
    mkdirSync(dirname(copy));
    copyFileSync(nodeBuild, copy);
    process.env.PALLET_SQLITE_BINDING = copy;
    const db = openDatabase(join(dir, 'pallet.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(Object.keys(createRequire(import.meta.url).cache)).toContain(copy);
  });

  it('a bad path makes openSqlite, openDatabase, the worker opener and staging fail, naming the file', () => {
    const bad = join(dir, 'nowhere', 'better_sqlite3.node');
    process.env.PALLET_SQLITE_BINDING = bad;
    const openers: [string, () => unknown][] = [
      ['openSqlite', () => openSqlite(':memory:')],
      ['openDatabase', () => openDatabase(join(dir, 'pallet.db'))],
      ['openWorkerDatabase', () => openWorkerDatabase(join(dir, 'pallet.db'))],
      ['openStaging', () => openStaging(join(dir, 'staging', 'import-1.db'))],
    ];
    for (const [name, open] of openers) {
      let thrown: unknown;
      try {
        open();
      } catch (err) {
        thrown = err;
      }
      expect(thrown, name).toBeInstanceOf(SqliteBindingError);
      expect((thrown as Error).message, name).toContain(`${bad} does not exist`);
      expect((thrown as Error).message, name).toContain('npm run rebuild:electron');
    }
  });

  it('an unloadable file fails with the file name and the loader error, not as a database error', () => {
    const bogus = join(dir, 'better_sqlite3.node');
    writeFileSync(bogus, 'not ELF, not Mach-O, not PE');
    process.env.PALLET_SQLITE_BINDING = bogus;
    expect(() => openDatabase(join(dir, 'pallet.db'))).toThrow(`${bogus} failed to load`);
  });
});
