import type { Db } from '../db/open.ts';
import { differs, seenSetFrom, snapshotOf, takeCells, UPDATABLE } from './product-sql.ts';

/** What merging a range of staged rows into the catalog did. */
export interface MergeCounts {
  created: number;
  updated: number;
  unchanged: number;
}

const INSERT_COLS = `gtin14, ${UPDATABLE.join(', ')}, attributes, quality_score, import_id, created_import_id, created_at, updated_at`;
const SELECT_STAGED = (imp: string) =>
  `s.gtin14, ${UPDATABLE.map((c) => `s.${c}`).join(', ')}, s.attributes, s.quality_score, ${imp}, ${imp}, :now, :now`;
/** The SET list of an update from incoming row `src`: empty cells keep the catalog's value, attributes merge. */
const SET_FROM = (src: string) =>
  [
    ...takeCells(src),
    `quality_score = max(products.quality_score, ${src}.quality_score)`,
    'import_id = :imp',
    'updated_at = :now',
  ].join(', ');

/**
 * Merges staged rows into products in bounded, sorted ranges: barcode rows by GTIN-14, the rest by name+brand key.
 * Every change keeps the product's prior state for undo: barcode rows through the catalog writer's undo trigger, which
 * the caller must hold (createCatalogWriter(...).begin()). Run inside the caller's transaction.
 */
