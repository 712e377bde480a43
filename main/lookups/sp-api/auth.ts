import { z } from 'zod';
import { ProviderError } from '../provider.ts';
import { request } from '../http.ts';

/** An SP-API application's Login-with-Amazon credentials, from the secrets port; never logged or sent to the window. */
export interface SpApiCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });

/** Exchanges the refresh token for an access token, cached until five minutes before its hour runs out. */
export function createLwaAuth(opts: {
  credentials: SpApiCredentials;
  tokenUrl?: string;
  now?: () => number;
  timeoutMs?: number;
}) {
  const now = opts.now ?? Date.now;
  let cached: { token: string; expiresAt: number } | null = null;
  let pending: Promise<string> | null = null;

  async function exchange(signal?: AbortSignal): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: opts.credentials.refreshToken,
      client_id: opts.credentials.clientId,
      client_secret: opts.credentials.clientSecret,
    });
    const res = await request(opts.tokenUrl ?? LWA_TOKEN_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body,
      timeoutMs: opts.timeoutMs ?? 30_000,
      signal,
    });
    if (res.status === 400 || res.status === 401) {
      // The body may echo parts of the request; only its error code is kept.
      const code = /"error"\s*:\s*"([a-z_]+)"/.exec(res.text)?.[1] ?? `http_${res.status}`;
      throw new ProviderError(
        'auth_rejected',
        `Amazon refused the SP-API credentials (${code}). Check the client id, secret and refresh token in Settings.`,
        false,
      );
    }
    if (res.status >= 300)
      throw new ProviderError('auth_failed', `The Login with Amazon token service answered HTTP ${res.status}.`);
    let parsed;
    try {
      parsed = tokenSchema.parse(JSON.parse(res.text));
    } catch {
      throw new ProviderError(
        'auth_malformed',
        'The Login with Amazon token service sent an answer Pallet cannot read.',
      );
    }
    cached = { token: parsed.access_token, expiresAt: now() + (parsed.expires_in - 300) * 1000 };
    return parsed.access_token;
  }

  return {
    /** A valid access token; one exchange at a time however many callers ask. */
    async token(signal?: AbortSignal): Promise<string> {
      if (cached && now() < cached.expiresAt) return cached.token;
      pending ??= exchange(signal).finally(() => (pending = null));
      return pending;
    },
    /** Forgets the cached token (after Amazon said it expired). */
    invalidate(): void {
      cached = null;
    },
  };
}
export type LwaAuth = ReturnType<typeof createLwaAuth>;
