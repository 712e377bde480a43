// The images scenario of the crash-owner bench (issue 24): a supplier list whose products link photos on image hosts
// on 127.0.0.1, what the images task stored (rows, and the files behind them), and the files it left behind.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type Database from 'better-sqlite3';
import sharp from 'sharp';
import { syntheticUpc } from '../../main/bench/supplier-file.ts';
import { imagePaths, THUMB_SIZES } from '../../main/images/process.ts';
import { startImageServer, type ImageServer } from '../support/image-server.ts';
import { photo } from '../support/images.ts';

const HOSTS = 3;

/** The image hosts and the list that links them. */
export interface ImageHosts {
  /** The supplier list (CSV) whose products link the hosts' images. */
  list: string;
  /** Distinct addresses the list links. */
  addresses: number;
  /** Requests so far per address (full URL), over every host. */
  hits(): Map<string, number>;
  close(): Promise<void>;
}

/**
 * Serves `images` distinct 800×600 JPEGs from three hosts on 127.0.0.1 and writes a list of products linking them:
 * most with a barcode and one image, every fifth with a second image, every seventh sharing its neighbour's address
 * (one download for both), every tenth without a barcode (so probable duplicates are searched), and two dead links.
 */
export async function startImageHosts(dir: string, images: number): Promise<ImageHosts> {
  // A few base shots re-coloured per image: distinct bytes without drawing each one.
  const bases = await Promise.all(Array.from({ length: 6 }, (_, i) => photo(i + 1, 'png', 800, 600)));
  const files: Record<string, { bytes: Buffer; type: string }>[] = Array.from({ length: HOSTS }, () => ({}));
  for (let i = 0; i < images; i++) {
    const jpeg = await sharp(bases[i % bases.length]!)
      .modulate({ hue: (i * 7) % 360, brightness: 0.9 + (i % 20) / 100 })
      .jpeg({ quality: 85 })
      .toBuffer();
    files[i % HOSTS]![`/p/${i}.jpg`] = { bytes: jpeg, type: 'image/jpeg' };
  }
  const servers: ImageServer[] = [];
  for (const f of files) servers.push(await startImageServer(f));
  const url = (i: number) => servers[i % HOSTS]!.url(`/p/${i}.jpg`);

  const rows: string[] = ['UPC,SKU,Name,Brand,Cost,Image URL'];
  let next = 0;
  for (let n = 0; next < images; n++) {
    const cell: string[] = [];
    if (n % 7 === 6 && next > 0) cell.push(url(next - 1));
    else cell.push(url(next++));
    if (n % 5 === 4 && next < images) cell.push(url(next++));
    if (n === 3 || n === 17) cell.push(servers[n % HOSTS]!.url(`/gone/${n}.jpg`));
    const upc = n % 10 === 9 ? '' : syntheticUpc(n);
    rows.push(`${upc},IMG-${n},Photo product ${n},Brand ${n % 4},${(n % 30) + 1}.25,"${cell.join(' | ')}"`);
  }
  const list = join(dir, 'images.csv');
  writeFileSync(list, `${rows.join('\n')}\n`);
  return {
    list,
    addresses: images + 2,
    hits: () => {
      const all = new Map<string, number>();
      for (const s of servers) for (const [path, n] of s.hits) all.set(s.url(path), n);
      return all;
    },
    close: async () => void (await Promise.all(servers.map((s) => s.close()))),
  };
}

/** Where the images task keeps its files for the database at `dbPath` (`<dataDir>/images`). */
const storeRoot = (dbPath: string) => join(dirname(dbPath), 'images');

/** The files every stored image should have: its original and its thumbnails. */
function expectedFiles(db: Database.Database, root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const r of db.prepare('SELECT sha256, format FROM images').all() as { sha256: string; format: string }[]) {
    const p = imagePaths(root, r.sha256, r.format);
    files.set(p.original, `${r.sha256}:original`);
    for (const size of THUMB_SIZES) files.set(p.thumbs[size], `${r.sha256}:${size}`);
  }
  return files;
}

/**
 * Feeds what the images task stored into `hash`: each product's image rows (by what identifies the product, without
 * times), the stored images' facts, the bytes of every file behind them, and the probable duplicates found.
 */
export function digestImages(db: Database.Database, dbPath: string, hash: ReturnType<typeof createHash>): void {
  hash.update('|product_images|');
  for (const row of db
    .prepare(
      `SELECT p.gtin14, p.sku, p.name, pi.position, pi.source, pi.status, pi.attempts, pi.error_code, pi.error, pi.sha256
       FROM product_images pi JOIN products p ON p.id = pi.product_id ORDER BY p.gtin14, p.sku, p.name, p.brand, pi.position`,
    )
    .raw(true)
    .iterate())
    hash.update(JSON.stringify(row));
  hash.update('|images|');
  for (const row of db
    .prepare('SELECT sha256, format, width, height, bytes, dhash FROM images ORDER BY sha256')
    .raw(true)
    .iterate())
    hash.update(JSON.stringify(row));
  // The files' bytes, by what they are (not where): a half-written or missing file is a difference.
  const files = [...expectedFiles(db, storeRoot(dbPath))].sort((a, b) => (a[1] < b[1] ? -1 : 1));
  for (const [path, what] of files)
    hash.update(`${what}=${existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : '-'}`);
  hash.update('|image_duplicates|');
  for (const row of db
    .prepare(
      `SELECT a.sku, b.sku, d.distance, d.similarity, d.dismissed_at IS NULL FROM image_duplicates d
       JOIN products a ON a.id = d.a_id JOIN products b ON b.id = d.b_id ORDER BY a.sku, b.sku`,
    )
    .raw(true)
    .iterate())
    hash.update(JSON.stringify(row));
}

/** Files in the image store that no stored image owns (leftover temporaries included), plus owned files missing. */
export function orphanedImageFiles(db: Database.Database, dbPath: string): { count: number; examples: string[] } {
  const root = storeRoot(dbPath);
  const expected = expectedFiles(db, root);
  const found = new Set<string>();
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else found.add(path);
    }
  };
  walk(root);
  const extra = [...found].filter((f) => !expected.has(f));
  const missing = [...expected.keys()].filter((f) => !found.has(f));
  return {
    count: extra.length + missing.length,
    examples: [
      ...extra.map((f) => `unowned ${relative(root, f)}`),
      ...missing.map((f) => `missing ${relative(root, f)}`),
    ],
  };
}

/** Addresses whose outcome is stored (an image, or a final failure): a resumed run must not download them again. */
export function settledSources(db: Database.Database): Set<string> {
  return new Set(
    db
      .prepare("SELECT DISTINCT source FROM product_images WHERE status = 'done' OR status = 'failed'")
      .pluck()
      .all() as string[],
  );
}

/** How many times each product image was recorded (its attempts), by product SKU and position. */
export function imageAttempts(db: Database.Database): Map<string, number> {
  const rows = db
    .prepare('SELECT p.sku, pi.position, pi.attempts FROM product_images pi JOIN products p ON p.id = pi.product_id')
    .all() as { sku: string; position: number; attempts: number }[];
  return new Map(rows.map((r) => [`${r.sku}#${r.position}`, r.attempts]));
}

/** Product images not settled (pending, or waiting for a retry). */
export function unsettledImages(db: Database.Database): number {
  return db
    .prepare("SELECT count(*) FROM product_images WHERE status = 'pending' OR status = 'retry'")
    .pluck()
    .get() as number;
}
