import { z } from 'zod';
import { normalizeGtin } from '../catalog/gtin.ts';
import type { Db } from '../db/open.ts';
import type { Queue } from '../queue/queue.ts';
import { MappingError } from '../imports/mapping.ts';
import { planImport } from '../imports/plan.ts';
import { readRecords } from '../imports/reader.ts';
import { BadFileError } from '../imports/sniff.ts';
import { TaskError, type Task, parsePayload } from '../workers/runtime/task.ts';
import { factColumns, readFacts } from './reference-facts.ts';

export const catalogImportPayloadSchema = z.object({
  path: z.string().min(1).max(4096),
  mapping: z.record(z.string(), z.enum(['gtin', 'asin', 'name', 'brand', 'ignore'])).optional(),
  /** A supplier file to import once the catalog is in (the sample data: its lookups must find the catalog). */
  importAfter: z.string().min(1).max(4096).optional(),
});

/** What loading a reference catalog did. */
export interface CatalogImportResult {
  file: string;
  /** Data rows read. */
  rows: number;
  /** Barcode → ASIN pairs written. */
  pairs: number;
  /** Rows without a valid barcode and ASIN, or too long to read. */
  skipped: number;
  /** Pairs that came with facts (rank, offers, restriction…) the offline decisions read. */
  withFacts?: number;
  /** Fact cells that were there but unreadable (a rank that is no number, a link that is not https): left out. */
  badFacts?: number;
}

const ASIN = /^(B0[0-9A-Z]{8}|\d{9}[\dX])$/;

/**
 * The `catalog_import` job: reads any CSV pairing barcodes with ASINs (a Keepa export, an inventory report, a previous
 * Pallet export) into the local reference catalog. Idempotent: a re-run rewrites the same pairs.
 */
export function createCatalogImportTask(deps: { database(): { db: Db; queue: Queue } }): Task<'catalog_import'> {
  return async (ctx) => {
    const { path, mapping, importAfter } = parsePayload(catalogImportPayloadSchema, ctx.job.payload, 'catalog import');
    const { db, queue } = deps.database();
    let plan;
    try {
      plan = await planImport(path, { mapping: mapping as never }, null, 5);
    } catch (err) {
      if (err instanceof BadFileError || err instanceof MappingError) throw new TaskError('bad_file', err.message);
      throw err;
    }
    const cG = plan.mapping.gtin;
    const cA = plan.mapping.asin;
    if (cG === undefined || cA === undefined) {
      throw new TaskError(
        'bad_mapping',
        `A reference catalog needs a barcode column and an ASIN column; found ${cG === undefined ? 'no barcode' : 'no ASIN'} column among: ${plan.headers.join(', ')}.`,
      );
    }
    const cN = plan.mapping.name;
    const cB = plan.mapping.brand;
    const insert = db.prepare(
      'INSERT OR REPLACE INTO reference_catalog (gtin14, asin, title, brand, source, imported_at, facts) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const facts = factColumns(plan.headers);
    const counts = { rows: 0, pairs: 0, skipped: 0, withFacts: 0, badFacts: 0 };
    // Records up to the header's line are a title, blank lines and the header itself.
    let record = 0;
    let pending: [string, string, string | null, string | null, string | null][] = [];
    const flush = db.transaction((rows: typeof pending) => {
      const t = Date.now();
      for (const r of rows) insert.run(r[0], r[1], r[2], r[3], plan.fileName, t, r[4]);
    });
    await readRecords({
      path,
      encoding: plan.sniffed.encoding,
      delimiter: plan.sniffed.delimiter,
      newline: plan.sniffed.newline,
      startByte: plan.sniffed.bomLength,
      onOversized: () => void counts.skipped++,
      onBatch: ({ rows, endByte }) => {
        for (const row of rows) {
          if (++record <= plan.headerRow) continue;
          if (row.every((c) => c.trim() === '')) continue;
          counts.rows++;
          const g = normalizeGtin(row[cG] ?? '');
          const asin = (row[cA] ?? '').trim().toUpperCase();
          if (!g.ok || !ASIN.test(asin)) {
            counts.skipped++;
            continue;
          }
          const f = readFacts(row, facts);
          counts.badFacts += f.bad;
          if (f.facts) counts.withFacts++;
          pending.push([
            g.gtin14,
            asin,
            cN !== undefined ? row[cN]?.trim() || null : null,
            cB !== undefined ? row[cB]?.trim() || null : null,
            f.facts ? JSON.stringify(f.facts) : null,
          ]);
          counts.pairs++;
        }
        if (pending.length >= 5000) {
          flush(pending);
          pending = [];
        }
        ctx.progress({ total: plan.sniffed.size, done: endByte, succeeded: counts.pairs, skipped: counts.skipped });
        return ctx.signal.aborted ? 'stop' : undefined;
      },
    });
    flush(pending);
    if (importAfter)
      queue.enqueue({
        kind: 'import',
        payload: { path: importAfter },
        parentId: ctx.job.id,
        dedupeKey: `import-after:${ctx.job.id}`,
        maxAttempts: 3,
      });
    return { file: plan.fileName, ...counts };
  };
}
