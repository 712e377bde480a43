// Backups of the database: `<data folder>/backups/<db name>-<ISO time>.db`, written with SQLite's online backup API
// to a temporary name and renamed once complete (a crash mid-backup never leaves a half file that looks whole), the
// newest N kept.
import type Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** The folder the backups of `dbPath` go to. */
export function backupsDir(dbPath: string): string {
  return join(dirname(dbPath), 'backups');
}

const stem = (dbPath: string) => basename(dbPath, extname(dbPath));
// ISO time without the colons Windows refuses in file names: 2026-12-03T03-45-12-345Z.
const stamp = (ms: number) => new Date(ms).toISOString().replace(/[:.]/g, '-');
const STAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/;

/** A backup file and when it was taken. */
export interface BackupFile {
  path: string;
  takenAt: number;
}

/** The backups of `dbPath`, newest first. */
export function listBackups(dbPath: string): BackupFile[] {
  const dir = backupsDir(dbPath);
  if (!existsSync(dir)) return [];
  const prefix = `${stem(dbPath)}-`;
  const out: BackupFile[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.db')) continue;
    const m = STAMP.exec(name.slice(prefix.length, -3));
    if (!m) continue;
    out.push({ path: join(dir, name), takenAt: Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) });
  }
  return out.sort((a, b) => b.takenAt - a.takenAt);
}

/** Deletes all but the newest `keep` backups of `dbPath`; returns the paths removed. */
export function pruneBackups(dbPath: string, keep: number): string[] {
  const old = listBackups(dbPath).slice(Math.max(1, Math.floor(keep)));
  for (const b of old) rmSync(b.path, { force: true });
  return old.map((b) => b.path);
}

/**
 * Copies the database `db` is connected to into a new backup of `dbPath` and prunes to `keep`. Each step copies up to
 * `pagesPerStep` pages (default: all at once, a consistent snapshot even while other processes write — in a thread of
 * its own, never on main's loop). Returns the backup's path.
 */
export async function writeBackup(
  db: Database.Database,
  dbPath: string,
  o: { now: number; keep: number; pagesPerStep?: number },
): Promise<string> {
  const dir = backupsDir(dbPath);
  mkdirSync(dir, { recursive: true });
  let target = join(dir, `${stem(dbPath)}-${stamp(o.now)}.db`);
  for (let ms = o.now + 1; existsSync(target); ms++) target = join(dir, `${stem(dbPath)}-${stamp(ms)}.db`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  try {
    const pages = o.pagesPerStep ?? 0x7fffffff;
    await db.backup(partial, { progress: () => pages });
    renameSync(partial, target);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  pruneBackups(dbPath, o.keep);
  return target;
}

/**
 * Puts `backup` in place of `dbPath` (copied to a temporary name, then renamed). The caller has moved the current file
 * and its -wal/-shm aside first, and nothing may have the database open.
 */
export function restoreBackupFile(dbPath: string, backup: string): void {
  if (!existsSync(backup)) throw new Error(`The backup ${backup} does not exist.`);
  for (const side of ['', '-wal', '-shm'])
    if (existsSync(dbPath + side))
      throw new Error(`${dbPath}${side} is still there: move the current database aside before restoring.`);
  const partial = `${dbPath}.restoring`;
  copyFileSync(backup, partial);
  renameSync(partial, dbPath);
}
