import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread from its TypeScript entry (through tsx, in development and tests) or from its bundle
 * (`dist/node/<bundle>.js`, beside the built main). It starts unreferenced, but Node references it again as soon as a
 * 'message' listener is added (the reader and checkpoint threads add one): such a thread holds the process until closed.
 */
export function startThread(tsEntry: URL, bundle: string, data: Record<string, unknown>): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = fromSource ? new URL('./ts-thread.mjs', import.meta.url) : new URL(`./${bundle}.js`, import.meta.url);
  const workerData = fromSource ? { ...data, entry: tsEntry.href } : data;
  const worker = new Worker(fileURLToPath(file), { workerData });
  worker.unref();
  return worker;
}
