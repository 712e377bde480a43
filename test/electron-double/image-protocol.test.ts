// The image scheme under the strict Electron double: main/electron/protocol.ts registers `pallet-image` privileged
// before ready and handles it after, and the window's <img> requests reach the store through it. Registering after
// ready, or handling before, is refused with Electron's own errors.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thumbPath } from '../../main/images/serve.ts';
import { bootMain, type MainDriver } from '../support/electron-double/boot.ts';

const ENTRY = new URL('../support/electron-double/fixtures/image-protocol-main.ts', import.meta.url).pathname;
const SHA = 'ab'.repeat(32);
const WEBP = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');

let dir: string;
const running: MainDriver[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pallet-image-protocol-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><p>pallet</p>');
  const thumb = thumbPath(join(dir, 'images'), SHA, 200);
  mkdirSync(join(thumb, '..'), { recursive: true });
  writeFileSync(thumb, WEBP);
  writeFileSync(join(dir, 'secret.txt'), 'not an image');
});
afterEach(async () => {
  for (const d of running.splice(0)) {
    d.kill();
    await d.exited;
    for (const x of [d.appData, d.home, d.resourcesPath]) rmSync(x, { recursive: true, force: true });
  }
  rmSync(dir, { recursive: true, force: true });
});

async function boot(order: 'right' | 'late' | 'early-handle'): Promise<MainDriver> {
  const d = await bootMain({
    entry: ENTRY,
    env: {
      PALLET_FIXTURE_ORDER: order,
      PALLET_FIXTURE_RENDERER: join(dir, 'renderer'),
      PALLET_FIXTURE_IMAGES: join(dir, 'images'),
      PALLET_FIXTURE_STORED: JSON.stringify({ '7': { sha256: SHA, format: 'png' } }),
    },
  });
  running.push(d);
  return d;
}

describe('pallet-image:// under the Electron double', () => {
  it('is privileged before ready, handled after, and serves a product’s stored thumbnail to the window', async () => {
    const d = await boot('right');
    const s = await d.waitFor((x) => x.windows[0]?.loaded === true);
    expect(s.uncaughtErrors).toEqual([]);
    expect(s.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
      { scheme: 'pallet-image', privileges: { standard: true, secure: true } },
    ]);
    expect(s.protocolHandlers.sort()).toEqual(['app', 'pallet-image']);
    const ok = await d.subresource('pallet-image://product/7');
    expect(ok).toMatchObject({ status: 200, contentType: 'image/webp' });
    expect(Buffer.from(ok.body, 'base64').equals(readFileSync(thumbPath(join(dir, 'images'), SHA, 200)))).toBe(true);
    for (const url of [
      'pallet-image://product/8',
      'pallet-image://product/../secret.txt',
      'pallet-image://product/%2e%2e%2fsecret.txt',
      `pallet-image://product/${encodeURIComponent(join(dir, 'secret.txt'))}`,
    ]) {
      const r = await d.subresource(url);
      expect(r.status, url).toBe(404);
      expect(Buffer.from(r.body, 'base64').toString(), url).not.toContain('not an image');
    }
    // A scheme nobody handles fails as Chromium fails it.
    await expect(d.subresource('pallet-other://product/7')).rejects.toThrow(/ERR_UNKNOWN_URL_SCHEME/);
  });

  it('refuses the schemes registered after ready (Electron’s error), so the app cannot ship that order', async () => {
    const d = await boot('late');
    const s = await d.waitFor((x) => x.uncaughtErrors.length > 0, 20_000);
    expect(s.uncaughtErrors[0]!.message).toBe(
      'protocol.registerSchemesAsPrivileged should be called before app is ready',
    );
    expect(s.privilegedSchemes).toEqual([]);
    expect(s.protocolHandlers).toEqual([]);
  });

  it('refuses protocol.handle before ready with the session TypeError', async () => {
    const d = await boot('early-handle');
    const s = await d.waitFor((x) => x.uncaughtErrors.length > 0, 20_000);
    expect(s.uncaughtErrors[0]!.message).toBe('Session can only be received when app is ready');
    expect(s.protocolHandlers).toEqual([]);
  });
});
