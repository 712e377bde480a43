import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { dHash, MAX_INPUT_PIXELS } from './dhash.ts';
import { ImageError } from './fetch.ts';

// libvips' own cache and thread pool are for servers resizing the same images again and again; a worker that
// handles each image once keeps its memory flat without them.
sharp.cache(false);
sharp.concurrency(1);

/** Formats the decoder accepts, by magic bytes (never by the URL's extension or the server's word). */
const ACCEPTED = new Set(['jpg', 'png', 'webp', 'gif', 'avif', 'tif']);

/** Thumbnail sizes (longest side, px) stored beside every original. */
export const THUMB_SIZES = [800, 200] as const;

export interface StoredImage {
  sha256: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
  dhash: string;
}

/** Files of one image under the store: the original by content hash, and its thumbnails. */
export function imagePaths(root: string, sha256: string, format: string) {
  const dir = join(root, sha256.slice(0, 2));
  return {
    dir,
    original: join(dir, `${sha256}.${format}`),
    thumbs: Object.fromEntries(THUMB_SIZES.map((s) => [s, join(dir, `${sha256}-${s}.webp`)])) as Record<
      (typeof THUMB_SIZES)[number],
      string
    >,
  };
}

/**
 * Where files are written before they are renamed into place: one folder (on the store's own disk, so the rename is
 * atomic) that a sweep can read at once, instead of walking the whole store for what a dead writer left.
 */
export const partialDir = (root: string) => join(root, '.partial');

/**
 * Removes the temporaries of writers that are gone: a worker that ends mid-write (its owner died, the app was killed)
 * never renames or removes its own. Each name carries its writer's pid; a live writer's files are left to it.
 * Returns how many were removed.
 */
export async function sweepPartial(root: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(partialDir(root));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = Number(/\.(\d+)-[0-9a-f]+\.tmp$/.exec(name)?.[1]);
    if (pid && processAlive(pid)) continue;
    await rm(join(partialDir(root), name), { force: true });
    removed++;
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but is not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SHA-256 of the bytes, hex: the image's identity in the store. */
export function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Checks the bytes are an image, then stores the original, its 800 px and 200 px thumbnails (WebP, never enlarged,
 * turned upright by EXIF) and returns its facts with the perceptual hash. Files are written under temporary names
 * (in `partialDir`) and renamed, so a crash never leaves half an image under its final name.
 */
export async function storeImage(root: string, bytes: Buffer, sha256 = contentHash(bytes)): Promise<StoredImage> {
  const type = await fileTypeFromBuffer(bytes);
  if (!type)
    throw new ImageError(
      'not_image',
      `The file is not an image (its first bytes${looksLikeText(bytes) ? ' are text, e.g. an error page' : ' match no image format'}).`,
    );
  if (!ACCEPTED.has(type.ext))
    throw new ImageError(
      'unsupported_format',
      `${type.ext.toUpperCase()} images are not supported (JPEG, PNG, WebP, GIF, AVIF and TIFF are).`,
    );
  const image = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  let meta;
  try {
    meta = await image.metadata();
  } catch (err) {
    throw decodeError(err);
  }
  const paths = imagePaths(root, sha256, type.ext);
  await mkdir(paths.dir, { recursive: true });
  await mkdir(partialDir(root), { recursive: true });
  try {
    const upright = image.clone().rotate();
    const hash = await dHash(upright);
    await writeOnce(root, paths.original, () => Promise.resolve(bytes));
    for (const size of THUMB_SIZES) {
      await writeOnce(root, paths.thumbs[size], () =>
        upright
          .clone()
          .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 80, effort: 2 })
          .toBuffer(),
      );
    }
    const turned = (meta.orientation ?? 1) >= 5;
    return {
      sha256,
      format: type.ext,
      width: (turned ? meta.height : meta.width) ?? 0,
      height: (turned ? meta.width : meta.height) ?? 0,
      bytes: bytes.length,
      dhash: hash,
    };
  } catch (err) {
    if (err instanceof ImageError) throw err;
    throw decodeError(err);
  }
}

function decodeError(err: unknown): ImageError {
  const msg = (err as Error).message ?? String(err);
  if (/pixel limit/i.test(msg))
    return new ImageError('too_large', `The image has more than ${MAX_INPUT_PIXELS / 1e6} million pixels.`);
  return new ImageError('decode_failed', `The image cannot be decoded (${msg.split('\n')[0]}).`);
}

async function writeOnce(root: string, path: string, make: () => Promise<Buffer>): Promise<void> {
  if (await exists(path)) return;
  const tmp = join(partialDir(root), `${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, await make());
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function looksLikeText(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 512);
  return head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
}
