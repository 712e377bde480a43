import { originOf } from './origin.ts';

/** The window never navigates away from the app: every navigation to another origin is denied. */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  return originOf(url) === appOrigin;
}

/**
 * Links the user may open in the system browser: `https:` only, no credentials, no odd hosts. Returns the normalized
 * URL, or null when it must not be opened.
 */
export function safeExternalUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 2048) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' || u.username || u.password || !u.hostname.includes('.')) return null;
  return u.toString();
}

/** Every permission request (camera, notifications from the page, geolocation…) is denied: the app needs none. */
export function isAllowedPermission(_permission: string): boolean {
  return false;
}
