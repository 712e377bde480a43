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
