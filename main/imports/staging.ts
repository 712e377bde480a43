import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openSqlite } from '../db/native-binding.ts';
import { ROW_COLUMNS, ROW_WIDTH, statementsByColumns, type SharedColumn } from './product-row.ts';
import type { CleanProduct } from './validate.ts';

/** A staged row as stored (staging's column names). */
export interface StagedRow {
  row: number;
  gtin14: string | null;
  sku: string | null;
  mpn: string | null;
  asin: string | null;
  name: string | null;
  brand: string | null;
  category: string | null;
  cost: number;
  currency: string | null;
  price: number | null;
  pack_size: number | null;
  quantity: number | null;
  image_url: string | null;
  description: string | null;
  weight_lb: number | null;
  length_in: number | null;
  width_in: number | null;
  height_in: number | null;
  attributes: string;
  quality_score: number;
  name_brand_key: string | null;
  dup_of: number | null;
}

/** The product a staged row holds, as validated. */
export function stagedProduct(r: StagedRow): DuplicateRow['product'] {
  return {
    gtin14: r.gtin14,
    sku: r.sku,
    mpn: r.mpn,
    asin: r.asin,
    name: r.name,
    brand: r.brand,
    category: r.category,
    cost: r.cost,
    currency: r.currency,
    price: r.price,
    packSize: r.pack_size,
    quantity: r.quantity,
    imageUrl: r.image_url,
    description: r.description,
    weightLb: r.weight_lb,
    lengthIn: r.length_in,
    widthIn: r.width_in,
    heightIn: r.height_in,
    attributes: JSON.parse(r.attributes) as Record<string, string>,
  };
}

/** A later row repeating an earlier one, as staged (normalized values and attributes). */
export interface DuplicateRow {
  row: number;
  dupOf: number;
  by: 'barcode' | 'name_brand';
  product: Omit<CleanProduct, 'nameBrandKey' | 'qualityScore'>;
}

// Staged rows use the product's column names (one SQL for staged and incoming rows), keyed by row number; they are
// bound straight from a chunk's flat values, in ROW_COLUMNS order.
const COLUMNS = ROW_COLUMNS.map((c) => (c === 'seen_row' ? 'row' : c));

/**
 * A per-import scratch database beside the main one for rows that cannot simply be appended to the catalog: they
 * land here in file order with no unique index (fast appends, no lock on the main database); dedupe and a sorted
 * merge into products follow once reading is done.
 */
