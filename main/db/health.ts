// Telling a damaged database file apart from a healthy one before anything writes to it: a file that is not SQLite, a
// truncated file, pages that fail SQLite's own checks. Each gets its own plain-words message; none is ever recreated
// here (main/app/database-recovery.ts and `pallet db` decide what to do with it).
import type Database from 'better-sqlite3';
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** What is wrong with a database file. */
export type DamageReason = 'not_a_database' | 'truncated' | 'corrupt';

/** Thrown when the database file cannot be used as it is; nothing was changed in it. */
export class DatabaseDamagedError extends Error {
  constructor(
    readonly reason: DamageReason,
    readonly path: string,
    /** What SQLite or the header check found, for the log and the dialog's details. */
    readonly detail: string,
  ) {
    super(damageMessage(reason, path, detail));
    this.name = 'DatabaseDamagedError';
  }
}

/** The plain-words description of a damaged database file. */
export function damageMessage(reason: DamageReason, path: string, detail: string): string {
  const what =
    reason === 'not_a_database'
      ? `${path} is not a Pallet database: the file is not a database (it is not an SQLite file).`
      : reason === 'truncated'
        ? `${path} is truncated: the file is shorter than the database it holds, so its last part is missing.`
        : `${path} is damaged: SQLite's check found broken pages.`;
  return `${what} (${detail}) Nothing was changed in it.`;
}

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Reads the file's 100-byte header: 'missing' (no file, or an empty one — SQLite makes a new database of it), 'ok', or
 * throws DatabaseDamagedError for a file that is not SQLite or is shorter than the page count its header states.
 */
export function inspectDatabaseFile(path: string): 'missing' | 'ok' {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  if (size === 0) return 'missing';
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < MAGIC.length || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
    // A file cut short inside SQLite's magic still starts with its first bytes.
    if (read < MAGIC.length && MAGIC.subarray(0, read).equals(header.subarray(0, read)))
      throw new DatabaseDamagedError('truncated', path, `only ${size} bytes`);
    throw new DatabaseDamagedError('not_a_database', path, 'file is not a database');
  }
  if (read < 100) throw new DatabaseDamagedError('truncated', path, `only ${size} bytes, less than its header`);
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
    throw new DatabaseDamagedError('not_a_database', path, `file is not a database (page size ${rawPageSize})`);
  // The header's page count is valid only when the change counter matches "version valid for" (file format §1.3.7).
  const pages = header.readUInt32BE(28);
  const valid = header.readUInt32BE(24) === header.readUInt32BE(92);
  if (
    valid &&
    pages > 0 &&
    size < pages * pageSize &&
    !walHoldsPages(path, pageSize, Math.floor(size / pageSize) + 1, pages)
  )
    throw new DatabaseDamagedError(
      'truncated',
      path,
      `${size} bytes where its header states ${pages} pages of ${pageSize} bytes (${pages * pageSize} bytes)`,
    );
  return 'ok';
}

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/**
 * Whether the WAL beside the database holds every page from `first` to `last`. A checkpoint copies the WAL's pages
 * into the file page 1 (the header, with the new page count) first; one cut short — the disk filled up, the process
 * was killed — leaves the file shorter than its header says while the WAL, not yet reset, still holds the rest:
 * the database is whole, and SQLite reads those pages from the WAL.
 */
function walHoldsPages(path: string, pageSize: number, first: number, last: number): boolean {
  let fd: number;
  try {
    fd = openSync(`${path}-wal`, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(WAL_HEADER);
    if (readSync(fd, head, 0, WAL_HEADER, 0) < WAL_HEADER) return false;
    if ((head.readUInt32BE(0) & 0xfffffffe) >>> 0 !== 0x377f0682 || head.readUInt32BE(8) !== pageSize) return false;
    const salt = head.subarray(16, 24);
    const held = new Set<number>();
    const frame = Buffer.alloc(FRAME_HEADER);
    // Frames of the current generation carry the header's salt; older ones left past them do not count.
    for (
      let at = WAL_HEADER;
      readSync(fd, frame, 0, FRAME_HEADER, at) === FRAME_HEADER;
      at += FRAME_HEADER + pageSize
    ) {
      if (!frame.subarray(8, 16).equals(salt)) break;
      held.add(frame.readUInt32BE(0));
    }
    for (let p = first; p <= last; p++) if (!held.has(p)) return false;
    return true;
  } finally {
    closeSync(fd);
  }
}

/** SQLite's error codes that mean the file itself is bad, as DatabaseDamagedError; anything else is returned as is. */
export function asDamage(err: unknown, path: string): unknown {
  const code = (err as { code?: string } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'SQLITE_NOTADB') return new DatabaseDamagedError('not_a_database', path, message);
  if (code === 'SQLITE_CORRUPT' || code?.startsWith('SQLITE_CORRUPT_') === true)
    return new DatabaseDamagedError('corrupt', path, message);
  return err;
}

/** The outcome of an integrity check: ok, or SQLite's first findings (at most 10). */
export type CheckResult = { ok: true } | { ok: false; problems: string[] };

/**
 * Runs `PRAGMA quick_check` (structure of every page: ~0.6 s for 1M products, 240 MB, warm cache) or the full
 * `integrity_check` (also every index against its table: ~1 s) on `db`. Blocks its thread: run it off main's loop.
 */
export function checkIntegrity(db: Database.Database, depth: 'quick' | 'full'): CheckResult {
  try {
    const rows = db.pragma(depth === 'quick' ? 'quick_check(10)' : 'integrity_check(10)') as Record<string, unknown>[];
    const found = rows.map((r) => String(Object.values(r)[0]));
    return found.length === 1 && found[0] === 'ok' ? { ok: true } : { ok: false, problems: found };
  } catch (err) {
    // A page broken badly enough makes the check itself fail ("database disk image is malformed").
    return { ok: false, problems: [err instanceof Error ? err.message : String(err)] };
  }
}
