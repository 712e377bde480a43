// One config builds every target, chosen by --mode:
//   node     → dist/node/{main,worker,pallet,products-reader,checkpointer,db-maintenance,import-parser}.js (Electron main, worker entry, CLI, threads)
//   preload  → dist/preload/index.cjs (sandboxed preloads must be CommonJS)
//   renderer → dist/renderer (the React window)
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const nodeExternal = [
  'electron',
  'better-sqlite3',
  'electron-store',
  'sharp',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
];

/**
 * `package.json` `bin` points at dist/node/pallet.js, but the bundler writes it 0644, so `npx pallet` failed with
 * "Permission denied". After each write: make sure it starts with a shebang (the bundler keeps the one in main/cli/bin.ts;
 * the fallback prepend shifts its source map by one line) and make it executable (a no-op on Windows, where npm
 * writes a .cmd shim instead).
 */
export function executableBin(fileName: string): Plugin {
  return {
    name: 'pallet:executable-bin',
    apply: 'build',
    async writeBundle(options) {
      const dir = options.dir ?? (options.file ? dirname(options.file) : null);
      if (!dir) return;
      const file = join(dir, fileName);
      const code = await readFile(file, 'utf8');
      if (!code.startsWith('#!')) await writeFile(file, `#!/usr/bin/env node\n${code}`);
      await chmod(file, 0o755);
    },
  };
}

function nodeTargets(): UserConfig {
  return {
    plugins: [executableBin('pallet.js')],
    build: {
      ssr: true,
      target: 'node20',
      outDir: 'dist/node',
      emptyOutDir: true,
      sourcemap: true,
      rollupOptions: {
        input: {
          main: 'main/index.ts',
          worker: 'main/worker.ts',
          pallet: 'main/cli/bin.ts',
          'products-reader': 'main/products/reader-thread.ts',
          checkpointer: 'main/db/checkpoint-thread.ts',
          'db-maintenance': 'main/db/maintenance-thread.ts',
          'import-parser': 'main/imports/parse-thread.ts',
        },
        external: nodeExternal,
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  };
}

function preloadTarget(): UserConfig {
  return {
    build: {
      ssr: true,
      target: 'node20',
      outDir: 'dist/preload',
      emptyOutDir: true,
      rollupOptions: {
        input: { index: 'preload/index.ts' },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  };
}

function rendererTarget(): UserConfig {
  return {
    root: 'renderer',
    base: './',
    build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'chrome130' },
  };
}

export default defineConfig(({ mode }) => {
  if (mode === 'node') return nodeTargets();
  if (mode === 'preload') return preloadTarget();
  if (mode === 'renderer' || mode === 'development' || mode === 'production') return rendererTarget();
  throw new Error(`vite.config.ts: unknown mode "${mode}" (use node, preload or renderer)`);
});
