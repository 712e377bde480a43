// The local image store as the window sees it: `pallet-image://product/<id>` answers that product's first stored
// image (its WebP thumbnail), so thumbnails show under a CSP that allows no remote image. The window names a product,
// never a path: the file is found from the database, and anything else is a 404. Plain Node (the Electron protocol
// handler and the Chromium e2e harness both call it).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/open.ts';

// The thumbnail sizes and file layout of process.ts's imagePaths, restated: process.ts loads sharp, a native module
// the Electron main process has no business loading (a unit test holds the two layouts equal).
const THUMB_SIZES = [800, 200] as const;
/** Where the store keeps an image's thumbnail of `size` px (as process.ts `imagePaths(...).thumbs[size]`). */
export function thumbPath(root: string, sha256: string, size: (typeof THUMB_SIZES)[number]): string {
  return join(root, sha256.slice(0, 2), `${sha256}-${size}.webp`);
}

/** The image store of a data folder (the database's folder): the images job writes there and the window reads it. */
export function imageStoreDir(dataDir: string): string {
  return join(dataDir, 'images');
}

/** The custom scheme the window loads stored images from (registered privileged in main/electron/protocol.ts). */
export const IMAGE_SCHEME = 'pallet-image';
const HOST = 'product';

/** The address of a product's stored thumbnail; `size` 800 for the larger one the detail drawer shows. */
export function productImageUrl(productId: number, size: (typeof THUMB_SIZES)[number] = 200): string {
  return `${IMAGE_SCHEME}://${HOST}/${productId}${size === 200 ? '' : `?size=${size}`}`;
}

/** What a request maps to: a file of the store and its type, or null (answered 404). */
export interface ImageFile {
  path: string;
  contentType: string;
}

const SHA256 = /^[0-9a-f]{64}$/;
const FORMATS = new Set(['jpg', 'png', 'webp', 'gif', 'avif', 'tif']);

/** Maps a `pallet-image://product/<id>[?size=800]` address to its thumbnail file under `root`, or null. */
export function createImageResolver(deps: { db: () => Db; root: () => string }): (url: string) => ImageFile | null {
  let stmt: ReturnType<Db['prepare']> | null = null;
  return (url) => {
    const id = productIdOf(url);
    if (id === null) return null;
    const size = sizeOf(url);
    if (size === null) return null;
    stmt ??= deps.db().prepare(
      `SELECT pi.sha256 AS sha256, i.format AS format FROM product_images pi JOIN images i ON i.sha256 = pi.sha256
         WHERE pi.product_id = ? AND pi.status = 'done' ORDER BY pi.position LIMIT 1`,
    );
    const row = stmt.get(id) as { sha256: string; format: string } | undefined;
    // The row is the database's; still only a well-formed hash may name a file (a damaged row must not walk the disk).
    if (!row || !SHA256.test(row.sha256) || !FORMATS.has(row.format)) return null;
    return { path: thumbPath(deps.root(), row.sha256, size), contentType: 'image/webp' };
  };
}

/** The product id a request names, or null for any other shape (another scheme or host, a path, `..`, extra parts). */
export function productIdOf(url: string): number | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (
    u.protocol !== `${IMAGE_SCHEME}:` ||
    u.hostname.toLowerCase() !== HOST ||
    u.username ||
    u.password ||
    u.port ||
    u.hash
  )
    return null;
  const m = /^\/([1-9][0-9]{0,15})$/.exec(u.pathname);
  if (!m) return null;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) ? id : null;
}

function sizeOf(url: string): (typeof THUMB_SIZES)[number] | null {
  const q = new URL(url).searchParams;
  if ([...q.keys()].some((k) => k !== 'size')) return null;
  const s = q.get('size');
  if (s === null) return 200;
  return THUMB_SIZES.find((t) => String(t) === s) ?? null;
}

const notFound = () => new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });

/** Answers one request: the image with its type, or 404 (unknown product, no stored image, a file gone missing). */
export async function serveImage(url: string, resolve: (url: string) => ImageFile | null): Promise<Response> {
  let file: ImageFile | null;
  try {
    file = resolve(url);
  } catch {
    return notFound();
  }
  if (!file) return notFound();
  try {
    const body = await readFile(file.path);
    return new Response(new Uint8Array(body), {
      headers: {
        'content-type': file.contentType,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      },
    });
  } catch {
    return notFound();
  }
}
