import type { Db } from '../db/open.ts';
import { ROW_COLUMNS, ROW_WIDTH, statementsByColumns, type RowColumns, type SharedColumn } from './product-row.ts';
import { seenSetFrom, snapshotOf } from './product-sql.ts';

/** What writing a chunk into the catalog did. */
export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** A row repeating an earlier row of the same file; `offset` locates it in the chunk's flat values. */
export interface DuplicateFound {
  row: number;
  dupOf: number;
  by: 'barcode';
  values: readonly unknown[];
  offset: number;
}

// Barcoded rows go 16 per statement: one call into SQLite per row cost ~1 µs of the row's few.
const MULTI = 16;

/**
 * Writes barcoded rows straight into products, in the caller's transaction, by an upsert on the GTIN; each product
 * remembers it was seen by this import at that row. A product already seen by this import makes the row a
 * duplicate and is left alone (the file's first row wins). Every product an import changes keeps its prior state.
 */
export function createCatalogWriter(db: Db, importId: number) {
  // Written into the statements (see upsert).
  if (!Number.isSafeInteger(importId)) throw new TypeError(`Not an import id: ${importId}`);
  // No named parameters: a statement naming any makes SQLite look each anonymous one up among the names (~0.1 s of
  // a 1M-row import). The import is written in as a literal, and so are the shared columns' values; each row binds
  // its own values, then the time twice.
  const upsert = (cols: readonly number[], shared: readonly SharedColumn[], n: number) =>
    db.prepare(
      `INSERT INTO products (${[...cols, ...shared.map((x) => x.col)].map((c) => ROW_COLUMNS[c]).join(', ')}, import_id, created_import_id, seen_import_id, created_at, updated_at)
       VALUES ${Array(n)
         .fill(
           `(${[...cols.map(() => '?'), ...shared.map((x) => x.sql)].join(', ')}, ${importId}, ${importId}, ${importId}, ?, ?)`,
         )
         .join(', ')}
       ON CONFLICT (gtin14) WHERE gtin14 IS NOT NULL DO UPDATE SET ${seenSetFrom('excluded', `${importId}`, 'excluded.updated_at')}
       WHERE products.seen_import_id IS NOT ${importId}`,
    );
  // Only the columns a chunk fills are bound, and not those all its rows agree on (see statementsByColumns).
  const upsertsFor = statementsByColumns((cols, shared) => ({
    multi: upsert(cols, shared, MULTI),
    one: upsert(cols, shared, 1),
  }));
  const stmt = {
    maxId: db.prepare('SELECT coalesce(max(id), 0) FROM products').pluck(),
    countFrom: db.prepare('SELECT count(*) FROM products WHERE id > ?').pluck(),
    totalChanges: db.prepare('SELECT total_changes()').pluck(),
    seenRow: db.prepare<[string], number | null>('SELECT seen_row FROM products WHERE gtin14 = ?').pluck(),
  };
  const trigger = `temp.import_${importId}_remembers`;

  /** Finds which rows of a statement were duplicates (rare: only when the statement wrote fewer rows than it had). */
  const findDuplicates = (values: readonly unknown[], from: number, to: number, out: DuplicateFound[]) => {
    for (let o = from; o < to; o += ROW_WIDTH) {
      const row = values[o + ROW_WIDTH - 1] as number;
      const first = stmt.seenRow.get(values[o] as string);
      if (first !== null && first !== undefined && first !== row)
        out.push({ row, dupOf: first, by: 'barcode', values, offset: o });
    }
  };

  return {
    /** Starts remembering prior states for undo (a temporary trigger on this connection). */
    begin(): void {
      db.exec(`DROP TRIGGER IF EXISTS ${trigger};
        CREATE TEMP TRIGGER ${trigger.slice(5)} AFTER UPDATE OF import_id ON main.products
        WHEN NEW.import_id IS ${importId} AND OLD.import_id IS NOT ${importId}
        BEGIN
          INSERT INTO import_changes (import_id, product_id, before)
          VALUES (${importId}, OLD.id, ${snapshotOf('OLD')})
          ON CONFLICT DO NOTHING;
        END;`);
    },
    end(): void {
      db.exec(`DROP TRIGGER IF EXISTS ${trigger}`);
    },
    /**
     * Writes barcoded rows by an upsert; returns the counts and the duplicates it found. `columns`: those of rows
     * these are part of (a parsed chunk's), else they are scanned.
     */
    write(
      barcoded: readonly unknown[],
      now: number,
      columns?: RowColumns,
    ): WriteCounts & { duplicates: DuplicateFound[] } {
      const duplicates: DuplicateFound[] = [];
      if (barcoded.length === 0) return { created: 0, updated: 0, unchanged: 0, duplicates };
      const maxBefore = stmt.maxId.get() as number;
      const changesBefore = stmt.totalChanges.get() as number;
      let written = 0;
      const n = barcoded.length;
      let o = 0;
      const { cols, multi, one } = upsertsFor(barcoded, columns);
      // Each row: its values, then the time twice.
      const w = cols.length + 2;
      const args: unknown[] = new Array(MULTI * w);
      const single: unknown[] = new Array(w);
      for (let r = 0; r < MULTI; r++) args[r * w + w - 2] = args[r * w + w - 1] = now;
      single[w - 2] = single[w - 1] = now;
      // Created, updated and unchanged rows each write their product once; a duplicate writes nothing.
      for (const step = MULTI * ROW_WIDTH; o + step <= n; o += step) {
        for (let r = 0; r < MULTI; r++)
          for (let i = 0; i < w - 2; i++) args[r * w + i] = barcoded[o + r * ROW_WIDTH + cols[i]!];
        const c = multi.run(...args).changes;
        written += c;
        if (c < MULTI) findDuplicates(barcoded, o, o + step, duplicates);
      }
      for (; o < n; o += ROW_WIDTH) {
        for (let i = 0; i < w - 2; i++) single[i] = barcoded[o + cols[i]!];
        const c = one.run(...single).changes;
        written += c;
        if (c === 0) findDuplicates(barcoded, o, o + ROW_WIDTH, duplicates);
      }
      // The undo trigger wrote one change per updated product beyond the upserts' own (migration 020's trigger may write
      // one more: the task counts the updated products again from import_changes once the import is done).
      const updated = (stmt.totalChanges.get() as number) - changesBefore - written;
      const created = written > 0 ? (stmt.countFrom.get(maxBefore) as number) : 0;
      const unchanged = written - created - updated;

      return { created, updated, unchanged, duplicates };
    },
  };
}
export type CatalogWriter = ReturnType<typeof createCatalogWriter>;
