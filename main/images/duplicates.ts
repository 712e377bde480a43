import type { Db } from '../db/open.ts';
import { foldText } from '../catalog/keys.ts';
import { hamming } from './dhash.ts';

/** Most differing dHash bits for two images to count as the same picture (re-encoded, resized, lightly edited). */
export const MAX_IMAGE_DISTANCE = 6;
/** Least name similarity (Dice over character trigrams of the folded names) for two products to be one. */
export const MIN_NAME_SIMILARITY = 0.6;

export interface ProbableDuplicate {
  aId: number;
  bId: number;
  aName: string | null;
  bName: string | null;
  brand: string | null;
  distance: number;
  similarity: number;
}

interface Item {
  id: number;
  name: string;
  brand: string;
  hash: bigint;
  hex: string;
}

/** Dice coefficient over character trigrams: 1 for equal texts, near 0 for unrelated ones. */
export function nameSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const grams = (s: string) => {
    const padded = `  ${s} `;
    const m = new Map<string, number>();
    for (let i = 0; i + 3 <= padded.length; i++)
      m.set(padded.slice(i, i + 3), (m.get(padded.slice(i, i + 3)) ?? 0) + 1);
    return m;
  };
  const ga = grams(a);
  const gb = grams(b);
  let shared = 0;
  let total = 0;
  for (const [g, n] of ga) {
    shared += Math.min(n, gb.get(g) ?? 0);
    total += n;
  }
  for (const n of gb.values()) total += n;
  return total ? (2 * shared) / total : 0;
}

/**
 * Products without a barcode that are probably one product: an image of each within MAX_IMAGE_DISTANCE bits, names
 * at least MIN_NAME_SIMILARITY alike, and the same brand where both have one. Candidates come from a multi-index over
 * four 16-bit bands of the hash (any pair within 7 bits shares a band within 1 bit), so the search stays near linear.
 */
export function findProbableDuplicates(db: Db): ProbableDuplicate[] {
  const items: Item[] = db
    .prepare<[], { id: number; name: string | null; brand: string | null; dhash: string }>(
      `SELECT DISTINCT p.id, p.name, p.brand, im.dhash FROM products p
       JOIN product_images pi ON pi.product_id = p.id AND pi.status = 'done'
       JOIN images im ON im.sha256 = pi.sha256
       WHERE p.gtin14 IS NULL AND p.name IS NOT NULL`,
    )
    .all()
    .map((r) => ({
      id: r.id,
      name: foldText(r.name!),
      brand: r.brand ? foldText(r.brand) : '',
      hash: BigInt(`0x${r.dhash}`),
      hex: r.dhash,
    }));

  const bands = [
    new Map<number, Item[]>(),
    new Map<number, Item[]>(),
    new Map<number, Item[]>(),
    new Map<number, Item[]>(),
  ];
  const band = (h: bigint, b: number) => Number((h >> BigInt(b * 16)) & 0xffffn);
  for (const it of items) {
    bands.forEach((m, b) => {
      const list = m.get(band(it.hash, b));
      if (list) list.push(it);
      else m.set(band(it.hash, b), [it]);
    });
  }

  const best = new Map<string, ProbableDuplicate>();
  for (const it of items) {
    for (let b = 0; b < 4; b++) {
      const key = band(it.hash, b);
      for (let flip = -1; flip < 16; flip++) {
        for (const other of bands[b]!.get(flip < 0 ? key : key ^ (1 << flip)) ?? []) {
          if (other.id <= it.id) continue;
          const pairKey = `${it.id}:${other.id}`;
          if (best.has(pairKey)) continue;
          const distance = hamming(it.hex, other.hex);
          if (distance > MAX_IMAGE_DISTANCE) continue;
          if (it.brand && other.brand && it.brand !== other.brand) continue;
          const similarity = nameSimilarity(it.name, other.name);
          if (similarity < MIN_NAME_SIMILARITY) continue;
          best.set(pairKey, {
            aId: it.id,
            bId: other.id,
            aName: null,
            bName: null,
            brand: it.brand || other.brand || null,
            distance,
            similarity: Math.round(similarity * 1000) / 1000,
          });
        }
      }
    }
  }
  return [...best.values()].sort((x, y) => x.aId - y.aId || x.bId - y.bId);
}

/** Replaces the stored report with a fresh one; pairs the user dismissed stay dismissed and are not reported again. */
export function saveProbableDuplicates(db: Db, pairs: readonly ProbableDuplicate[], now: number): number {
  const dismissed = db
    .prepare<[number, number], number>(
      'SELECT 1 FROM image_duplicates WHERE a_id = ? AND b_id = ? AND dismissed_at IS NOT NULL',
    )
    .pluck();
  const insert = db.prepare(
    'INSERT OR IGNORE INTO image_duplicates (a_id, b_id, distance, similarity, found_at) VALUES (?, ?, ?, ?, ?)',
  );
  let kept = 0;
  db.transaction(() => {
    db.prepare('DELETE FROM image_duplicates WHERE dismissed_at IS NULL').run();
    for (const p of pairs) {
      if (dismissed.get(p.aId, p.bId)) continue;
      kept += insert.run(p.aId, p.bId, p.distance, p.similarity, now).changes;
    }
  })();
  return kept;
}

/** The stored report, with the products' names, for the CLI and the window. */
export function listProbableDuplicates(db: Db, limit = 1000): ProbableDuplicate[] {
  return db
    .prepare<[number], ProbableDuplicate>(
      `SELECT d.a_id AS aId, d.b_id AS bId, a.name AS aName, b.name AS bName, coalesce(a.brand, b.brand) AS brand, d.distance, d.similarity
       FROM image_duplicates d JOIN products a ON a.id = d.a_id JOIN products b ON b.id = d.b_id
       WHERE d.dismissed_at IS NULL ORDER BY d.distance, d.similarity DESC, d.a_id LIMIT ?`,
    )
    .all(limit);
}

/** Marks a reported pair as "not the same product" so it is never reported again. */
export function dismissDuplicate(db: Db, a: number, b: number, now: number): boolean {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return (
    db
      .prepare('UPDATE image_duplicates SET dismissed_at = ? WHERE a_id = ? AND b_id = ? AND dismissed_at IS NULL')
      .run(now, lo, hi).changes > 0
  );
}
