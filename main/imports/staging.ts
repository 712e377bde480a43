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
  const rowSql = `(${COLUMNS.map(() => '?').join(',')})`;
  const insertOne = db.prepare(`INSERT INTO staged (${COLUMNS.join(',')}) VALUES ${rowSql}`);
  // Rows go in 16 per statement (~15% faster than one per statement; more per statement gained nothing).
  const MULTI = 16;
  const insertMulti = db.prepare(`INSERT INTO staged (${COLUMNS.join(',')}) VALUES ${Array(MULTI).fill(rowSql).join(',')}`);
  const saveState = db.prepare('INSERT INTO state (id, json) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json');
  const loadState = db.prepare<[], { json: string }>('SELECT json FROM state WHERE id = 1');

  const args: unknown[] = new Array(MULTI * COLUMNS.length);
  let buffered = 0;
  const put = (row: number, p: CleanProduct) => {
    const a = args;
    const i = buffered * COLUMNS.length;
    // In COLUMNS order.
    a[i] = row; a[i + 1] = p.gtin14; a[i + 2] = p.sku; a[i + 3] = p.mpn; a[i + 4] = p.asin; a[i + 5] = p.name; a[i + 6] = p.brand;
    a[i + 7] = p.category; a[i + 8] = p.cost; a[i + 9] = p.currency; a[i + 10] = p.price; a[i + 11] = p.packSize; a[i + 12] = p.quantity;
    a[i + 13] = p.imageUrl; a[i + 14] = p.description; a[i + 15] = p.weightLb; a[i + 16] = p.lengthIn; a[i + 17] = p.widthIn;
    a[i + 18] = p.heightIn; a[i + 19] = JSON.stringify(p.attributes); a[i + 20] = p.qualityScore; a[i + 21] = p.nameBrandKey;
    if (++buffered === MULTI) {
      insertMulti.run(args);
      buffered = 0;
    }
  };
  const chunkTx = db.transaction((fill: (stage: typeof put) => StagingState) => {
    buffered = 0;
    const state = fill(put);
    for (let r = 0; r < buffered; r++) insertOne.run(args.slice(r * COLUMNS.length, (r + 1) * COLUMNS.length));
    buffered = 0;
    saveState.run(JSON.stringify(state));
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
     * brand); returns how many rows repeat an earlier one. Idempotent.
     */
    markDuplicates(): number {
      db.exec(`
        CREATE INDEX IF NOT EXISTS staged_gtin ON staged(gtin14, row) WHERE gtin14 IS NOT NULL;
        CREATE INDEX IF NOT EXISTS staged_nbk ON staged(nbk, row) WHERE gtin14 IS NULL;
      `);
      // Only groups with more than one row are touched: a streaming scan of the index finds them (half the time of a
      // window over every row, which read the whole table twice even in a file without duplicates).
      const byGtin = db.prepare(`
        UPDATE staged SET dup_of = d.first FROM (
          SELECT gtin14, min(row) AS first FROM staged WHERE gtin14 IS NOT NULL GROUP BY gtin14 HAVING count(*) > 1
        ) AS d WHERE staged.gtin14 = d.gtin14 AND staged.row <> d.first`);
      const byKey = db.prepare(`
        UPDATE staged SET dup_of = d.first FROM (
          SELECT nbk, min(row) AS first FROM staged WHERE gtin14 IS NULL GROUP BY nbk HAVING count(*) > 1
        ) AS d WHERE staged.gtin14 IS NULL AND staged.nbk = d.nbk AND staged.row <> d.first`);
      return db.transaction(() => byGtin.run().changes + byKey.run().changes)();
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
