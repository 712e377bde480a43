import type { Db } from '../db/open.ts';
import { ROW_WIDTH } from './product-row.ts';

/** The catalog's last barcode. The condition lets the planner read the end of the (partial) barcode index. */
export const MAX_GTIN_SQL = 'SELECT max(gtin14) FROM products WHERE gtin14 IS NOT NULL';

// A lane is a run of the file's rows climbing through one stretch of the barcode index: each row goes in right after
// the lane's previous one, on the same index page or the next, so writing it at once touches pages a commit writes
// anyway. A row landing anywhere else in the index dirties a page of its own and every commit writes it out again
// (random rows written at once cost 6.5–36 s a million, measured): those are staged and merged in key order.
// A list sorted by something else than the barcode is often a few such runs interleaved (by brand, by category, by
// the supplier's item number), each climbing through its own stretch of codes.
const LANES = 8;
// At most this many catalog barcodes between a lane's last row and the next: about a page of the index.
const NEAR = 64;
/** The NEAR barcodes after a given one, read from the barcode index alone. */
export const NEAR_KEYS_SQL = `SELECT gtin14 FROM products WHERE gtin14 > ? ORDER BY gtin14 LIMIT ${NEAR}`;
// When most tries fail (rows in no order at all, or naming products the catalog has), stop looking up the index for a
// while: a lookup costs about as much as staging the row.
const PROBE_WINDOW = 512;
const PROBE_PAUSE_ROWS = 32_768;
// A filter of the barcodes staged by this import: a row may go in at once only if no earlier row with its barcode
// waits in staging (the file's first row wins, and the merge comes after). 2^24 bits, three probes: ~0.5% false
// positives at a million staged rows (a false positive only stages a row that could have gone in).
const FILTER_BITS = 1 << 24;

interface Lane {
  /** The last barcode this lane wrote (or staged, for a lane just started). */
  last: string;
  /**
   * Fewer than NEAR catalog barcodes lay between `last` and this one when looked up: rows below it go in without a
   * lookup. Null for the index's end only.
   */
  bound: string | null;
  /** The catalog's barcodes after `last` when looked up (up to NEAR, ascending), and the first not yet passed. */
  keys: string[];
  at: number;
  /** When it was last used, for replacing the least used. */
  used: number;
}

/**
 * Routes an import's barcoded rows: those that extend a lane (above all the catalog's end, for a file in barcode
 * order) go to the catalog writer at once; the rest are staged for the sorted merge. Only speed depends on the
 * choice: the writer upserts any row correctly; a row never goes in at once after an earlier row with its barcode
 * was staged.
 */
