import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/open.ts';
import { hamming } from '../../../main/images/dhash.ts';
import {
  dismissDuplicate,
  findProbableDuplicates,
  listProbableDuplicates,
  MAX_IMAGE_DISTANCE,
  nameSimilarity,
  saveProbableDuplicates,
} from '../../../main/images/duplicates.ts';
import { tempDbPath } from '../../support/temp-db.ts';

describe('nameSimilarity', () => {
  it('is 1 for equal names, high for the same product written differently, low for others', () => {
    expect(nameSimilarity('acme widget', 'acme widget')).toBe(1);
    expect(nameSimilarity('acme widget blue 500ml', 'acme widget blue 500 ml')).toBeGreaterThan(0.8);
    expect(nameSimilarity('acme widget blue', 'garden hose 50 ft')).toBeLessThan(0.2);
  });
});

describe('hamming', () => {
  it('counts differing bits of two 64-bit hashes', () => {
    expect(hamming('0000000000000000', '0000000000000000')).toBe(0);
    expect(hamming('ffffffffffffffff', '0000000000000000')).toBe(64);
    expect(hamming('8000000000000001', '0000000000000000')).toBe(2);
  });
});

describe('findProbableDuplicates', () => {
  it('finds exactly the pairs a brute-force comparison finds, with the name and brand rules', () => {
    const tmp = tempDbPath();
    const db = openDatabase(tmp.path);
    try {
      // Random hashes, and near copies of some of them with 0–8 bits flipped (so some fall just outside the limit).
      let seed = 42;
      const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const hex = () => Array.from({ length: 16 }, () => Math.floor(rand() * 16).toString(16)).join('');
      const flip = (h: string, bits: number) => {
        let x = BigInt(`0x${h}`);
        const used = new Set<number>();
        while (used.size < bits) used.add(Math.floor(rand() * 64));
        for (const b of used) x ^= 1n << BigInt(b);
        return x.toString(16).padStart(16, '0');
      };
      const items: { id: number; name: string; brand: string | null; gtin: string | null; hash: string }[] = [];
      const names = ['acme widget blue', 'acme widget blue 500 ml', 'garden hose', 'garden hose 50ft', 'lamp'];
      for (let i = 0; i < 400; i++) {
        const near = i > 0 && rand() < 0.5 ? items[Math.floor(rand() * items.length)]! : null;
        items.push({
          id: i + 1,
          name: names[Math.floor(rand() * names.length)]!,
          brand: rand() < 0.2 ? null : rand() < 0.5 ? 'Acme' : 'Globex',
          gtin: rand() < 0.1 ? String(10_000_000_000_000 + i) : null,
          hash: near ? flip(near.hash, Math.floor(rand() * 9)) : hex(),
        });
      }
      const now = 1;
      const insP = db.prepare(
        `INSERT INTO products (id, gtin14, name, brand, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 1)`,
      );
      const insI = db.prepare(
        `INSERT INTO images (sha256, format, width, height, bytes, dhash, created_at) VALUES (?, 'png', 1, 1, 1, ?, 1)`,
      );
      const insL = db.prepare(
        `INSERT INTO product_images (product_id, position, source, status, sha256, updated_at) VALUES (?, 0, ?, 'done', ?, 1)`,
      );
      db.transaction(() => {
        for (const it of items) {
          insP.run(it.id, it.gtin, it.name, it.brand);
          insI.run(`sha${it.id}`, it.hash);
          insL.run(it.id, `u${it.id}`, `sha${it.id}`);
        }
      })();

      const expected: string[] = [];
      for (const a of items) {
        for (const b of items) {
          if (b.id <= a.id || a.gtin || b.gtin) continue;
          if (hamming(a.hash, b.hash) > MAX_IMAGE_DISTANCE) continue;
          if (a.brand && b.brand && a.brand.toLowerCase() !== b.brand.toLowerCase()) continue;
          if (nameSimilarity(a.name, b.name) < 0.6) continue;
          expected.push(`${a.id}:${b.id}`);
        }
      }
      const found = findProbableDuplicates(db);
      expect(expected.length).toBeGreaterThan(20);
      expect(found.map((d) => `${d.aId}:${d.bId}`).sort()).toEqual(expected.sort());

      // Saved for the window; a dismissed pair never comes back.
      expect(saveProbableDuplicates(db, found, now)).toBe(found.length);
      const [first] = listProbableDuplicates(db);
      expect(dismissDuplicate(db, first!.bId, first!.aId, now)).toBe(true);
      expect(saveProbableDuplicates(db, findProbableDuplicates(db), now)).toBe(found.length - 1);
      expect(listProbableDuplicates(db).some((d) => d.aId === first!.aId && d.bId === first!.bId)).toBe(false);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});
