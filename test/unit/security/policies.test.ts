import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, resolveAppPath } from '../../../main/security/app-protocol.ts';
import { isAllowedNavigation, isAllowedPermission, safeExternalUrl } from '../../../main/security/navigation.ts';
import { isTrustedSender } from '../../../main/security/sender.ts';

describe('sender policy', () => {
  it('trusts only the app origin in the main frame', () => {
    expect(isTrustedSender({ url: 'app://pallet/index.html', isMainFrame: true }, APP_ORIGIN)).toBe(true);
    expect(isTrustedSender({ url: 'app://pallet/index.html', isMainFrame: false }, APP_ORIGIN)).toBe(false);
    for (const url of [
      'https://evil.example/',
      'app://pallet.evil/x',
      'file:///etc/passwd',
      'about:blank',
      '',
      'not a url',
      'app://PALLET@evil/',
    ]) {
      expect(isTrustedSender({ url, isMainFrame: true }, APP_ORIGIN), url).toBe(false);
    }
  });
});

describe('navigation, external links, permissions', () => {
  it('denies navigation to any other origin', () => {
    expect(isAllowedNavigation('app://pallet/index.html#/jobs', APP_ORIGIN)).toBe(true);
    for (const url of [
      'https://example.com/',
      'file:///tmp/x.csv',
      'javascript:alert(1)',
      'data:text/html,hi',
      'garbage',
    ])
      expect(isAllowedNavigation(url, APP_ORIGIN), url).toBe(false);
  });

  it('opens only https links without credentials', () => {
    expect(safeExternalUrl('https://sellercentral.amazon.com/help')).toBe('https://sellercentral.amazon.com/help');
    for (const url of [
      'http://example.com',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user:pw@example.com/',
      'https://localhost/',
      'ms-settings:privacy',
      42,
      null,
      `https://x.com/${'a'.repeat(3000)}`,
    ]) {
      expect(safeExternalUrl(url), String(url).slice(0, 40)).toBeNull();
    }
  });

  it('denies every permission', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])
      expect(isAllowedPermission(p)).toBe(false);
  });
});

describe('app:// paths', () => {
  const root = '/opt/pallet/renderer';
  it('serves files inside the renderer folder', () => {
    expect(resolveAppPath('app://pallet/', root)).toBe('/opt/pallet/renderer/index.html');
    expect(resolveAppPath('app://pallet/assets/index-abc.js', root)).toBe('/opt/pallet/renderer/assets/index-abc.js');
    expect(resolveAppPath('app://pallet/index.html?x=1#y', root)).toBe('/opt/pallet/renderer/index.html');
  });

  it('never resolves outside the root, and refuses encoded traversal, other hosts and odd bytes', () => {
    // Literal and %2e dot segments are resolved by the URL parser itself: they stay inside the root.
    for (const url of [
      'app://pallet/../../secrets.json',
      'app://pallet/%2e%2e/%2e%2e/etc/passwd',
      'app://pallet/a/./../b.js',
    ]) {
      const r = resolveAppPath(url, root);
      expect(r === null || r.startsWith(`${root}/`), url).toBe(true);
    }
    for (const url of [
      'app://pallet/assets/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      'app://pallet/..%2f..%2fetc%2fpasswd',
      'app://pallet/..%5c..%5cwindows',
      'app://pallet/a%00.js',
      'app://evil/index.html',
      'https://pallet/index.html',
      'app://pallet/%E0%A4%A',
      'not a url',
    ]) {
      expect(resolveAppPath(url, root), url).toBeNull();
    }
  });

  it('serves pages with a CSP that allows no inline or remote script', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('lets images come from the local image store only', () => {
    const img = CONTENT_SECURITY_POLICY.split('; ').find((d) => d.startsWith('img-src'));
    expect(img).toBe('img-src pallet-image:');
    // The page's own meta policy says the same (both apply: the stricter of the two wins).
    const html = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8');
    expect(/img-src [^;"]*/.exec(html)?.[0]).toBe(img);
  });
});
