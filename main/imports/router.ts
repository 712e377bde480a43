import type { Db } from '../db/open.ts';
import { barcodeKey as keyOf, barcodeKeys, keyBarcode } from './barcode-keys.ts';
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
/**
 * The NEARth barcode after a given one (none near the index's end), read from the barcode index alone: SQLite steps
 * past the others without handing them over (a sixth of the cost of reading them all).
 */
export const NEAR_KEYS_SQL = `SELECT gtin14 FROM products WHERE gtin14 > ? ORDER BY gtin14 LIMIT 1 OFFSET ${NEAR - 1}`;
/**
 * The NEAR barcodes after a given one, read from the barcode index alone: a lane among the catalog's products it had
 * before the import looks for the row's own barcode among them.
 */
export const NEAR_LIST_SQL = `SELECT gtin14 FROM products WHERE gtin14 > ? ORDER BY gtin14 LIMIT ${NEAR}`;
// When most tries fail (rows in no order, or naming products the catalog has), stop looking up the index for a
// while: a lookup costs about as much as staging the row.
const PROBE_WINDOW = 512;
const PROBE_PAUSE_ROWS = 32_768;
// A filter of the barcodes staged by this import: a row may go in at once only if no earlier row with its barcode
// waits in staging (the file's first row wins, and the merge comes after). 2^24 bits, three probes: ~0.5% false
// positives at a million staged rows (a false positive only stages a row that could have gone in).
const FILTER_BITS = 1 << 24;

