import { existsSync, renameSync } from 'node:fs';

/**
 * Moves a file that cannot be read (a damaged settings file, say) aside as `<name>.bad-<time>` so the app can start
 * with defaults while the user — or support — still has the original. Returns the new path, or null if there was none.
 */
export function moveAsideDamaged(path: string, now: Date = new Date()): string | null {
  if (!existsSync(path)) return null;
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = `${path}.bad-${stamp}`;
  for (let i = 2; existsSync(target); i++) target = `${path}.bad-${stamp}-${i}`;
  renameSync(path, target);
  return target;
}

/**
 * Moves a database file aside as `<name>.<label>-<time>`, with its -wal and -shm under the same stamp (the log may hold
 * its latest commits), so a fresh or restored file can take its place. Returns the new path of the main file, or null.
 */
export function moveAsideDatabase(path: string, label = 'damaged', now: Date = new Date()): string | null {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = `${path}.${label}-${stamp}`;
  for (let i = 2; [target, `${target}-wal`, `${target}-shm`].some((p) => existsSync(p)); i++)
    target = `${path}.${label}-${stamp}-${i}`;
  const moved = existsSync(path);
  // The log first: a fresh database must never find the old file's log beside it (SQLite would replay it).
  for (const side of ['-wal', '-shm', '-journal']) if (existsSync(path + side)) renameSync(path + side, target + side);
  if (moved) renameSync(path, target);
  return moved ? target : null;
}
