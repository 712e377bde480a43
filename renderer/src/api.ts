// The only module that touches window.pallet: everything else imports `api` (or `useApi()`) from here.
import { createContext, useContext } from 'react';
import type { AppApi, Result } from '../../preload/contract/channels.ts';

declare global {
  interface Window {
    pallet?: AppApi;
  }
}

/** The bridge; missing only if the page runs outside Pallet (then every call fails clearly). */
export const api: AppApi | null = window.pallet ?? null;

/** Unwraps a Result, throwing its message for the caller's error state. */
export async function call<T>(p: Promise<Result<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** The bridge for components; tests provide a typed fake through ApiContext. */
export const ApiContext = createContext<AppApi | null>(api);

/** The API of the nearest ApiContext (the real bridge in the app). */
export function useApi(): AppApi {
  const a = useContext(ApiContext);
  if (!a) throw new Error('No Pallet API: this page runs outside the app.');
  return a;
}
