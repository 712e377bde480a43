import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { syntheticUpc } from '../../../main/bench/supplier-file.ts';
import type { ImportResult } from '../../../main/imports/task.ts';
import { startTestEngine } from '../../support/import-engine.ts';
import { waitFor } from '../../support/workers.ts';

// 60k rows by default (a test file under a minute on two cores); PALLET_XLSX_KILL_ROWS=1000000 runs the full size by
// hand. Either way the shared-string table (two unique strings a row) outgrows its memory and spills to its file.
const ROWS = Number(process.env.PALLET_XLSX_KILL_ROWS) || 60_000;
// The full size takes minutes: the limits grow with it.
const SCALE = Math.max(1, ROWS / 60_000);

/**
 * The row of product `i` as its supplier would type it: UPC as a number (twelve digits, none lost), unique SKU and name.
 */
const rowOf = (i: number) => [
  Number(syntheticUpc(i + 2_000_000)),
  `SKU-${i}`,
  `Item ${i} ünïcode`,
  `Brand ${i % 40}`,
  (100 + (i % 500)) / 100,
];

async function writeWorkbook(path: string): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: false });
  const ws = wb.addWorksheet('Items');
  ws.addRow(['UPC', 'SKU', 'Item Description', 'Brand', 'Unit Cost']).commit();
  for (let i = 0; i < ROWS; i++) ws.addRow(rowOf(i)).commit();
  ws.commit();
  await wb.commit();
}

describe('a large xlsx import killed mid-read', () => {
  it(
    `${ROWS / 1000}k rows, SIGKILLed twice while reading, resume from the saved row with every product once and right`,
    { timeout: 120_000 * SCALE },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pallet-xlsx-kill-large-'));
      const t = await startTestEngine({
        queue: { backoff: { baseMs: 20, maxMs: 200 } },
        supervisor: { restartBaseMs: 20, restartMaxMs: 200, breakerCrashes: 1_000 },
      });
      try {
        const path = join(dir, 'items.xlsx');
        await writeWorkbook(path);
        const job = t.queue.enqueue({
          kind: 'import',
          payload: { path, lookupAfter: false, imagesAfter: false },
          maxAttempts: 100,
        });
        const savedRow = () => {
          const cp = t.queue.get(job.id).checkpoint as { phase?: string; rowNumber?: number } | null;
          return cp?.phase === 'reading' ? (cp.rowNumber ?? 0) : 0;
        };
        // Once early (the table loaded, a few chunks committed), once past the middle (a resume that skipped rows).
        const kills: number[] = [];
        const killed: number[] = [];
        for (const from of [2, Math.floor(ROWS / 2)]) {
          await waitFor(
            () => savedRow() > from && savedRow() < ROWS - 1000,
            `a checkpoint past row ${from}`,
            120_000 * SCALE,
          );
          kills.push(savedRow());
          killed.push(t.engine.workers[0]!.pid!);
          process.kill(t.engine.workers[0]!.pid!, 'SIGKILL');
          // The next attempt starts in a new worker process.
          await waitFor(
            () => t.queue.get(job.id).status !== 'running' || savedRow() < kills.at(-1)!,
            'the kill to land',
            30_000,
          );
        }
        await waitFor(() => t.queue.get(job.id).status === 'completed', 'the import to complete', 240_000 * SCALE);
        const done = t.queue.get(job.id);
        expect(done.attempts).toBeGreaterThanOrEqual(3);
        expect(kills[1]).toBeGreaterThan(ROWS / 2);
        expect(done.result as ImportResult).toMatchObject({
          rows: ROWS,
          created: ROWS,
          updated: 0,
          duplicates: 0,
          rejected: 0,
        });
        // Every product once, each with its own row's values: nothing lost, doubled or shifted by a row.
        expect(t.db.prepare('SELECT count(*) AS n, count(DISTINCT sku) AS skus FROM products').get()).toEqual({
          n: ROWS,
          skus: ROWS,
        });
        let checked = 0;
        for (const p of t.db.prepare('SELECT gtin14, sku, name, brand, cost FROM products').iterate() as Iterable<{
          gtin14: string;
          sku: string;
          name: string;
          brand: string;
          cost: number;
        }>) {
          const i = Number(p.sku.slice(4));
          const [upc, , name, brand, cost] = rowOf(i);
          expect(p.gtin14).toBe(String(upc).padStart(14, '0'));
          expect([p.name, p.brand, p.cost]).toEqual([name, brand, cost]);
          checked++;
        }
        expect(checked).toBe(ROWS);
        // The shared strings' spill files of the killed workers went with them (unlinked while open).
        const left = readdirSync(tmpdir()).filter((f) => killed.some((pid) => f.startsWith(`pallet-sst-${pid}-`)));
        expect(left).toEqual([]);
      } finally {
        await t.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
