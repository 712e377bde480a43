import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSupplierFile } from '../../../main/bench/supplier-file.ts';
import type { ImportResult } from '../../../main/imports/task.ts';
import { PRODUCT_COLUMNS, startTestEngine, type TestEngine } from '../../support/import-engine.ts';
import { waitFor } from '../../support/workers.ts';

const ROWS = 200_000;
const TRIALS = 20;

/** A digest of the whole product table in a stable order. */
function productsDigest(t: TestEngine): string {
  const h = createHash('sha256');
  for (const row of t.db
    .prepare(`SELECT ${PRODUCT_COLUMNS} FROM products ORDER BY gtin14, name_brand_key, sku`)
    .raw()
    .iterate())
    h.update(JSON.stringify(row));
  return h.digest('hex');
}

describe('import crash safety', () => {
  it(
    `${TRIALS} trials of a ${ROWS / 1000}k-row import (in barcode order, shuffled and random, by turns), each SIGKILLed at random moments, all end equal to a clean import`,
    { timeout: 900_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pallet-kill-'));
      const path = join(dir, 'supplier.csv');
      await writeSupplierFile(path, ROWS);
      // The same products in other orders: interleaved climbing runs go in at once in the middle of the barcode index
      // (see router.ts); in no order at all they take the staged path (staging, dedupe, sorted merge).
      const shuffled = join(dir, 'shuffled.csv');
      await writeSupplierFile(shuffled, ROWS, 'shuffled');
      const random = join(dir, 'random.csv');
      await writeSupplierFile(random, ROWS, 'random');
      const clean = await startTestEngine();
      const started = Date.now();
      await clean.run({ kind: 'import', payload: { path, lookupAfter: false } }, 300_000);
      const cleanMs = Date.now() - started;
      const expected = productsDigest(clean);
      await clean.stop();

      const notes: string[] = [];
      let kills = 0;
      // The kill moments are drawn from a window as long as a clean run; on a loaded machine a later import can
      // outrun it, so a trial whose import finished before any kill landed runs again with a shorter window.
      // The staged path (random file) takes about twice as long.
      const windowMs = new Map([
        [path, cleanMs],
        [shuffled, cleanMs * 1.5],
        [random, cleanMs * 2],
      ]);
      try {
        for (let trial = 0; trial < TRIALS; trial++) {
          let killed = 0;
          const file = [path, shuffled, random][trial % 3]!;
          for (let attempt = 0; killed === 0 && attempt < 6; attempt++) {
            const t = await startTestEngine({
              queue: { backoff: { baseMs: 20, maxMs: 200 } },
              supervisor: { restartBaseMs: 20, restartMaxMs: 200, breakerCrashes: 1_000 },
            });
            try {
              const job = t.queue.enqueue({
                kind: 'import',
                payload: { path: file, lookupAfter: false },
                maxAttempts: 1_000,
              });
              const worker = t.engine.workers[0]!;
              // One to three kills per trial, each at a random moment of the window.
              for (let k = 1 + Math.floor(Math.random() * 3); k > 0; k--) {
                await waitFor(
                  () => t.queue.get(job.id).status === 'running' || t.queue.get(job.id).status === 'completed',
                  'the import to run',
                  60_000,
                );
                await new Promise((r) => setTimeout(r, Math.random() * windowMs.get(file)!));
                const j = t.queue.get(job.id);
                if (j.status !== 'running' || worker.pid === undefined) break;
                notes.push(j.progress?.note?.split(':')[0] ?? 'starting');
                process.kill(worker.pid, 'SIGKILL');
                killed++;
              }
              await waitFor(
                () => t.queue.get(job.id).status === 'completed',
                'the import to complete after the kills',
                300_000,
              );
              expect(t.queue.get(job.id).result as ImportResult).toMatchObject({
                rows: ROWS,
                created: ROWS,
                updated: 0,
                unchanged: 0,
                duplicates: 0,
                rejected: 0,
              });
              expect(productsDigest(t)).toBe(expected);
            } finally {
              await t.stop();
            }
            if (killed === 0) windowMs.set(file, windowMs.get(file)! * 0.6);
          }
          kills += killed;
        }
        // Every trial killed the worker at least once (kills that land while the job waits to restart do not count).
        expect(kills).toBeGreaterThanOrEqual(TRIALS);
        console.log(
          `import kill test: ${kills} kills in ${TRIALS} trials; killed while: ${[...new Set(notes)].join(', ')}`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
