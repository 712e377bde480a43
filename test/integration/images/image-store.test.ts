import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { createImageStore, MAX_IMAGE_ATTEMPTS } from '../../../main/images/store.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let cleanup: (() => void) | null = null;
afterEach(() => cleanup?.());

function setup() {
  const tmp = tempDbPath();
  const db: Db = openDatabase(tmp.path);
  cleanup = () => {
    db.close();
    tmp.cleanup();
  };
  let now = 1000;
  const store = createImageStore(db, { now: () => now, retryDelayMs: () => 60_000 });
  db.prepare(
    `INSERT INTO imports (id, file_name, file_path, file_size, file_hash, encoding, delimiter, decimal_sep, headers, mapping, fingerprint, created_at)
              VALUES (1, 'list.csv', '/data/supplier/list.csv', 1, 'h', 'utf-8', ',', '.', '[]', '{}', 'f', 1)`,
  ).run();
  const setCell = (id: number, cell: string | null) =>
    db
      .prepare(
        `INSERT INTO products (id, name, image_url, import_id, created_at, updated_at) VALUES (?, 'p', ?, 1, 1, 1) ON CONFLICT (id) DO UPDATE SET image_url = excluded.image_url`,
      )
      .run(id, cell);
  const syncAll = () => {
    let last = 0;
    for (let page; (page = store.syncPage(last, 1));) last = page.last;
  };
  const rows = () =>
    db
      .prepare(
        'SELECT product_id, position, source, status, error_code, attempts FROM product_images ORDER BY product_id, position',
      )
      .all();
  return { db, store, setCell, syncAll, rows, tick: (ms: number) => void (now += ms) };
}

describe('image store', () => {
  it('keeps the state of unchanged sources, makes new and changed ones pending, drops removed ones', () => {
    const s = setup();
    s.setCell(1, 'https://a.example/1.jpg | https://a.example/2.jpg');
    s.setCell(2, 'shots/x.png');
    s.setCell(3, 'ftp://a.example/z.jpg');
    s.syncAll();
    expect(s.rows()).toEqual([
      {
        product_id: 1,
        position: 0,
        source: 'https://a.example/1.jpg',
        status: 'pending',
        error_code: null,
        attempts: 0,
      },
      {
        product_id: 1,
        position: 1,
        source: 'https://a.example/2.jpg',
        status: 'pending',
        error_code: null,
        attempts: 0,
      },
      {
        product_id: 2,
        position: 0,
        source: join('/data/supplier', 'shots/x.png'),
        status: 'pending',
        error_code: null,
        attempts: 0,
      },
      {
        product_id: 3,
        position: 0,
        source: 'ftp://a.example/z.jpg',
        status: 'failed',
        error_code: 'bad_source',
        attempts: 0,
      },
    ]);
    const [first] = s.store.nextTodo(1);
    s.db
      .prepare(
        `INSERT INTO images (sha256, format, width, height, bytes, dhash, created_at) VALUES ('abc', 'jpg', 1, 1, 1, '0000000000000000', 1)`,
      )
      .run();
    s.db.transaction(() => s.store.record(first!, { kind: 'done', sha256: 'abc', stored: null }))();

    // Product 1 keeps its first image, changes the second and loses nothing else; product 2 loses its image.
    s.setCell(1, 'https://a.example/1.jpg | https://a.example/2b.jpg');
    s.setCell(2, null);
    s.syncAll();
    expect(s.rows()).toEqual([
      { product_id: 1, position: 0, source: 'https://a.example/1.jpg', status: 'done', error_code: null, attempts: 1 },
      {
        product_id: 1,
        position: 1,
        source: 'https://a.example/2b.jpg',
        status: 'pending',
        error_code: null,
        attempts: 0,
      },
      {
        product_id: 3,
        position: 0,
        source: 'ftp://a.example/z.jpg',
        status: 'failed',
        error_code: 'bad_source',
        attempts: 0,
      },
    ]);
    expect(s.store.storedFor('https://a.example/1.jpg')).toBe('abc');
  });

  it('retries a retryable failure after its delay, up to MAX_IMAGE_ATTEMPTS, then gives up; a manual retry starts over', () => {
    const s = setup();
    s.setCell(1, 'https://a.example/1.jpg');
    s.syncAll();
    const fail = { kind: 'error' as const, code: 'timeout', message: 'slow', retryable: true };
    for (let i = 1; i <= MAX_IMAGE_ATTEMPTS; i++) {
      const [todo] = s.store.nextTodo(10);
      expect(todo).toBeDefined();
      expect(s.store.record(todo!, fail)).toBe(i < MAX_IMAGE_ATTEMPTS ? 'retry' : 'failed');
      // Not due again until its delay has passed.
      expect(s.store.nextTodo(10)).toEqual([]);
      s.tick(60_000);
    }
    expect(s.store.nextTodo(10)).toEqual([]);
    expect(s.store.nextRetryAt()).toBeNull();
    expect(s.store.resetFailed()).toBe(1);
    expect(s.store.nextTodo(10)).toMatchObject([{ product_id: 1, attempts: 0 }]);
  });
});