export function createRowRouter(db: Db) {
  const stmt = {
    maxGtin: db.prepare(MAX_GTIN_SQL).pluck(),
    nearKeys: db.prepare<[string], string>(NEAR_KEYS_SQL).pluck(),
  };
  const filter = new Uint32Array(FILTER_BITS >>> 5);
  // The index's end: the catalog's last barcode, or this import's when higher (its rows of this batch are not
  // written yet).
  const top: Lane = { last: '', bound: null, keys: [], at: 0, used: 0 };
  const lanes: Lane[] = [top];
  let tick = 0;
  let tries = 0;
  let hits = 0;
  let pausedUntil = 0;
  let rows = 0;
  let directRows = 0;
  let stagedRows = 0;
  let allProbes = 0;

  /** Three filter positions of a barcode: FNV-1a over its characters, then mixed (no substrings, no parsing). */
  const positions = (g: string, out: Int32Array) => {
    let h1 = 0x811c9dc5;
    for (let i = 0; i < g.length; i++) h1 = Math.imul(h1 ^ g.charCodeAt(i), 0x01000193);
    h1 ^= h1 >>> 16;
    h1 = Math.imul(h1, 0x85ebca6b);
    h1 ^= h1 >>> 13;
    let h2 = Math.imul(h1, 0xc2b2ae35);
    h2 ^= h2 >>> 16;
    h2 |= 1;
    for (let i = 0; i < 3; i++) out[i] = (h1 + i * h2) & (FILTER_BITS - 1);
  };
  const at = new Int32Array(3);
  const isStaged = (g: string) => {
    positions(g, at);
    for (let i = 0; i < 3; i++) if ((filter[at[i]! >>> 5]! & (1 << (at[i]! & 31))) === 0) return false;
    return true;
  };
  const markStaged = (g: string) => {
    positions(g, at);
    for (let i = 0; i < 3; i++) filter[at[i]! >>> 5]! |= 1 << (at[i]! & 31);
  };

  /** The lane a row with barcode `g` would extend: the one whose last barcode is the highest below `g`. */
  const laneFor = (g: string): Lane | null => {
    let best: Lane | null = null;
    for (const l of lanes) if (l.last < g && (best === null || l.last > best.last)) best = l;
    return best;
  };

  /** Counts a lane's try; when most of the last PROBE_WINDOW failed, lookups pause for PROBE_PAUSE_ROWS rows. */
  const tried = (ok: boolean): boolean => {
    tries++;
    if (ok) hits++;
    if (tries >= PROBE_WINDOW) {
      if (hits * 10 < tries) pausedUntil = rows + PROBE_PAUSE_ROWS;
      tries = hits = 0;
    }
    return ok;
  };

  /**
   * Whether `g` can go in right after lane `l`'s last row, as a new product; moves the lane on when it can. A row
   * naming a product the catalog has is staged: the merge updates it, and the supplier's offer is read from the staged
   * row (an empty cell keeps the product's value, not what the list said).
   */
  const extend = (l: Lane, g: string): boolean => {
    if (l.bound !== null && g >= l.bound) {
      if (rows < pausedUntil) return false;
      // The bound is passed: look again from the lane's last row. Fewer than NEAR barcodes after it: the row goes in
      // among the index's last ones, and the next row of the lane looks again (rows landing there since count).
      const keys = stmt.nearKeys.all(l.last) as string[];
      allProbes++;
      if (keys.length === NEAR && keys[NEAR - 1]! <= g) return tried(false);
      l.keys = keys;
      l.at = 0;
      l.bound = keys.length === NEAR ? keys[NEAR - 1]! : g;
    }
    while (l.at < l.keys.length && l.keys[l.at]! < g) l.at++;
    if (l.keys[l.at] === g) return tried(false);
    tried(true);
    wrote(g, l);
    l.last = g;
    l.used = ++tick;
    return true;
  };

  /**
   * A row written at `g` by lane `by`: another lane whose stretch holds `g` must look again before its next row (its
   * bound counted the barcodes there before this one). So no lane ever writes more than NEAR barcodes past its last.
   */
  const wrote = (g: string, by: Lane) => {
    for (const l of lanes) if (l !== by && l.bound !== null && l.last < g && g < l.bound) l.bound = l.last;
  };

  /** Starts a lane at a staged row, in place of the least used one (never the index's end). */
  const startLane = (g: string) => {
    if (lanes.length < LANES) {
      lanes.push({ last: g, bound: g, keys: [], at: 0, used: ++tick });
      return;
    }
    let old: Lane | null = null;
    for (const l of lanes) if (l !== top && (old === null || l.used < old.used)) old = l;
    Object.assign(old!, { last: g, bound: g, keys: [], at: 0, used: ++tick });
  };

  return {
    /**
     * Splits barcoded rows (flat, in file order) into those written at once and those to stage. Rows split by
     * earlier calls count as written or staged (the caller does either before the next import's rows matter).
     */
    split(barcoded: readonly unknown[]): { append: readonly unknown[]; stage: readonly unknown[] } {
      const max = (stmt.maxGtin.get() as string | null) ?? '';
      if (max > top.last) top.last = max;
      // Most often (a file in barcode order) every row goes past the last: the chunk is appended as it came.
      let ascending = 0;
      let last = top.last;
      for (; ascending < barcoded.length && (barcoded[ascending] as string) > last; ascending += ROW_WIDTH)
        last = barcoded[ascending] as string;
      if (ascending >= barcoded.length) {
        top.last = last;
        top.used = ++tick;
        rows += barcoded.length / ROW_WIDTH;
        directRows += barcoded.length / ROW_WIDTH;
        return { append: barcoded, stage: [] };
      }
      // Decided row by row first; copied only when the chunk is split (it goes in whole as often as not).
      const n = barcoded.length / ROW_WIDTH;
      const staged = new Uint8Array(n);
      let stagedHere = 0;
      for (let r = 0; r < n; r++) {
        rows++;
        const g = barcoded[r * ROW_WIDTH] as string;
        // Past the index's end a row always goes in at once: so every staged barcode lies below `top.last`, which
        // only grows, and no row past it can repeat one waiting in staging.
        if (g > top.last) {
          top.last = g;
          top.used = ++tick;
          continue;
        }
        if (!isStaged(g)) {
          // While lookups pause (rows in no order), a staged row starts no lane: lanes keep their stretches.
          const lane = laneFor(g);
          if (lane !== null && extend(lane, g)) continue;
          markStaged(g);
          if (rows >= pausedUntil) startLane(g);
        }
        staged[r] = 1;
        stagedHere++;
      }
      if (stagedHere === 0) {
        directRows += n;
        return { append: barcoded, stage: [] };
      }
      if (stagedHere === n) {
        stagedRows += n;
        return { append: [], stage: barcoded };
      }
      const append: unknown[] = [];
      const stage: unknown[] = [];
      for (let r = 0; r < n; r++) {
        const to = staged[r] === 1 ? stage : append;
        for (let i = 0, o = r * ROW_WIDTH; i < ROW_WIDTH; i++) to.push(barcoded[o + i]);
      }
      directRows += append.length / ROW_WIDTH;
      stagedRows += stage.length / ROW_WIDTH;
      return { append, stage };
    },
    /** What routing did so far: rows written at once and staged, and lookups of the index. */
    counts(): { direct: number; staged: number; probes: number } {
      return { direct: directRows, staged: stagedRows, probes: allProbes };
    },
    /** Notes barcodes staged before (an import resuming): their rows repeated later are staged too. */
    staged(gtins: Iterable<string>): void {
      for (const g of gtins) markStaged(g);
    },
  };
}
export type RowRouter = ReturnType<typeof createRowRouter>;
