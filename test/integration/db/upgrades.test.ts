// Upgrades from every past schema version (issue 24): a database made by each rung of the ladder, filled with the rows
// that version could hold, migrates to the latest with every row kept; and a migration killed half-way leaves the old
// version and its data as they were. The ladder is iterated, never spelled out, so new migrations are covered too.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../main/db/migrate.ts';
import { migrations } from '../../../main/db/migrations/index.ts';
import { openDatabase } from '../../../main/db/open.ts';
import { tsxLoader } from '../../../main/workers/entry-path.ts';
import { columnsOf, fillFixture, readTable, snapshot } from '../../support/schema-fixtures.ts';
import { tempDbPath } from '../../support/temp-db.ts';

const LATEST = migrations.length;
const HANG = fileURLToPath(new URL('../../support/hang-migration.ts', import.meta.url));

let tmp: ReturnType<typeof tempDbPath>;
beforeEach(() => (tmp = tempDbPath()));
afterEach(() => tmp.cleanup());

/**
 * Tables a migration retired, with where their rows live on: each check gets the upgraded file and the old rows (as
 * objects) and must find every one of them there. RECEIVING names the tables such rows may be added to (their own old
 * rows must all still be there).
 */
const RECEIVING = new Set(['supplier_offer_history']);
const RETIRED: Record<string, (db: Database.Database, rows: Record<string, unknown>[]) => void> = {
  // Migration 019: an offer is its last list's history row; one without such a row was written there.
  supplier_offers: (db, rows) => {
    const at = db.prepare('SELECT * FROM supplier_offer_history WHERE import_id = ? AND product_id = ?');
    for (const o of rows) {
      const h = at.get(o.last_import_id, o.product_id) as Record<string, unknown> | undefined;
      expect(h, `offer ${o.supplier_id}/${o.product_id} in the history`).toBeDefined();
    }
  },
};

/** A database file at schema `version`, made by the ladder's first `version` steps and filled; returns its rows. */
function fixture(path: string, version: number) {
  const db = openDatabase(path, { migrations: migrations.slice(0, version) });
  try {
    expect(schemaVersion(db)).toBe(version);
    const written = fillFixture(db);
    return { written, before: snapshot(db) };
  } finally {
    db.close();
  }
}

describe('upgrading a database of every past schema version', () => {
  it.each(migrations.slice(0, LATEST - 1).map((m) => m.version))('version %i to the latest keeps every row', (v) => {
    const path = tmp.path.replace(/\.db$/, `-v${v}.db`);
    const { written, before } = fixture(path, v);
    // The filler wrote the tables this version has: jobs in every status always, the catalog from version 2 on.
    expect(written.jobs).toBe(27);
    expect(new Set(before.get('jobs')!.rows.map((r) => r[before.get('jobs')!.columns.indexOf('status')])).size).toBe(9);
    if (v >= 2) expect(before.get('import_changes')!.rows.length).toBeGreaterThan(0);
    if (v >= 9) expect(before.get('suppliers')!.rows.length).toBe(2);

    const db = openDatabase(path);
    try {
      expect(schemaVersion(db)).toBe(LATEST);
      for (const [table, old] of before) {
        const retired = RETIRED[table];
        if (retired) {
          retired(
            db,
            old.rows.map((r) => Object.fromEntries(old.columns.map((c, i) => [c, r[i]]))),
          );
          expect(columnsOf(db, table), `${table} is retired`).toEqual([]);
          continue;
        }
        // Every table of the old file is still there, with every row and every value of the columns it had.
        const now = columnsOf(db, table);
        expect(now, `table ${table} after upgrading from ${v}`).toEqual(expect.arrayContaining(old.columns));
        const after = readTable(db, table, old.columns);
        if (RECEIVING.has(table)) {
          expect(after.rows, `${table}: values after upgrading from ${v}`).toEqual(expect.arrayContaining(old.rows));
          continue;
        }
        expect(after.rows.length, `${table}: rows after upgrading from ${v}`).toBe(old.rows.length);
        expect(after.rows, `${table}: values after upgrading from ${v}`).toEqual(old.rows);
      }
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
  });
});

/** Starts migrating `path` in a child whose step `version` blocks before committing; resolves once it is inside. */
async function killInside(path: string, version: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', tsxLoader(), HANG, path, String(version)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('inside') && resolve());
    void exited.then(() => reject(new Error(`the migrating child ended before step ${version}: ${out}`)));
  });
  child.kill('SIGKILL');
  await exited;
}

describe('a migration killed half-way', () => {
  // The last step, and every step that rebuilds a table (the riskiest: foreign keys off, tables dropped and renamed).
  const steps = [...new Set([...migrations.filter((m) => m.rebuildsTables).map((m) => m.version), LATEST])];

  it.each(steps)('step %i: the file keeps its old version and data, and the next open upgrades it', async (step) => {
    const path = tmp.path.replace(/\.db$/, `-kill${step}.db`);
    const { before } = fixture(path, step - 1);
    await killInside(path, step);

    // Read as the killed process left it (its WAL included), without migrating.
    const raw = new Database(path, { readonly: true });
    try {
      expect(schemaVersion(raw)).toBe(step - 1);
      expect(snapshot(raw)).toEqual(before);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      raw.close();
    }

    const db = openDatabase(path);
    try {
      expect(schemaVersion(db)).toBe(LATEST);
      for (const [table, old] of before) {
        if (RETIRED[table]) continue;
        const rows = readTable(db, table, old.columns).rows;
        if (RECEIVING.has(table)) expect(rows).toEqual(expect.arrayContaining(old.rows));
        else expect(rows).toEqual(old.rows);
      }
    } finally {
      db.close();
    }
  });

  it('migrate runs the ladder only up to the rungs it is given (how fixtures are made)', () => {
    const db = new Database(tmp.path);
    try {
      expect(migrate(db, migrations.slice(0, 3))).toEqual({ from: 0, to: 3 });
      expect(columnsOf(db, 'analyses').length).toBeGreaterThan(0);
      expect(columnsOf(db, 'reference_catalog')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
