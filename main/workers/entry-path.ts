import { fileURLToPath } from 'node:url';

/** Where the worker entry is: the TypeScript source (run with tsx) in development and tests, or the built bundle. */
export function defaultWorkerEntry(): { entry: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return { entry: fileURLToPath(new URL('./runtime/entry.ts', here)), execArgv: ['--import', tsxLoader()] };
  }
  // Bundled: every chunk sits beside worker.js in dist/node.
  return { entry: fileURLToPath(new URL('./worker.js', here)), execArgv: [] };
}

/** The tsx loader, resolved from this project so a child finds it whatever its cwd. */
export function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}