export function createMerger(db: Db, schema: string) {
  const st = `${schema}.staged`;
  const gtinRange = `s.gtin14 > :lo AND s.gtin14 <= :hi AND s.dup_of IS NULL`;
  // A product this import already wrote while reading carries its mark: a staged row meeting it is left alone.
  const notSeen = (p: string) => `${p}.seen_import_id IS NOT :imp`;
  const keyRange = `s.gtin14 IS NULL AND s.name_brand_key > :lo AND s.name_brand_key <= :hi AND s.dup_of IS NULL`;
  const keyMatch = `p.id = (SELECT min(id) FROM products WHERE name_brand_key = s.name_brand_key AND gtin14 IS NULL)`;
  const stmt = {
    gtinBound: db.prepare<{ lo: string; n: number }, { b: string }>(
      `SELECT max(gtin14) AS b FROM (SELECT gtin14 FROM ${st} WHERE gtin14 > :lo ORDER BY gtin14 LIMIT :n)`,
    ),
    keyBound: db.prepare<{ lo: string; n: number }, { b: string }>(
      `SELECT max(name_brand_key) AS b FROM (SELECT name_brand_key FROM ${st} WHERE gtin14 IS NULL AND name_brand_key > :lo ORDER BY name_brand_key LIMIT :n)`,
    ),
    // Products first: over a range, only the few this import wrote while reading carry its mark (a probe into
    // products per staged row cost 2 µs a row of a shuffled million-row file).
    gtinSeen: db.prepare<{ lo: string; hi: string; imp: number }, { row: number; dupOf: number }>(
      `SELECT s.row, q.seen_row AS dupOf FROM products q CROSS JOIN ${st} s
       WHERE q.gtin14 > :lo AND q.gtin14 <= :hi AND q.seen_import_id = :imp
         AND s.gtin14 IS NOT NULL AND s.gtin14 = q.gtin14 AND s.dup_of IS NULL ORDER BY s.row`,
    ),
    // Every product a staged barcode row names is marked seen by this import at that row, changed or not, as rows
    // written while reading mark theirs: the supplier's offers are then read from products alone (joining a million
    // staged rows to products again for them cost ~1 s), and a list's products are those it named.
    gtinUpsert: db.prepare(
      `INSERT INTO products (${INSERT_COLS}, seen_import_id, seen_row)
       SELECT ${SELECT_STAGED(':imp')}, :imp, s.row FROM ${st} s WHERE ${gtinRange} ORDER BY s.gtin14
       ON CONFLICT (gtin14) WHERE gtin14 IS NOT NULL DO UPDATE SET ${seenSetFrom('excluded')}
       WHERE ${notSeen('products')}`,
    ),
    maxId: db.prepare('SELECT coalesce(max(id), 0) FROM products').pluck(),
    totalChanges: db.prepare('SELECT total_changes()').pluck(),
    countFrom: db.prepare('SELECT count(*) FROM products WHERE id > ?').pluck(),
    keyFirsts: db.prepare(`SELECT count(*) FROM ${st} s WHERE ${keyRange}`).pluck(),
    keyRemember: db.prepare(
      `INSERT INTO import_changes (import_id, product_id, before) SELECT :imp, p.id, ${snapshotOf('p')}
       FROM ${st} s JOIN products p ON ${keyMatch} WHERE ${keyRange} AND (${differs('s', 'p')})
       ON CONFLICT DO NOTHING`,
    ),
    keyUpdate: db.prepare(
      `UPDATE products SET ${SET_FROM('s')}
       FROM (SELECT s.*, (SELECT min(id) FROM products WHERE name_brand_key = s.name_brand_key AND gtin14 IS NULL) AS pid FROM ${st} s WHERE ${keyRange}) AS s
       WHERE products.id = s.pid AND (${differs('s', 'products')})`,
    ),
    keyInsert: db.prepare(
      `INSERT INTO products (${INSERT_COLS}) SELECT ${SELECT_STAGED(':imp')} FROM ${st} s
       WHERE ${keyRange} AND NOT EXISTS (SELECT 1 FROM products p WHERE p.name_brand_key = s.name_brand_key AND p.gtin14 IS NULL) ORDER BY s.name_brand_key`,
    ),
  };

  return {
    /** Upper bound of the next range of up to `n` staged barcode (or key) rows after `lo`; null when none are left. */
    nextBound(part: 'gtin' | 'key', lo: string, n: number): string | null {
      return (part === 'gtin' ? stmt.gtinBound : stmt.keyBound).get({ lo, n })?.b ?? null;
    },
    /**
     * Staged barcode rows in (lo, hi] meeting a product this import already wrote while reading, with the row that
     * wrote it: duplicates — or the row itself, when an earlier attempt staged it and the next one wrote it.
     */
    seenRows(importId: number, lo: string, hi: string): { row: number; dupOf: number }[] {
      return stmt.gtinSeen.all({ lo, hi, imp: importId });
    },
    /** Merges the staged rows in (lo, hi] of one part into products. */
    mergeRange(part: 'gtin' | 'key', importId: number, lo: string, hi: string, now: number): MergeCounts {
      const range = { lo, hi };
      const p = { ...range, imp: importId, now };
      // The counts come from the writes themselves: each product that differs is remembered once; the upsert writes
      // every row but those meeting a product marked seen (counted elsewhere), and what it created has new ids. (A
      // history row migration 020's trigger writes counts as a change too: the task counts updates again at the end.)
      if (part === 'gtin') {
        // Prior states are kept by the catalog writer's undo trigger, which the caller holds (see
        // createCatalogWriter.begin): each product the upsert changes writes one more change. Joining the range to
        // products to remember them first read every staged row twice — in a file in no order, a random page of
        // staging each time.
        const maxBefore = stmt.maxId.get() as number;
        const changesBefore = stmt.totalChanges.get() as number;
        const written = stmt.gtinUpsert.run(p).changes;
        const updated = (stmt.totalChanges.get() as number) - changesBefore - written;
        const created = written > 0 ? (stmt.countFrom.get(maxBefore) as number) : 0;
        return { created, updated, unchanged: written - created - updated };
      }
      const firsts = stmt.keyFirsts.get(range) as number;
      const updated = stmt.keyRemember.run(p).changes;
      stmt.keyUpdate.run(p);
      const created = stmt.keyInsert.run(p).changes;
      return { created, updated, unchanged: firsts - created - updated };
    },
  };
}
export type Merger = ReturnType<typeof createMerger>;
