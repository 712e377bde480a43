// The `pallet-image://` handler: a product id maps to that product's stored thumbnail, with its content type; any
// other address — a path, a traversal, another host or scheme, a malformed id — is a 404 and reads no file.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/open.ts';
import { imagePaths, storeImage, THUMB_SIZES } from '../../../main/images/process.ts';
import {
  createImageResolver,
  productIdOf,
  productImageUrl,
  serveImage,
  thumbPath,
} from '../../../main/images/serve.ts';
import { photo } from '../../support/images.ts';
import { tempDbPath } from '../../support/temp-db.ts';

let tmp: ReturnType<typeof tempDbPath>;
let db: Db;
let root: string;
beforeEach(() => {
  tmp = tempDbPath();
  db = openDatabase(tmp.path);
  root = join(tmp.dir, 'images');
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

function product(id: number): void {
  db.prepare('INSERT INTO products (id, name, created_at, updated_at) VALUES (?, ?, 0, 0)').run(id, `P${id}`);
}
function image(productId: number, sha256: string, format: string, status = 'done', position = 0): void {
  db.prepare(
    'INSERT OR IGNORE INTO images (sha256, format, width, height, bytes, dhash, created_at) VALUES (?, ?, 1, 1, 1, ?, 0)',
  ).run(sha256, format, '0'.repeat(16));
  db.prepare(
    'INSERT INTO product_images (product_id, position, source, status, sha256, updated_at) VALUES (?, ?, ?, ?, ?, 0)',
  ).run(productId, position, `https://img.example/${productId}-${position}.png`, status, sha256);
}
const resolver = () => createImageResolver({ db: () => db, root: () => root });
const serve = (url: string) => serveImage(url, resolver());

describe('pallet-image:// handler', () => {
  it('answers a product id with its stored thumbnail (200 or 800 px) as image/webp', async () => {
    product(7);
    const stored = await storeImage(root, await photo(7, 'png', 1200, 900));
    image(7, stored.sha256, stored.format);
    const res = await serve(productImageUrl(7));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const paths = imagePaths(root, stored.sha256, stored.format);
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(paths.thumbs[200]))).toBe(true);
    const large = await serve(productImageUrl(7, 800));
    expect(large.status).toBe(200);
    expect(Buffer.from(await large.arrayBuffer()).equals(readFileSync(paths.thumbs[800]))).toBe(true);
  });

  it('finds files where the images pipeline writes them', () => {
    const sha = 'ab'.repeat(32);
    for (const size of THUMB_SIZES) expect(thumbPath(root, sha, size)).toBe(imagePaths(root, sha, 'png').thumbs[size]);
  });

  it('is a 404 for a product with no stored image, one still pending, an unknown id, and a file gone missing', async () => {
    product(1);
    product(2);
    product(3);
    image(2, 'cd'.repeat(32), 'png', 'pending');
    const stored = await storeImage(root, await photo(3));
    image(3, stored.sha256, stored.format);
    rmSync(imagePaths(root, stored.sha256, stored.format).thumbs[200]);
    for (const id of [1, 2, 3, 99]) {
      const res = await serve(productImageUrl(id));
      expect(res.status, `product ${id}`).toBe(404);
    }
  });

  it('refuses malformed ids, other hosts and schemes, extra parts and queries', async () => {
    product(1);
    const stored = await storeImage(root, await photo(1));
    image(1, stored.sha256, stored.format);
    expect((await serve('pallet-image://product/1')).status).toBe(200);
    for (const url of [
      'pallet-image://product/0',
      'pallet-image://product/-1',
      'pallet-image://product/1.5',
      'pallet-image://product/01',
      'pallet-image://product/abc',
      'pallet-image://product/1/2',
      'pallet-image://product/',
      'pallet-image://product/99999999999999999999',
      'pallet-image://product/1?size=300',
      'pallet-image://product/1?size=200&x=1',
      'pallet-image://product/1#frag',
      'pallet-image://user:pw@product/1',
      'pallet-image://product:8080/1',
      'pallet-image://other/1',
      'pallet-image://1',
      'app://product/1',
      'file:///product/1',
      'https://product/1',
      'not a url',
      '',
    ]) {
      expect((await serve(url)).status, url).toBe(404);
    }
  });

  it('refuses traversal attempts, encoded or not, and never reads outside the store', async () => {
    product(1);
    const stored = await storeImage(root, await photo(1));
    image(1, stored.sha256, stored.format);
    const secret = tmp.file('secret.txt', 'do not serve');
    for (const url of [
      'pallet-image://product/../secret.txt',
      'pallet-image://product/..%2Fsecret.txt',
      'pallet-image://product/%2e%2e/%2e%2e/secret.txt',
      'pallet-image://product/1/../../secret.txt',
      'pallet-image://product/1%2F..%2F..%2Fsecret.txt',
      'pallet-image://product/1\\..\\..\\secret.txt',
      `pallet-image://product/${encodeURIComponent(secret)}`,
      'pallet-image://product/1%00',
    ]) {
      const res = await serve(url);
      expect(res.status, url).toBe(404);
      expect(await res.text(), url).not.toContain('do not serve');
    }
  });

  it('a damaged database row cannot name a file outside the store', async () => {
    product(5);
    const outside = tmp.file('outside-200.webp', 'not for the window');
    // A hash that is not a hash (a hand edit, a damaged row): refused before any path is built.
    db.pragma('foreign_keys = OFF');
    image(5, '../outside', 'webp');
    const res = await serve(productImageUrl(5));
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('not for the window');
    expect(outside.startsWith(root)).toBe(false);
  });

  it('reads the product id from a well-formed address only', () => {
    expect(productIdOf('pallet-image://product/42')).toBe(42);
    expect(productIdOf('PALLET-IMAGE://PRODUCT/42')).toBe(42);
    for (const url of ['pallet-image://product/42/x', 'pallet-image://product/4%32', 'pallet-image://x/42'])
      expect(productIdOf(url), url).toBeNull();
  });

  it('a database that is not open yet answers 404, not an exception', async () => {
    const early = createImageResolver({
      db: () => {
        throw new Error('not started yet');
      },
      root: () => root,
    });
    expect((await serveImage(productImageUrl(1), early)).status).toBe(404);
  });
});
