import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The scheme and host the renderer is served from in the app. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'pallet';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Maps an `app://pallet/…` request to a file inside `root` (the built renderer), or null: another host, an encoded
 * or literal `..`, backslashes, NUL bytes or anything resolving outside the root is refused.
 */
export function resolveAppPath(requestUrl: string, root: string): string | null {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.hostname !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const abs = resolve(root, `.${path}`);
  const rel = relative(root, abs);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return null;
  return abs;
}

/** The Content-Security-Policy every app page is served with: no inline script, no remote anything. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // Images only from Pallet's own store (main/images/serve.ts): no remote address, no data: or blob: smuggling.
  'img-src pallet-image:',
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
