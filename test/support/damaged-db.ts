// Real database files in the states the damage tests need: with rows, at an older or a newer schema, with a page of
// garbage in the middle, cut short.
import { closeSync, openSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { openDatabase } from '../../main/db/open.ts';
import { migrations } from '../../main/db/migrations/index.ts';
import { openSqlite } from '../../main/db/native-binding.ts';

/** Creates (or adds to) a database at `path` holding `n` products named "Product <i>", then closes it cleanly. */
export function dbWithProducts(path: string, n: number, opts: { version?: number; from?: number } = {}): void {
  const db = openDatabase(path, opts.version === undefined ? {} : { migrations: migrations.slice(0, opts.version) });
  const now = Date.now();
  const from = opts.from ?? 1;
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO products
       (gtin14, sku, name, brand, cost, currency, quality_score, name_brand_key, created_at, updated_at)
     SELECT printf('%014d', 10000000000000 + i), 'SKU-' || i,
            'Product ' || i || ' with a name long enough to fill pages', 'Brand', 1.5, 'USD', 50, 'k' || i,
            ${now}, ${now}
     FROM n`,
  ).run(from, from + n - 1);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** The product count of a database, read without migrating it. */
export function productCount(path: string): number {
  const db = openSqlite(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM products').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The schema version (user_version) of a database file, read without migrating it. */
export function versionOf(path: string): number {
  const db = openSqlite(path, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

/**
 * Writes garbage over the page in the middle of the (closed) file: all of it (SQLite then stops at "database disk image
 * is malformed"), or only its second half, the cells (quick_check then lists what it found, row by row).
 */
export function corruptMiddlePage(path: string, part: 'page' | 'cells' = 'page'): void {
  const pageSize = readFileSync(path).readUInt16BE(16);
  const pages = Math.floor(statSync(path).size / pageSize);
  const from = part === 'page' ? 0 : pageSize / 2;
  const garbage = Buffer.alloc(pageSize - from);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, garbage, 0, garbage.length, Math.floor(pages / 2) * pageSize + from);
  } finally {
    closeSync(fd);
  }
}

/** Cuts the (closed) file to `fraction` of its length. */
export function truncateTo(path: string, fraction: number): void {
  truncateSync(path, Math.floor(statSync(path).size * fraction));
}

/** Marks the (closed) file as made by a newer Pallet: its user_version one above the latest migration. */
export function makeNewer(path: string): number {
  const db = openSqlite(path);
  db.pragma(`user_version = ${migrations.length + 1}`);
  db.pragma('journal_mode = DELETE');
  db.close();
  return migrations.length + 1;
}
