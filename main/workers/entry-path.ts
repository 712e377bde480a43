import { fileURLToPath } from 'node:url';

/**
 * V8 limits for worker processes: a small young generation and a capped old space keep a million-row import under
 * 128 MiB resident (its live heap is ~30 MiB; without caps V8 lets garbage pile up to ~60 MiB before collecting).
 */
export const WORKER_V8_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=96'];

/** Where the worker entry is: the TypeScript source (run with tsx) in development and tests, or the built bundle. */
export function defaultWorkerEntry(): { entry: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return { entry: fileURLToPath(new URL('./runtime/entry.ts', here)), execArgv: [...WORKER_V8_FLAGS, '--import', tsxLoader()] };
  }
  // Bundled: every chunk sits beside worker.js in dist/node.
  return { entry: fileURLToPath(new URL('./worker.js', here)), execArgv: [...WORKER_V8_FLAGS] };
}

/** The tsx loader, resolved from this project so a child finds it whatever its cwd. */
export function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}
