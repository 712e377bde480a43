import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { syntheticUpc } from '../../../main/bench/supplier-file.ts';
import { startTestEngine } from '../../support/import-engine.ts';
import { waitFor } from '../../support/workers.ts';

const ROWS = 30_000;

/** A cover sheet, then a price list of ROWS products (UPCs as numbers, as Excel keeps them). */
async function writeBigWorkbook(path: string): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const cover = wb.addWorksheet('Read me');
  cover.addRow(['Prices in USD']).commit();
  cover.commit();
  const ws = wb.addWorksheet('Items');
  ws.addRow(['Price list, spring']).commit();
  ws.addRow(['UPC', 'SKU', 'Item Description', 'Brand', 'Unit Cost']).commit();
  for (let i = 0; i < ROWS; i++)
    ws.addRow([Number(syntheticUpc(i)), `SKU-${i}`, `Item ${i}`, `Brand ${i % 40}`, 1 + (i % 500) / 100]).commit();
  ws.commit();
  await wb.commit();
}

describe('xlsx import crash safety', () => {
  it(
    'an import SIGKILLed mid-read resumes by row number and ends equal to a clean import',
    { timeout: 300_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pallet-xlsx-kill-'));
      try {
        const path = join(dir, 'items.xlsx');
        await writeBigWorkbook(path);
        const payload = { path, lookupAfter: false, imagesAfter: false };
        const clean = await startTestEngine();
        let expected;
        try {
          const job = await clean.run({ kind: 'import', payload }, 120_000);
          expect(job.status, job.error?.message).toBe('completed');
          expected = clean.products();
          expect(expected).toHaveLength(ROWS);
        } finally {
          await clean.stop();
        }

        const t = await startTestEngine({
          queue: { backoff: { baseMs: 20, maxMs: 200 } },
          supervisor: { restartBaseMs: 20, restartMaxMs: 200, breakerCrashes: 1_000 },
        });
        try {
          const job = t.queue.enqueue({ kind: 'import', payload, maxAttempts: 100 });
          // Killed once some rows are committed and the read is not done: the resume must go on from the saved row.
          await waitFor(
            () => {
              const cp = t.queue.get(job.id).checkpoint as { phase?: string; rowNumber?: number } | null;
              return cp?.phase === 'reading' && (cp.rowNumber ?? 0) > 2 && (cp.rowNumber ?? 0) < ROWS;
            },
            'the import to commit its first rows',
            120_000,
          );
          const saved = (t.queue.get(job.id).checkpoint as { rowNumber: number }).rowNumber;
          process.kill(t.engine.workers[0]!.pid!, 'SIGKILL');
          await waitFor(() => t.queue.get(job.id).status === 'completed', 'the import to complete', 240_000);
          expect(saved).toBeGreaterThan(2);
          expect(t.products()).toEqual(expected);
          expect(t.queue.get(job.id).attempts).toBeGreaterThan(1);
        } finally {
          await t.stop();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
