import { open } from 'node:fs/promises';
import { isOfflineError } from '../lookups/http.ts';
import { TaskError } from '../workers/runtime/task.ts';
import type { ImageSource } from './sources.ts';

/** Why one image could not be had; `retryable` ones are tried again later, the rest stay failed until the URL changes. */
export class ImageError extends TaskError {
  override name = 'ImageError';
}

/** The connection itself failed (refused, DNS, unreachable): either this host is down or the whole network is. */
export class ConnectionError extends Error {
  constructor(
    readonly host: string,
    cause: unknown,
  ) {
    super(`Cannot reach ${host}.`, { cause });
    this.name = 'ConnectionError';
  }
}

export interface FetchLimits {
  /** Largest image accepted, in bytes. */
  maxBytes: number;
  /** Whole request, headers and body, per image. */
  timeoutMs: number;
  maxRedirects: number;
}

export const DEFAULT_LIMITS: FetchLimits = { maxBytes: 20 * 1024 * 1024, timeoutMs: 30_000, maxRedirects: 5 };

// Servers label images loosely; these are refused outright because they are what error pages come as.
const NOT_IMAGE = /^(?:text\/|application\/(?:json|xml|xhtml|javascript|pdf|zip))/i;

/** Reads the bytes of one image source within the limits; the magic bytes are checked later, by the decoder. */
export async function fetchImage(source: ImageSource, limits: FetchLimits, signal: AbortSignal): Promise<Buffer> {
  if (source.kind === 'invalid') throw new ImageError('bad_source', source.reason);
  return source.kind === 'file' ? readLocal(source.ref, limits) : readHttp(source.ref, limits, signal);
}

async function readLocal(path: string, limits: FetchLimits): Promise<Buffer> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ImageError('file_missing', `No file at ${path}.`);
    if (code === 'EACCES' || code === 'EPERM') throw new ImageError('file_denied', `Pallet may not read ${path}.`);
    if (code === 'EISDIR') throw new ImageError('file_missing', `${path} is a folder, not an image.`);
    throw err;
  }
  try {
    const { size, isFile } = await file.stat().then((s) => ({ size: s.size, isFile: s.isFile() }));
    if (!isFile) throw new ImageError('file_missing', `${path} is not a regular file.`);
    if (size > limits.maxBytes) throw tooLarge(size, limits);
    if (size === 0) throw new ImageError('empty', `${path} is empty.`);
    return await file.readFile();
  } finally {
    await file.close();
  }
}

async function readHttp(first: string, limits: FetchLimits, signal: AbortSignal): Promise<Buffer> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  let url = first;
  try {
    for (let hop = 0; ; hop++) {
      let res: Response;
      try {
        res = await fetch(url, {
          redirect: 'manual',
          signal: both,
          headers: { accept: 'image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8' },
        });
      } catch (err) {
        if (isOfflineError(err)) throw new ConnectionError(new URL(url).host, err);
        throw err;
      }
      if (res.status >= 300 && res.status < 400 && res.headers.has('location')) {
        await res.body?.cancel();
        if (hop >= limits.maxRedirects)
          throw new ImageError('too_many_redirects', `${first} redirects more than ${limits.maxRedirects} times.`);
        const next = new URL(res.headers.get('location')!, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:')
          throw new ImageError('bad_redirect', `${first} redirects to a ${next.protocol} address.`);
        url = next.href;
        continue;
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
        throw new ImageError(
          `http_${res.status}`,
          `${url} answered HTTP ${res.status}${retryable ? '' : ' (not found or not allowed)'}.`,
          retryable,
        );
      }
      const type = res.headers.get('content-type') ?? '';
      if (NOT_IMAGE.test(type)) {
        await res.body?.cancel();
        throw new ImageError('not_image', `${url} is not an image (the server sent ${type.split(';')[0]}).`);
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > limits.maxBytes) {
        await res.body?.cancel();
        throw tooLarge(declared, limits);
      }
      return await readCapped(res, limits);
    }
  } catch (err) {
    if (signal.aborted) throw err;
    if (timeout.aborted)
      throw new ImageError('timeout', `${first} did not arrive within ${limits.timeoutMs / 1000} s.`, true);
    throw err;
  }
}

// Counts bytes as they arrive: a server that lies about (or omits) its length still stops at the limit.
async function readCapped(res: Response, limits: FetchLimits): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limits.maxBytes) {
      await reader.cancel();
      throw tooLarge(size, limits, true);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(size: number, limits: FetchLimits, partial = false): ImageError {
  const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
  return new ImageError(
    'too_large',
    `The image is ${partial ? 'over ' : ''}${mib(size)}; the limit is ${mib(limits.maxBytes)}.`,
  );
}

/** True when any answer at all comes back from the probe address: the network is up, whatever one host does. */
export async function probeOnline(url: string, timeoutMs = 5000): Promise<boolean> {
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
