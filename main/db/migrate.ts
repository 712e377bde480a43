import type Database from 'better-sqlite3';

/** One step of the schema ladder: `version` is the user_version after it ran. */
export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}

/** Thrown when the file was written by a newer Pallet: we must not touch a schema we do not know. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This database was created by a newer version of Pallet (schema ${found}; this version understands up to ${supported}). ` +
        'Update Pallet, or open a different data folder. Nothing was changed.',
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
    if (m.version !== i + 1) throw new Error(`Migration ladder is broken at "${m.name}": expected version ${i + 1}, got ${m.version}`);
  });
  const latest = sorted.length;
  const from = schemaVersion(db);
  if (from > latest) throw new DatabaseTooNewError(from, latest);
  for (const m of sorted) {
    if (m.version <= schemaVersion(db)) continue;
    // IMMEDIATE takes the write lock first, so two processes migrating at once run one after the other
    // and the second sees the first's user_version instead of failing half-way.
    db.transaction(() => {
      if (schemaVersion(db) >= m.version) return;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: schemaVersion(db) };
}
