import type { Db } from '../db/open.ts';
import type { ImageStatus } from './store.ts';

export const IMAGE_STATUSES: readonly ImageStatus[] = ['pending', 'done', 'retry', 'failed'];

export interface ImageSummary {
  products: number;
  sources: number;
  counts: Record<ImageStatus, number>;
  /** Distinct images stored (one file set each, however many products share it). */
  stored: number;
  storedBytes: number;
  probableDuplicates: number;
  /** The commonest reasons images failed, most frequent first. */
  topErrors: { code: string; count: number; example: string }[];
}

/** Where the product images stand: sources per status, what is stored, why images failed. */
export function imageSummary(db: Db): ImageSummary {
  const counts = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, 0])) as Record<ImageStatus, number>;
  for (const r of db
    .prepare<[], { status: ImageStatus; n: number }>('SELECT status, count(*) AS n FROM product_images GROUP BY status')
    .all())
    counts[r.status] = r.n;
  const stored = db
    .prepare<[], { n: number; bytes: number | null }>('SELECT count(*) AS n, sum(bytes) AS bytes FROM images')
    .get()!;
  return {
    products: db.prepare<[], number>('SELECT count(DISTINCT product_id) FROM product_images').pluck().get() ?? 0,
    sources: IMAGE_STATUSES.reduce((n, s) => n + counts[s], 0),
    counts,
    stored: stored.n,
    storedBytes: stored.bytes ?? 0,
    probableDuplicates:
      db.prepare<[], number>('SELECT count(*) FROM image_duplicates WHERE dismissed_at IS NULL').pluck().get() ?? 0,
    topErrors: db
      .prepare<[], { code: string; count: number; example: string }>(
        `SELECT error_code AS code, count(*) AS count, max(error) AS example FROM product_images WHERE status IN ('failed', 'retry') GROUP BY error_code ORDER BY count DESC LIMIT 5`,
      )
      .all(),
  };
}
