import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CleanProduct } from './validate.ts';

/** Where reading stopped, saved in the same transaction as the rows it covers. */
export interface StagingState {
  phase: 'reading' | 'staged';
  /** Byte offset of the next record to read (0 = the header is not read yet). */
  byteOffset: number;
  /** Number of the last record consumed (the header is row 1). */
  rowNumber: number;
  staged: number;
  rejected: number;
  blank: number;
  duplicates: number;
  warnings: number;
  /** Length of the error report covering the rows above. */
  reportBytes: number;
}

/** A later row repeating an earlier one, as staged (normalized values and attributes). */
export interface DuplicateRow {
  row: number;
  dupOf: number;
  by: 'barcode' | 'name_brand';
  product: Omit<CleanProduct, 'nameBrandKey' | 'qualityScore'>;
}

const COLUMNS = ['row', 'gtin14', 'sku', 'mpn', 'asin', 'name', 'brand', 'category', 'cost', 'currency', 'price', 'pack_size', 'quantity', 'image_url', 'description', 'weight_lb', 'length_in', 'width_in', 'height_in', 'attributes', 'quality', 'nbk'] as const;

const EMPTY: StagingState = { phase: 'reading', byteOffset: 0, rowNumber: 0, staged: 0, rejected: 0, blank: 0, duplicates: 0, warnings: 0, reportBytes: 0 };

/**
 * A per-import scratch database beside the main one. Rows land here in file order with no unique index (fast
 * appends, no lock on the main database); dedupe and a sorted merge into products follow once reading is done.
 */
export function openStaging(path: string) {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // Appends journal almost nothing in rollback mode (new pages need no undo), unlike WAL which writes every
  // page twice. Without fsync a process crash is still safe; an OS crash at worst restarts the import.
  db.pragma('journal_mode = PERSIST');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -8000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS staged (
      row INTEGER PRIMARY KEY, gtin14 TEXT, sku TEXT, mpn TEXT, asin TEXT, name TEXT, brand TEXT, category TEXT,
      cost REAL NOT NULL, currency TEXT, price REAL, pack_size INTEGER, quantity INTEGER, image_url TEXT, description TEXT,
      weight_lb REAL, length_in REAL, width_in REAL, height_in REAL, attributes TEXT NOT NULL, quality INTEGER NOT NULL, nbk TEXT, dup_of INTEGER
    );
  `);
  // One row per statement: measured faster here than multi-row VALUES (binding dominates, not statement count).
  const insertOne = db.prepare(`INSERT INTO staged (${COLUMNS.join(',')}) VALUES (${COLUMNS.map(() => '?').join(',')})`);
  const saveState = db.prepare('INSERT INTO state (id, json) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json');
  const loadState = db.prepare<[], { json: string }>('SELECT json FROM state WHERE id = 1');

  const put = (row: number, p: CleanProduct) => {
    insertOne.run(row, p.gtin14, p.sku, p.mpn, p.asin, p.name, p.brand, p.category, p.cost, p.currency, p.price, p.packSize, p.quantity, p.imageUrl, p.description, p.weightLb, p.lengthIn, p.widthIn, p.heightIn, JSON.stringify(p.attributes), p.qualityScore, p.nameBrandKey);
  };
  const chunkTx = db.transaction((fill: (stage: typeof put) => StagingState) => {
    saveState.run(JSON.stringify(fill(put)));
  });

  return {
    path,
    db,
    state(): StagingState {
      const row = loadState.get();
      return row ? { ...EMPTY, ...(JSON.parse(row.json) as Partial<StagingState>) } : { ...EMPTY };
    },
    /**
     * Runs `fill` in one transaction: the rows it stages as it validates them and the state it returns commit
     * together or not at all. Staging each row at once (rather than collecting a batch first) lets its objects die
     * young: collected batches outlived the young generation and made the collector a third of the reading time.
     */
    commitWith(fill: (stage: (row: number, product: CleanProduct) => void) => StagingState): void {
      chunkTx(fill);
    },
    /**
     * Marks in-file duplicates (a later row with the same barcode, or without a barcode and the same name and
     * brand). Idempotent.
     */
    markDuplicates(): void {
      db.exec(`
        CREATE INDEX IF NOT EXISTS staged_gtin ON staged(gtin14, row) WHERE gtin14 IS NOT NULL;
        CREATE INDEX IF NOT EXISTS staged_nbk ON staged(nbk, row) WHERE gtin14 IS NULL;
        UPDATE staged SET dup_of = d.first FROM (
          SELECT row, first_value(row) OVER (PARTITION BY gtin14 ORDER BY row) AS first FROM staged WHERE gtin14 IS NOT NULL
        ) AS d WHERE staged.row = d.row AND d.first <> d.row;
        UPDATE staged SET dup_of = d.first FROM (
          SELECT row, first_value(row) OVER (PARTITION BY nbk ORDER BY row) AS first FROM staged WHERE gtin14 IS NULL
        ) AS d WHERE staged.row = d.row AND d.first <> d.row;
      `);
    },
    /** In-file duplicates in row order, with the row each repeats; streamed, never all in memory. */
    *duplicates(): Generator<DuplicateRow> {
      // Aliased to the product's own field names, so a row is the product as staged.
      const stmt = db.prepare<[], DuplicateRow['product'] & { row: number; dupOf: number; attributes: string }>(
        `SELECT row, dup_of AS dupOf, gtin14, sku, mpn, asin, name, brand, category, cost, currency, price, pack_size AS packSize, quantity,
                image_url AS imageUrl, description, weight_lb AS weightLb, length_in AS lengthIn, width_in AS widthIn, height_in AS heightIn, attributes
         FROM staged WHERE dup_of IS NOT NULL ORDER BY row`,
      );
      for (const { row, dupOf, attributes, ...product } of stmt.iterate()) {
        yield { row, dupOf, by: product.gtin14 ? 'barcode' : 'name_brand', product: { ...product, attributes: JSON.parse(attributes) } };
      }
    },
    saveState(state: StagingState): void {
      saveState.run(JSON.stringify(state));
    },
    close(): void {
      db.close();
    },
  };
}
export type Staging = ReturnType<typeof openStaging>;

/** Removes a staging database and its WAL files. */
export function removeStaging(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}
