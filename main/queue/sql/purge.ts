// Retention: finished jobs older than the cutoff are deleted in short batches.
import { FINISHED, type QueueContext } from './common.ts';

/** Builds purgeFinished. */
export function purgeOps(ctx: QueueContext) {
  const { db, clock, emit } = ctx;
  const stmt = {
    anyPurgeable: db.prepare(`SELECT EXISTS (SELECT 1 FROM jobs WHERE ${FINISHED} AND finished_at < ?)`).pluck(),
    purge: db.prepare(
      `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE ${FINISHED} AND finished_at < ? LIMIT ?)`,
    ),
  };

  /** Deletes finished jobs older than `olderThanMs`, in short batches; returns how many went. */
  function purgeFinished(olderThanMs = 7 * 24 * 3600_000, batch = 5_000): number {
    const cutoff = clock.now() - olderThanMs;
    if (!stmt.anyPurgeable.get(cutoff)) return 0;
    let total = 0;
    for (;;) {
      const n = stmt.purge.run(cutoff, batch).changes;
      total += n;
      if (n < batch) break;
    }
    if (total > 0) emit({ type: 'purged', count: total });
    return total;
  }

  return { purgeFinished };
}
