// One config builds every target, chosen by --mode:
//   node     → dist/node/{main,worker,pallet,products-reader,checkpointer,import-parser}.js (Electron main, worker entry, CLI, threads)
//   preload  → dist/preload/index.cjs (sandboxed preloads must be CommonJS)
//   renderer → dist/renderer (the React window)
import { builtinModules } from 'node:module';
import { defineConfig, type UserConfig } from 'vite';

const nodeExternal = [
  'electron',
  'better-sqlite3',
  'electron-store',
  'sharp',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
];

function nodeTargets(): UserConfig {
  return {
    build: {
      ssr: true,
      target: 'node20',
      outDir: 'dist/node',
      emptyOutDir: true,
      sourcemap: true,
      rollupOptions: {
        input: {
          main: 'main/index.ts',
          worker: 'main/workers/runtime/entry.ts',
          pallet: 'main/cli/bin.ts',
          'products-reader': 'main/products/reader-thread.ts',
          checkpointer: 'main/db/checkpoint-thread.ts',
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