/** A Bloom filter of barcode keys: three probes, no false negatives. */
function keyFilter(bits: number) {
  const words = new Uint32Array(bits >>> 5);
  const mask = bits - 1;
  const at = new Int32Array(3);
  /** Three positions of key `k`: its two 32-bit halves mixed (no strings, no division but one). */
  const positions = (k: number) => {
    let h1 = Math.imul((k >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul((k / 4294967296) | 0, 0xc2b2ae35);
    h1 ^= h1 >>> 16;
    h1 = Math.imul(h1, 0x85ebca6b);
    h1 ^= h1 >>> 13;
    let h2 = Math.imul(h1, 0xc2b2ae35);
    h2 ^= h2 >>> 16;
    h2 |= 1;
    for (let i = 0; i < 3; i++) at[i] = (h1 + i * h2) & mask;
  };
  return {
    has(k: number): boolean {
      positions(k);
      for (let i = 0; i < 3; i++) if ((words[at[i]! >>> 5]! & (1 << (at[i]! & 31))) === 0) return false;
      return true;
    },
    add(k: number): void {
      positions(k);
      for (let i = 0; i < 3; i++) words[at[i]! >>> 5]! |= 1 << (at[i]! & 31);
    },
  };
}

interface Lane {
  /** The last barcode this lane wrote (or staged, for a lane just started). */
  last: number;
  /**
   * Fewer than NEAR catalog barcodes lay between `last` and this one when looked up: rows below it go in without a
   * lookup. Null for the index's end only.
   */
  bound: number | null;
  /**
   * The catalog's barcodes after `last` when looked up (up to NEAR, ascending), and the first not yet passed; only
   * for a lane below the catalog's end when the import started (past it, every product is a new one).
   */
  keys: Float64Array;
  at: number;
  /** When it was last used, for replacing the least used. */
  used: number;
}

const NONE = new Float64Array(0);

/**
 * Routes an import's barcoded rows: those that extend a lane (above all the catalog's end, for a file in barcode
 * order) go to the catalog writer at once; the rest are staged for the sorted merge. Only speed depends on the
 * choice: the writer upserts any row correctly; a row never goes in at once after an earlier row with its barcode
 * was staged. Lookups are cheapest inside the caller's write transaction (outside, each takes the database's read
 * locks: ~6 µs).
 */
export function createRowRouter(db: Db) {
  const stmt = {
    maxGtin: db.prepare(MAX_GTIN_SQL).pluck(),
    nearKey: db.prepare<[string], string | undefined>(NEAR_KEYS_SQL).pluck(),
    nearList: db.prepare<[string], string>(NEAR_LIST_SQL).pluck(),
  };
  const stagedKeys = keyFilter(FILTER_BITS);
  // The catalog's last barcode when the import started (-1: none). Past it, a row names no product the catalog had
  // (at most one this import or another running beside it wrote since: the writer upserts it, and finds a repeat of
  // this file's own row a duplicate as it writes it). NaN (a barcode no Pallet wrote): every lane looks.
  const initial = stmt.maxGtin.get() as string | null;
  const firstKey = initial === null ? -1 : keyOf(initial);
  // The index's end: the catalog's last barcode, or this import's when higher (its rows of this batch are not
  // written yet).
  const top: Lane = { last: -1, bound: null, keys: NONE, at: 0, used: 0 };
  const lanes: Lane[] = [top];
  let tick = 0;
  let tries = 0;
  let hits = 0;
  let pausedUntil = 0;
  let rows = 0;
  let directRows = 0;
  let stagedRows = 0;
  let allProbes = 0;

  /** Whether lane `l`'s last lookup found `k` in the catalog (rows of a lane climb: its keys are passed in order). */
  const listed = (l: Lane, k: number): boolean => {
    if (k > firstKey) return false;
    while (l.at < l.keys.length && l.keys[l.at]! < k) l.at++;
    return l.keys[l.at] === k;
  };

  /** The lane a row with barcode key `k` would extend: the one whose last barcode is the highest below `k`. */
  const laneFor = (k: number): Lane | null => {
    let best: Lane | null = null;
    for (const l of lanes) if (l.last < k && (best === null || l.last > best.last)) best = l;
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
   * Whether `k` can go in right after lane `l`'s last row, as a new product; moves the lane on when it can. A row
   * naming a product the catalog has is staged: the merge updates it, and the supplier's offer is read from the staged
   * row (an empty cell keeps the product's value, not what the list said).
   */
  const extend = (l: Lane, k: number): boolean => {
    if (l.bound !== null && k >= l.bound) {
      if (rows < pausedUntil) return false;
      // The bound is passed: look again from the lane's last row. Fewer than NEAR barcodes after it: the row goes in
      // among the index's last ones, and the next row of the lane looks again (rows landing there since count).
      allProbes++;
      let far: number | null;
      if (l.last < firstKey || Number.isNaN(firstKey)) {
        const keys = stmt.nearList.all(keyBarcode(l.last));
        l.keys = new Float64Array(keys.length);
        for (let i = 0; i < keys.length; i++) l.keys[i] = keyOf(keys[i]!);
        l.at = 0;
        far = keys.length === NEAR ? l.keys[NEAR - 1]! : null;
      } else {
        const g = stmt.nearKey.get(keyBarcode(l.last));
        far = g === undefined ? null : keyOf(g);
      }
      if (far !== null && !(far > k)) return tried(false);
      l.bound = far ?? k;
    }
    if (listed(l, k)) return tried(false);
    tried(true);
    wrote(k, l);
    l.last = k;
    l.used = ++tick;
    return true;
  };

  /**
   * A row written at `k` by lane `by`: another lane whose stretch holds `k` must look again before its next row (its
   * bound counted the barcodes there before this one). So no lane ever writes more than NEAR barcodes past its last.
   */
  const wrote = (k: number, by: Lane) => {
    for (const l of lanes) if (l !== by && l.bound !== null && l.last < k && k < l.bound) l.bound = l.last;
  };

  // The lane the last row extended, and the key below which the next rows extend it too without a look at the other
  // lanes: its bound, or the next lane's last row. Rows in there touch no other lane's stretch: the lane's first row
  // (written by `extend`) already made every lane whose stretch spans it look again.
  let cur: Lane | null = null;
  let limit = -1;
  const follow = (l: Lane) => {
    cur = l;
    limit = l.bound ?? top.last;
    for (const o of lanes) if (o !== l && o.last > l.last && o.last < limit) limit = o.last;
  };

  /** Starts a lane at a staged row, in place of the least used one (never the index's end). */
  const startLane = (k: number) => {
    cur = null;
    if (lanes.length < LANES) {
      lanes.push({ last: k, bound: k, keys: NONE, at: 0, used: ++tick });
      return;
    }
    let old: Lane | null = null;
    for (const l of lanes) if (l !== top && (old === null || l.used < old.used)) old = l;
    Object.assign(old!, { last: k, bound: k, keys: NONE, at: 0, used: ++tick });
  };

  return {
    /**
     * Splits barcoded rows (flat, in file order; `given`: their barcode keys, barcode-keys.ts) into those written at
     * once and those to stage. Rows split by earlier calls count as written or staged (the caller does either
     * before the next import's rows matter).
     */
    split(
      barcoded: readonly unknown[],
      given?: Float64Array,
    ): { append: readonly unknown[]; stage: readonly unknown[] } {
      const n = barcoded.length / ROW_WIDTH;
      // Keys the parsing thread computed, or made here (a caller without them, or with keys for other rows).
      const keys = given?.length === n ? given : barcodeKeys(barcoded);
      const maxGtin = stmt.maxGtin.get() as string | null;
      // A catalog whose last barcode is not one Pallet writes: nothing is past its end, every row takes a lane.
      const max = maxGtin === null ? -1 : keyOf(maxGtin);
      if (!(max <= top.last)) top.last = Number.isNaN(max) ? Infinity : max;
      // Most often (a file in barcode order) every row goes past the last: the chunk is appended as it came.
      let ascending = 0;
      let last = top.last;
      for (; ascending < n && keys[ascending]! > last; ascending++) last = keys[ascending]!;
      if (ascending >= n) {
        top.last = last;
        top.used = ++tick;
        rows += n;
        directRows += n;
        return { append: barcoded, stage: [] };
      }
      // Decided row by row first; copied only when the chunk is split (it goes in whole as often as not).
      const staged = new Uint8Array(n);
      let stagedHere = 0;
      for (let r = 0; r < n; r++) {
        rows++;
        const k = keys[r]!;
        // The lane of the previous row takes this one too (most often): only the staged filter and its keys to check.
        if (cur !== null && k > cur.last && k < limit && !stagedKeys.has(k) && !listed(cur, k)) {
          tried(true);
          cur.last = k;
          cur.used = ++tick;
          continue;
        }
        // Past the index's end a row always goes in at once: so every staged barcode lies below `top.last`, which
        // only grows, and no row past it can repeat one waiting in staging.
        if (k > top.last) {
          top.last = k;
          top.used = ++tick;
          continue;
        }
        cur = null;
        // NaN (not a GTIN-14) compares false everywhere: staged.
        if (!Number.isNaN(k) && !stagedKeys.has(k)) {
          // While lookups pause (rows in no order), a staged row starts no lane: lanes keep their stretches.
          const lane = laneFor(k);
          if (lane !== null && extend(lane, k)) {
            follow(lane);
            continue;
          }
          stagedKeys.add(k);
          if (rows >= pausedUntil) startLane(k);
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
      for (const g of gtins) stagedKeys.add(keyOf(g));
    },
  };
}
export type RowRouter = ReturnType<typeof createRowRouter>;
