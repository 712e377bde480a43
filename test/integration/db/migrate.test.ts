import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDatabase, PAGE_SIZE } from '../../../main/db/open.ts';
import { DatabaseTooNewError, migrate, schemaVersion } from '../../../main/db/migrate.ts';
import { migrations } from '../../../main/db/migrations/index.ts';
import { tempDbPath } from '../../support/temp-db.ts';

describe('openDatabase / migrate', () => {
  let tmp: ReturnType<typeof tempDbPath>;
  beforeEach(() => {
    tmp = tempDbPath();
  });
  afterEach(() => tmp.cleanup());

  it('opens with WAL, busy_timeout, foreign keys and synchronous=NORMAL, and migrates to the latest version', () => {
    const db = openDatabase(tmp.path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(migrations.length);
    db.close();
  });

  it('creates a database with 8 KiB pages; one made with 4 KiB pages keeps them, and its rows', () => {
    const db = openDatabase(tmp.path);
    expect(db.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    db.close();
    const old = tempDbPath();
    try {
      const raw = new Database(old.path);
      raw.exec('CREATE TABLE keep(x); INSERT INTO keep VALUES (42)');
      raw.close();
      const reopened = openDatabase(old.path);
      expect(reopened.pragma('page_size', { simple: true })).toBe(4096);
      expect(reopened.prepare('SELECT x FROM keep').pluck().get()).toBe(42);
      expect(schemaVersion(reopened)).toBe(migrations.length);
      reopened.close();
    } finally {
      old.cleanup();
    }
  });

  it('refuses a database written by a newer version, with a clear message, and changes nothing', () => {
    const raw = new Database(tmp.path);
    raw.exec('CREATE TABLE keep(x); INSERT INTO keep VALUES (42)');
    raw.pragma(`user_version = ${migrations.length + 5}`);
    raw.close();
    expect(() => openDatabase(tmp.path)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(tmp.path)).toThrow(/newer version of Pallet/);
    const again = new Database(tmp.path);
    expect(again.prepare('SELECT x FROM keep').pluck().get()).toBe(42);
    expect(again.pragma('user_version', { simple: true })).toBe(migrations.length + 5);
    again.close();
  });

  it('runs each migration in its own transaction: a failing step rolls back and leaves the earlier ones applied', () => {
    const db = new Database(tmp.path);
    const ladder = [
      { version: 1, name: 'a', up: (d: Database.Database) => d.exec('CREATE TABLE a(x)') },
      {
        version: 2,
        name: 'b',
        up: (d: Database.Database) => {
          d.exec('CREATE TABLE b(x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => migrate(db, ladder)).toThrow('boom');
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'b'`).pluck().get()).toBe(0);
    db.close();
  });

  it('rejects a ladder with a gap', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'x', up: () => {} }])).toThrow(/ladder is broken/);
    db.close();
  });

  it('rebuilds the jobs table with foreign keys off: every job, child link and error row survives, keys back on', () => {
    const old = openDatabase(tmp.path, { migrations: migrations.slice(0, 6) });
    old.exec(`
      INSERT INTO jobs (id, kind, status, run_at, created_at, updated_at) VALUES (1, 'import', 'completed', 0, 0, 0);
      INSERT INTO jobs (id, kind, status, run_at, parent_id, dedupe_key, created_at, updated_at) VALUES (2, 'lookup', 'queued', 0, 1, 'k', 0, 0);
      INSERT INTO job_errors (job_id, code, message, created_at) VALUES (1, 'bad_row', 'row 3', 0);
    `);
    old.close();

    const db = openDatabase(tmp.path);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare('SELECT id, status, parent_id, dedupe_key FROM jobs ORDER BY id').all()).toEqual([
      { id: 1, status: 'completed', parent_id: null, dedupe_key: null },
      { id: 2, status: 'queued', parent_id: 1, dedupe_key: 'k' },
    ]);
    expect(db.prepare('SELECT count(*) FROM job_errors WHERE job_id = 1').pluck().get()).toBe(1);
    const sql = db
      .prepare(`SELECT group_concat(sql, ' ') FROM sqlite_master WHERE tbl_name = 'jobs'`)
      .pluck()
      .get() as string;
    expect(sql).not.toMatch(/status IN/i);
    expect(sql).toMatch(/jobs_dedupe/);
    // The rules still hold: an unknown status is refused, and deleting a parent still clears the child's link.
    expect(() => db.prepare(`UPDATE jobs SET status = 'lost' WHERE id = 2`).run()).toThrow(/CHECK/);
    db.prepare('DELETE FROM jobs WHERE id = 1').run();
    expect(db.prepare('SELECT parent_id FROM jobs WHERE id = 2').pluck().get()).toBeNull();
    expect(db.prepare('SELECT count(*) FROM job_errors').pluck().get()).toBe(0);
    db.close();
  });

  it('rolls a table rebuild back when it would leave broken references', () => {
    const db = new Database(tmp.path);
    db.pragma('foreign_keys = ON');
    const ladder = [
      {
        version: 1,
        name: 'a',
        up: (d: Database.Database) =>
          d.exec(
            'CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p_id REFERENCES p(id)); INSERT INTO p VALUES (1); INSERT INTO c VALUES (1)',
          ),
      },
      {
        version: 2,
        name: 'b',
        rebuildsTables: true,
        up: (d: Database.Database) =>
          d.exec('CREATE TABLE p2(id INTEGER PRIMARY KEY); DROP TABLE p; ALTER TABLE p2 RENAME TO p'),
      },
    ];
    expect(() => migrate(db, ladder)).toThrow(/"b" would leave 1 broken references/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare('SELECT count(*) FROM p').pluck().get()).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });
});
