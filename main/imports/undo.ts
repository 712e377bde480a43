import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { z } from 'zod';
import type { Db } from '../db/open.ts';
import type { Queue } from '../queue/queue.ts';
import { FINISHED_STATUSES, type Lease } from '../queue/types.ts';
import { TaskError, type Task, parsePayload } from '../workers/runtime/task.ts';
import { SNAPSHOT_COLUMNS } from './product-sql.ts';
import { createImportStore } from './store.ts';
import { undoImportOffers, type OffersUndone } from '../suppliers/offers.ts';

export const undoPayloadSchema = z.object({ importId: z.number().int().positive() });

/** What undoing an import did. */
export interface UndoResult {
  importId: number;
  /** Products the import created, removed. */
  deleted: number;
  /** Products the import changed, put back as they were. */
  restored: number;
  /** Products a later import changed again: left as they are. */
  kept: number;
  /** The import's supplier offers removed and the costs put back to the best offer left (absent: no supplier). */
  offers?: OffersUndone;
}

type Checkpoint =
  | { step: 'restore' | 'delete'; lo: number; counts: Omit<UndoResult, 'importId'> }
  | { step: 'done'; result: UndoResult };

/** The `import_undo` job: restores what an import changed and removes what it created, in bounded transactions. */
export function createUndoTask(deps: { database(): { db: Db; queue: Queue }; chunk?: number }): Task<'import_undo'> {
  const chunk = deps.chunk ?? 2000;
  return async (ctx) => {
    const { importId } = parsePayload(undoPayloadSchema, ctx.job.payload, 'undo');
    const { db, queue } = deps.database();
    const imports = createImportStore(db);
    const lease: Lease = { jobId: ctx.job.id, token: ctx.job.leaseToken };
    let cp = (ctx.job.checkpoint as Checkpoint | null) ?? null;
    if (cp?.step === 'done') return cp.result;

    const imp = imports.get(importId);
    if (!imp) throw new TaskError('not_found', `There is no import #${importId}.`);
    if (!cp) {
      if (imp.status === 'undone') throw new TaskError('already_undone', `Import #${importId} was already undone.`);
      const job = imp.jobId !== null ? queue.find(imp.jobId) : null;
      if (job && !FINISHED_STATUSES.includes(job.status)) {
        throw new TaskError(
          'import_running',
          `Import #${importId} is still ${job.status.replace('_', ' ')}: cancel it or let it finish, then undo it.`,
        );
      }
      cp = { step: 'restore', lo: 0, counts: { deleted: 0, restored: 0, kept: 0 } };
      imports.setStatus(importId, 'undoing');
    }

    const nextChange = db
      .prepare(
        'SELECT max(product_id) FROM (SELECT product_id FROM import_changes WHERE import_id = ? AND product_id > ? ORDER BY product_id LIMIT ?)',
      )
      .pluck();
    const countKept = db
      .prepare(
        'SELECT count(*) FROM import_changes c JOIN products p ON p.id = c.product_id WHERE c.import_id = ? AND c.product_id > ? AND c.product_id <= ? AND p.import_id IS NOT ?',
      )
      .pluck();
    const restore = db.prepare(
      `UPDATE products SET ${SNAPSHOT_COLUMNS.map((c) => `${c} = json_extract(c.before, '$.${c}')`).join(', ')}
       FROM import_changes c WHERE c.import_id = :imp AND c.product_id = products.id AND c.product_id > :lo AND c.product_id <= :hi AND products.import_id = :imp`,
    );
    const nextCreated = db
      .prepare(
        'SELECT max(id) FROM (SELECT id FROM products WHERE created_import_id = ? AND id > ? ORDER BY id LIMIT ?)',
      )
      .pluck();
    const countCreatedKept = db
      .prepare(
        'SELECT count(*) FROM products WHERE created_import_id = ? AND id > ? AND id <= ? AND import_id IS NOT ?',
      )
      .pluck();
    const remove = db.prepare(
      'DELETE FROM products WHERE created_import_id = ? AND id > ? AND id <= ? AND import_id = ?',
    );

    for (;;) {
      if (ctx.signal.aborted) return null;
      const state = cp as Extract<Checkpoint, { step: 'restore' | 'delete' }>;
      const hi = (
        state.step === 'restore'
          ? nextChange.get(importId, state.lo, chunk)
          : nextCreated.get(importId, state.lo, chunk)
      ) as number | null;
      if (hi === null) {
        if (state.step === 'restore') {
          cp = { ...state, step: 'delete', lo: 0 };
          continue;
        }
        const result: UndoResult = { importId, ...state.counts };
        let offers: OffersUndone | null = null;
        queue.checkpoint(lease, { step: 'done', result } satisfies Checkpoint, (tx) => {
          tx.prepare('DELETE FROM import_changes WHERE import_id = ?').run(importId);
          tx.prepare(`UPDATE imports SET status = 'undone', undone_at = ? WHERE id = ?`).run(Date.now(), importId);
          // Its supplier's previous list is current again: offers and costs follow (after the status, which they read).
          offers = undoImportOffers(tx, importId, Date.now(), state.counts.deleted);
        });
        // Assigned inside the transaction's callback, which the compiler's flow analysis does not follow.
        const undone = offers as OffersUndone | null;
        return undone ? { ...result, offers: undone } : result;
      }
      cp = queue.checkpointAfter(lease, (): Checkpoint => {
        const c = { ...state.counts };
        if (state.step === 'restore') {
          c.kept += countKept.get(importId, state.lo, hi, importId) as number;
          c.restored += restore.run({ imp: importId, lo: state.lo, hi }).changes;
        } else {
          c.kept += countCreatedKept.get(importId, state.lo, hi, importId) as number;
          c.deleted += remove.run(importId, state.lo, hi, importId).changes;
        }
        return { step: state.step, lo: hi, counts: c };
      });
      ctx.progress({ note: cp.step === 'restore' ? 'Restoring changed products' : 'Removing created products' });
      await yieldToLoop();
    }
  };
}
