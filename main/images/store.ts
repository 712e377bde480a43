import { dirname } from 'node:path';
import type { Db } from '../db/open.ts';
import { parseImageCell } from './sources.ts';
import type { StoredImage } from './process.ts';

export type ImageStatus = 'pending' | 'done' | 'retry' | 'failed';

/** One product's one image source, as the job works on it. */
export interface ImageTodo {
  product_id: number;
  position: number;
  source: string;
  attempts: number;
}

/** How one source ended in a run. */
export type ImageOutcome =
  | { kind: 'done'; sha256: string; stored: StoredImage | null }
  | { kind: 'error'; code: string; message: string; retryable: boolean };

/** Attempts before a retryable failure (timeout, 5xx, a dead host) is given up. */
export const MAX_IMAGE_ATTEMPTS = 3;

/** The images tables, as prepared statements: sources from product rows, the work list, outcomes. */
export function createImageStore(db: Db, opts: { now: () => number; retryDelayMs?: (attempt: number) => number }) {
  const retryDelay = opts.retryDelayMs ?? ((n: number) => 10 * 60_000 * 2 ** (n - 1));
  const productsPage = db.prepare<
    { last: number; importId: number | null; n: number },
    { id: number; image_url: string | null; file_path: string | null }
  >(
    `SELECT p.id, p.image_url, i.file_path FROM products p LEFT JOIN imports i ON i.id = p.import_id
     WHERE p.id > @last AND (@importId IS NULL OR p.import_id = @importId) ORDER BY p.id LIMIT @n`,
  );
  const rowsOf = db.prepare<[number], { position: number; source: string }>(
    'SELECT position, source FROM product_images WHERE product_id = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO product_images (product_id, position, source, status, error_code, error, updated_at) VALUES (@id, @pos, @source, @status, @code, @error, @now)
     ON CONFLICT (product_id, position) DO UPDATE SET source = excluded.source, status = excluded.status, attempts = 0, error_code = excluded.error_code,
       error = excluded.error, sha256 = NULL, next_try_at = NULL, updated_at = excluded.updated_at`,
  );
  const trim = db.prepare('DELETE FROM product_images WHERE product_id = ? AND position >= ?');
  const pending = db.prepare<[number], ImageTodo>(
    `SELECT product_id, position, source, attempts FROM product_images WHERE status = 'pending' ORDER BY product_id, position LIMIT ?`,
  );
  const dueRetries = db.prepare<[number, number], ImageTodo>(
    `SELECT product_id, position, source, attempts FROM product_images WHERE status = 'retry' AND next_try_at <= ? ORDER BY product_id, position LIMIT ?`,
  );
  const doneBySource = db
    .prepare<[string], string>(`SELECT sha256 FROM product_images WHERE source = ? AND status = 'done' LIMIT 1`)
    .pluck();
  const knownImage = db.prepare<[string], number>('SELECT 1 FROM images WHERE sha256 = ?').pluck();
  const insertImage = db.prepare(
    `INSERT OR IGNORE INTO images (sha256, format, width, height, bytes, dhash, created_at) VALUES (@sha256, @format, @width, @height, @bytes, @dhash, @now)`,
  );
  const setDone = db.prepare(
    `UPDATE product_images SET status = 'done', sha256 = ?, attempts = attempts + 1, error_code = NULL, error = NULL, next_try_at = NULL, updated_at = ? WHERE product_id = ? AND position = ? AND source = ?`,
  );
  const setFailed = db.prepare(
    `UPDATE product_images SET status = ?, attempts = ?, error_code = ?, error = ?, next_try_at = ?, updated_at = ? WHERE product_id = ? AND position = ? AND source = ?`,
  );
  const nextRetry = db
    .prepare<[], number | null>(`SELECT min(next_try_at) FROM product_images WHERE status = 'retry'`)
    .pluck();
  const resetFailed = db.prepare(
    `UPDATE product_images SET status = 'pending', attempts = 0, next_try_at = NULL WHERE status IN ('failed', 'retry') AND error_code <> 'bad_source'`,
  );

  return {
    /**
     * Brings product_images in line with the products' image cells, a page of products at a time (all products, or
     * those an import touched). A source that is unchanged keeps its state; a new or changed one becomes pending.
     * Returns the last product id seen and what the page held (new unusable addresses fail here), or null at the end.
     */
    syncPage(
      last: number,
      importId: number | null,
      n = 2000,
    ): { last: number; sources: number; invalid: number } | null {
      const page = productsPage.all({ last, importId, n });
      if (page.length === 0) return null;
      let sources = 0;
      let invalid = 0;
      const now = opts.now();
      for (const p of page) {
        const wanted = parseImageCell(p.image_url, p.file_path ? dirname(p.file_path) : null);
        const had = new Map(rowsOf.all(p.id).map((r) => [r.position, r.source]));
        wanted.forEach((s, pos) => {
          if (had.get(pos) === s.ref) return;
          const bad = s.kind === 'invalid';
          if (bad) invalid++;
          upsert.run({
            id: p.id,
            pos,
            source: s.ref,
            status: bad ? 'failed' : 'pending',
            code: bad ? 'bad_source' : null,
            error: bad ? s.reason : null,
            now,
          });
        });
        if (had.size > wanted.length) trim.run(p.id, wanted.length);
        sources += wanted.length;
      }
      return { last: page.at(-1)!.id, sources, invalid };
    },
    /** The next sources to fetch: new ones first, then retries that are due. */
    nextTodo(n: number): ImageTodo[] {
      const rows = pending.all(n);
      return rows.length < n ? rows.concat(dueRetries.all(opts.now(), n - rows.length)) : rows;
    },
    /** The image an earlier product already got from this same address, if any. */
    storedFor: (source: string): string | undefined => doneBySource.get(source),
    isKnown: (sha256: string): boolean => knownImage.get(sha256) !== undefined,
    /** Records a source's outcome (call inside the job's checkpoint transaction). */
    record(todo: ImageTodo, outcome: ImageOutcome): ImageStatus {
      const now = opts.now();
      if (outcome.kind === 'done') {
        if (outcome.stored) insertImage.run({ ...outcome.stored, now });
        setDone.run(outcome.sha256, now, todo.product_id, todo.position, todo.source);
        return 'done';
      }
      const attempts = todo.attempts + 1;
      const again = outcome.retryable && attempts < MAX_IMAGE_ATTEMPTS;
      const status: ImageStatus = again ? 'retry' : 'failed';
      setFailed.run(
        status,
        attempts,
        outcome.code,
        outcome.message,
        again ? now + retryDelay(attempts) : null,
        now,
        todo.product_id,
        todo.position,
        todo.source,
      );
      return status;
    },
    /** When the earliest retry falls due, or null when none waits. */
    nextRetryAt: (): number | null => nextRetry.get() ?? null,
    /** Makes every failed source (except unusable addresses) pending again, for a manual retry. */
    resetFailed: (): number => resetFailed.run().changes,
  };
}

export type ImageStore = ReturnType<typeof createImageStore>;
