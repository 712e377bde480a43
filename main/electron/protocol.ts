import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { IMAGE_SCHEME, serveImage, type ImageFile } from '../images/serve.ts';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, resolveAppPath } from '../security/app-protocol.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Must run before the app is ready (Electron refuses it after): `app://` is a standard, secure scheme (origin, fetch,
 * CSP apply); `pallet-image://` is standard (its host parsed) and secure (no mixed-content block on the app's page).
 * Both in one call: Electron's docs say it can be called only once.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true } },
  ]);
}

/** Serves `pallet-image://product/<id>` from the local image store (after ready); the renderer never names a path. */
export function serveImages(resolve: (url: string) => ImageFile | null): void {
  protocol.handle(IMAGE_SCHEME, (request) => serveImage(request.url, resolve));
}

/** Serves the built renderer from `root` over `app://pallet/`, with the CSP header on every response. */
export function serveRenderer(root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const path = resolveAppPath(request.url, root);
    if (!path) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(path);
      return new Response(body, {
        headers: {
          'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
