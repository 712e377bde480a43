/**
 * The origin of a URL as `scheme://host[:port]`, also for custom schemes (WHATWG gives `null` for `app:` outside a
 * browser that registered it). Null for unparseable URLs, URLs with credentials, and schemes without a host.
 */
export function originOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (!u.host || u.username || u.password) return null;
  return `${u.protocol}//${u.host.toLowerCase()}`;
}
