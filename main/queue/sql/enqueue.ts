// enqueue and enqueueMany: one INSERT per job, or multi-row INSERTs for batches without dedupe keys.
import type { Job } from '../types.ts';
import type { JobRow } from '../rows.ts';
import { ACTIVE, json, type AnyEnqueueInput, type QueueContext } from './common.ts';

// dedupe_key comes last so the multi-row insert (only jobs without one) can leave it NULL.
const INSERT_COLUMNS =
  '(kind, status, priority, payload, max_attempts, run_at, parent_id, created_at, updated_at, dedupe_key)';
const COLUMNS = 9;
const INSERT_ROW = `(${'?, '.repeat(COLUMNS)}?)`;
const MULTI_ROW = `(${'?, '.repeat(COLUMNS)}NULL)`;
const MULTI = 50;

/** Builds enqueue and enqueueMany, and the pieces complete needs to enqueue follow-ups in its own transaction. */
export function enqueueOps(ctx: QueueContext) {
  const { db, clock, defaultMaxAttempts, emit, shared } = ctx;
  const stmt = {
    insert: db.prepare(`INSERT INTO jobs ${INSERT_COLUMNS} VALUES ${INSERT_ROW}`),
    insertDedupe: db.prepare(
      `INSERT INTO jobs ${INSERT_COLUMNS} VALUES ${INSERT_ROW}
       ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND ${ACTIVE} DO NOTHING`,
    ),
    byDedupe: db.prepare(`SELECT * FROM jobs WHERE dedupe_key = ? AND ${ACTIVE}`),
  };

  // Kinds are few; checking each distinct one once keeps a regex out of the batched enqueue's per-job cost.
  const knownKinds = new Set<string>();

  function validateInput(input: AnyEnqueueInput): void {
    if (!knownKinds.has(input.kind)) {
      if (typeof input.kind !== 'string' || !/^[a-z][a-z0-9_.-]{0,63}$/.test(input.kind)) {
        throw new TypeError(
          `Job kind must be 1–64 lowercase letters, digits, "_", "." or "-" (got ${JSON.stringify(input.kind)}).`,
        );
      }
      if (knownKinds.size < 1000) knownKinds.add(input.kind);
    }
    if (input.priority !== undefined && !Number.isInteger(input.priority))
      throw new TypeError('Job priority must be an integer.');
    if (input.maxAttempts !== undefined && (!Number.isInteger(input.maxAttempts) || input.maxAttempts < 1)) {
      throw new TypeError('maxAttempts must be a whole number ≥ 1.');
    }
    if (input.runAt !== undefined && !Number.isFinite(input.runAt))
      throw new TypeError('runAt must be a time in milliseconds.');
    if (input.delayMs !== undefined && !(Number.isFinite(input.delayMs) && input.delayMs >= 0)) {
      throw new TypeError('delayMs must be a non-negative number.');
    }
  }

  /** Writes one job's values into `args` from `at`, in INSERT_COLUMNS order up to (not including) dedupe_key. */
  function fillArgs(args: unknown[], at: number, input: AnyEnqueueInput, now: number): void {
    const runAt = input.runAt ?? now + (input.delayMs ?? 0);
    args[at] = input.kind;
    args[at + 1] = runAt > now ? 'scheduled' : 'queued';
    args[at + 2] = input.priority ?? 0;
    args[at + 3] = json(input.payload);
    args[at + 4] = input.maxAttempts ?? defaultMaxAttempts;
    args[at + 5] = runAt;
    args[at + 6] = input.parentId ?? null;
    args[at + 7] = now;
    args[at + 8] = now;
  }

  function insertOne(input: AnyEnqueueInput, now: number): { id: number; deduped: boolean } {
    const args: unknown[] = new Array(COLUMNS + 1);
    fillArgs(args, 0, input, now);
    args[COLUMNS] = input.dedupeKey ?? null;
    if (input.dedupeKey == null) return { id: Number(stmt.insert.run(args).lastInsertRowid), deduped: false };
    const info = stmt.insertDedupe.run(args);
    if (info.changes === 1) return { id: Number(info.lastInsertRowid), deduped: false };
    const existing = stmt.byDedupe.get(input.dedupeKey) as JobRow;
    return { id: existing.id, deduped: true };
  }

  const insertMulti = db.prepare(
    `INSERT INTO jobs ${INSERT_COLUMNS} VALUES ${Array(MULTI).fill(MULTI_ROW).join(', ')}`,
  );
  const multiArgs: unknown[] = new Array(MULTI * COLUMNS);

  const chunkHasDedupe = (inputs: readonly AnyEnqueueInput[], from: number) => {
    for (let k = from; k < from + MULTI; k++) if (inputs[k]!.dedupeKey != null) return true;
    return false;
  };

  // Full chunks of jobs without a dedupe key go in one multi-row INSERT (2–3× faster than row by row); inside the
  // transaction the rowids of one statement are consecutive, so the ids follow from the last one.
  const enqueueManyTx = db.transaction((inputs: readonly AnyEnqueueInput[], now: number) => {
    const ids: number[] = new Array(inputs.length);
    const fresh: number[] = [];
    let i = 0;
    while (i < inputs.length) {
      if (i + MULTI <= inputs.length && !chunkHasDedupe(inputs, i)) {
        for (let k = 0; k < MULTI; k++) fillArgs(multiArgs, k * COLUMNS, inputs[i + k]!, now);
        const first = Number(insertMulti.run(multiArgs).lastInsertRowid) - MULTI + 1;
        for (let k = 0; k < MULTI; k++) fresh.push((ids[i + k] = first + k));
        i += MULTI;
      } else {
        const r = insertOne(inputs[i]!, now);
        ids[i] = r.id;
        if (!r.deduped) fresh.push(r.id);
        i++;
      }
    }
    return { ids, fresh };
  });

  function announce(ids: number[], kinds: Iterable<string>): void {
    if (ids.length === 0) return;
    emit({ type: 'enqueued', jobIds: ids, kinds: [...kinds] });
  }

  /** Adds one job (or returns the unfinished job holding the same dedupe key). */
  function enqueue(input: AnyEnqueueInput): Job & { deduped: boolean } {
    validateInput(input);
    const { id, deduped } = insertOne(input, clock.now());
    if (!deduped) announce([id], [input.kind]);
    return { ...shared.mustGet(id), deduped };
  }

  /** Adds many jobs in one transaction; returns their ids in input order. */
  function enqueueMany(inputs: readonly AnyEnqueueInput[]): number[] {
    const kinds = new Set<string>();
    for (const input of inputs) {
      validateInput(input);
      kinds.add(input.kind);
    }
    const { ids, fresh } = enqueueManyTx(inputs, clock.now());
    announce(fresh, kinds);
    return ids;
  }

  return { enqueue, enqueueMany, insertOne, validateInput, announce };
}

export type EnqueueOps = ReturnType<typeof enqueueOps>;
