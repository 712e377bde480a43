import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDatabase } from '../../../main/db/open.ts';
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
});