export function openStaging(path: string) {
  mkdirSync(dirname(path), { recursive: true });
  const db = openSqlite(path);
  // Appends journal almost nothing in rollback mode (new pages need no undo), unlike WAL which writes every
  // page twice. Without fsync a process crash is still safe; an OS crash at worst restarts the import.
  db.pragma('journal_mode = PERSIST');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -2000');
  // A file left by the previous version (it kept its reading state here, and other column names): its import starts
  // reading again from the top, so its rows go.
  if (db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'state'`).get())
    db.exec('DROP TABLE state; DROP TABLE IF EXISTS staged;');
  db.exec(`
    CREATE TABLE IF NOT EXISTS staged (
      row INTEGER PRIMARY KEY, gtin14 TEXT, sku TEXT, mpn TEXT, asin TEXT, name TEXT, brand TEXT, category TEXT,
      cost REAL NOT NULL, currency TEXT, price REAL, pack_size INTEGER, quantity INTEGER, image_url TEXT, description TEXT,
      weight_lb REAL, length_in REAL, width_in REAL, height_in REAL, attributes TEXT NOT NULL, quality_score INTEGER NOT NULL, name_brand_key TEXT, dup_of INTEGER
    );
  `);
  // Keyed by row number and OR IGNORE: a chunk staged again after a crash (its catalog half rolled back) is a no-op.
  // Rows go in 16 per statement (~15% faster than one per statement; more per statement gained nothing), binding
  // only the columns the rows fill (see statementsByColumns).
  const MULTI = 16;
  const insert = (cols: number[], shared: SharedColumn[], n: number) => {
    const rowSql = `(${[...cols.map(() => '?'), ...shared.map((x) => x.sql)].join(',')})`;
    return db.prepare(
      `INSERT OR IGNORE INTO staged (${[...cols, ...shared.map((x) => x.col)].map((c) => COLUMNS[c]).join(',')}) VALUES ${Array(n).fill(rowSql).join(',')}`,
    );
  };
  const insertsFor = statementsByColumns((cols, shared) => ({
    multi: insert(cols, shared, MULTI),
    one: insert(cols, shared, 1),
  }));
  const stageTx = db.transaction((lists: readonly (readonly unknown[])[]) => {
    for (const values of lists) {
      if (values.length === 0) continue;
      const { cols, multi, one } = insertsFor(values);
      const w = cols.length;
      const args: unknown[] = new Array(MULTI * w);
      const single: unknown[] = new Array(w);
      const n = values.length;
      let o = 0;
      for (const step = MULTI * ROW_WIDTH; o + step <= n; o += step) {
        for (let r = 0; r < MULTI; r++)
          for (let i = 0; i < w; i++) args[r * w + i] = values[o + r * ROW_WIDTH + cols[i]!];
        multi.run(...args);
      }
      for (; o < n; o += ROW_WIDTH) {
        for (let i = 0; i < w; i++) single[i] = values[o + cols[i]!];
        one.run(...single);
      }
    }
  });

  return {
    path,
    db,
    /**
     * Stages rows given flat in ROW_COLUMNS order, every list in one transaction (a commit per parsed chunk was
     * ~15% of staging a shuffled file).
     */
    stage(...lists: (readonly unknown[])[]): void {
      if (lists.some((l) => l.length > 0)) stageTx(lists);
    },
    /**
     * Marks in-file duplicates (a later row with the same barcode, or without a barcode and the same name and
     * brand); returns how many rows repeat an earlier one. Idempotent.
     */
    markDuplicates(): number {
      // dup_of rides in the indexes: every merge statement filters a range on it, and without it each staged row was
      // fetched from the table (file order: a random page read in a shuffled file) three or four times, not once.
      // A staging file indexed by an earlier version keeps its narrower indexes: slower, same results.
      db.exec(`
        CREATE INDEX IF NOT EXISTS staged_gtin ON staged(gtin14, row, dup_of) WHERE gtin14 IS NOT NULL;
        CREATE INDEX IF NOT EXISTS staged_key ON staged(name_brand_key, row, dup_of) WHERE gtin14 IS NULL;
      `);
      // Only groups with more than one row are touched: a streaming scan of the index finds them (half the time of a
      // window over every row, which read the whole table twice even in a file without duplicates).
      const byGtin = db.prepare(`
        UPDATE staged SET dup_of = d.first FROM (
          SELECT gtin14, min(row) AS first FROM staged WHERE gtin14 IS NOT NULL GROUP BY gtin14 HAVING count(*) > 1
        ) AS d WHERE staged.gtin14 = d.gtin14 AND staged.row <> d.first`);
      const byKey = db.prepare(`
        UPDATE staged SET dup_of = d.first FROM (
          SELECT name_brand_key, min(row) AS first FROM staged WHERE gtin14 IS NULL GROUP BY name_brand_key HAVING count(*) > 1
        ) AS d WHERE staged.gtin14 IS NULL AND staged.name_brand_key = d.name_brand_key AND staged.row <> d.first`);
      return db.transaction(() => byGtin.run().changes + byKey.run().changes)();
    },
    /** In-file duplicates in row order, with the row each repeats; streamed, never all in memory. */
    *duplicates(): Generator<DuplicateRow> {
      for (const r of db
        .prepare<[], StagedRow>('SELECT * FROM staged WHERE dup_of IS NOT NULL ORDER BY row')
        .iterate()) {
        yield { row: r.row, dupOf: r.dup_of!, by: r.gtin14 ? 'barcode' : 'name_brand', product: stagedProduct(r) };
      }
    },
    /** The barcodes of the rows staged so far, streamed. */
    *barcodes(): Generator<string> {
      yield* db.prepare<[], string>('SELECT gtin14 FROM staged WHERE gtin14 IS NOT NULL').pluck().iterate();
    },
    close(): void {
      db.close();
    },
  };
}
export type Staging = ReturnType<typeof openStaging>;
