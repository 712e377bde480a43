import type Database from 'better-sqlite3';

/** One step of the schema ladder: `version` is the user_version after it ran. */
export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
  /**
   * Table rebuilds (create new, copy, drop old, rename) run with foreign keys off, as SQLite prescribes: with them on,
   * dropping the old table would fire ON DELETE actions on the rows that reference it. The keys are checked before commit.
   */
  rebuildsTables?: boolean;
}

/** Thrown when the file was written by a newer Pallet: we must not touch a schema we do not know. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This database was made by a newer version of Pallet (schema ${found}, this version knows ${supported}); ` +
        'update Pallet, or open a different data folder. Nothing was changed in it.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

/** Reads the schema version stored in the file. */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration above the file's user_version, one transaction each, refusing files from the future. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): { from: number; to: number } {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migration ladder is broken at "${m.name}": expected version ${i + 1}, got ${m.version}`);
  });
  const latest = sorted.length;
  const from = schemaVersion(db);
  if (from > latest) throw new DatabaseTooNewError(from, latest);
  for (const m of sorted) {
    if (m.version <= schemaVersion(db)) continue;
    // The pragma is a no-op inside a transaction, so it is switched around it.
    const keysWereOn = m.rebuildsTables === true && db.pragma('foreign_keys', { simple: true }) === 1;
    if (keysWereOn) db.pragma('foreign_keys = OFF');
    try {
      // IMMEDIATE takes the write lock first, so two processes migrating at once run one after the other
      // and the second sees the first's user_version instead of failing half-way.
      db.transaction(() => {
        if (schemaVersion(db) >= m.version) return;
        m.up(db);
        if (m.rebuildsTables) assertForeignKeys(db, m);
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } finally {
      if (keysWereOn) db.pragma('foreign_keys = ON');
    }
  }
  return { from, to: schemaVersion(db) };
}

function assertForeignKeys(db: Database.Database, m: Migration): void {
  const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[];
  if (broken.length > 0) {
    const first = broken[0]!;
    throw new Error(
      `Migration "${m.name}" would leave ${broken.length} broken references (first: ${first.table} → ${first.parent}); nothing was changed.`,
    );
  }
}
