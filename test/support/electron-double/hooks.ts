// Module hooks (run on Node's loader thread): `electron` resolves to the double, and the entry module gets a trailing
// call that tells the double its top-level code has run (auto mode emits 'ready' after that, as Electron does).
import type { LoadHook, ResolveHook } from 'node:module';

// Electron also answers to its process-specific entry points.
const ELECTRON_SPECIFIERS = new Set(['electron', 'electron/main', 'electron/common']);
let electronUrl = '';
let entryUrl = '';

/** Receives the double's module URL and the entry's URL from register.ts. */
export async function initialize(data: { electronUrl: string; entryUrl: string }): Promise<void> {
  electronUrl = data.electronUrl;
  entryUrl = data.entryUrl;
}

/** Maps the bare specifier `electron` (and `electron/main`, `electron/common`) to the double. */
export const resolve: ResolveHook = async (specifier, context, next) => {
  // Through the rest of the chain, so tsx sees (and compiles) the double's .ts file.
  if (ELECTRON_SPECIFIERS.has(specifier)) return next(electronUrl, context);
  return next(specifier, context);
};

/** Appends the "entry ran" signal to the entry module (after its top-level awaits, too). */
export const load: LoadHook = async (url, context, next) => {
  const result = await next(url, context);
  if (url === entryUrl && result.format === 'module' && result.source != null) {
    const source =
      typeof result.source === 'string' ? result.source : Buffer.from(result.source as Uint8Array).toString('utf8');
    return { ...result, source: `${source}\n;globalThis[Symbol.for('pallet.electron-double.entryDone')]?.();\n` };
  }
  return result;
};
