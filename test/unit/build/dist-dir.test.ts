// `npm run dist -- --dir` for real: packages the app (no installer) into a temp folder and looks inside. It runs
// only where the Electron zip for this Electron version, platform and arch is already in @electron/get's cache
// (`npm ci` with the Electron binary puts it there, as in CI), and only when asked with PALLET_TEST_DIST=1 (CI's
// "Package check" step): `npm run dist` rebuilds dist/ in place, which would pull files from under the tests that
// run beside it in a full `npm test`. Elsewhere it is skipped and says why.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { listPackage } from '@electron/asar';
import { describe, expect, it } from 'vitest';
import { root } from './vite-build.ts';

const electronVersion = (
  JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
).version;
const zipName = `electron-v${electronVersion}-${process.platform}-${process.arch}.zip`;

/**
 * Where @electron/get keeps downloads: `electron_config_cache` / ELECTRON_CACHE when set, else env-paths' cache dir
 * for "electron" (~/.cache/electron or $XDG_CACHE_HOME/electron, ~/Library/Caches/electron,
 * %LOCALAPPDATA%\electron\Cache), one sub-folder per download URL. electron-builder 26 reads the same cache.
 */
function electronCaches(): string[] {
  const env = [
    process.env.electron_config_cache,
    process.env.npm_config_electron_config_cache,
    process.env.ELECTRON_CACHE,
  ];
  const home = homedir();
  const fallback =
    process.platform === 'darwin'
      ? join(home, 'Library', 'Caches', 'electron')
      : process.platform === 'win32'
        ? join(process.env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'electron', 'Cache')
        : join(process.env.XDG_CACHE_HOME ?? join(home, '.cache'), 'electron');
  return [...new Set([...env.filter((d): d is string => !!d?.trim()), fallback])];
}

function cachedElectronZip(): string | null {
  for (const dir of electronCaches()) {
    if (existsSync(join(dir, zipName))) return join(dir, zipName);
    if (!existsSync(dir)) continue;
    for (const sub of readdirSync(dir, { withFileTypes: true })) {
      if (sub.isDirectory() && existsSync(join(dir, sub.name, zipName))) return join(dir, sub.name, zipName);
    }
  }
  return null;
}

const zip = cachedElectronZip();
const skip = !zip
  ? `no ${zipName} in the Electron download cache (${electronCaches().join(', ')}); packaging would need the network`
  : process.env.PALLET_TEST_DIST !== '1'
    ? 'set PALLET_TEST_DIST=1 to run it (it rebuilds dist/ in place, so it stays out of a full npm test)'
    : null;
if (skip) console.warn(`dist --dir test skipped: ${skip}.`);

/** The unpacked app electron-builder --dir writes: linux-unpacked, win-unpacked, mac/Pallet.app (…-arm64 variants). */
function layout(out: string) {
  const dir = readdirSync(out).find((d) => /^(linux|win)(-\w+)?-unpacked$/.test(d) || /^mac(-\w+)?$/.test(d));
  if (!dir) throw new Error(`no unpacked app in ${out}: ${readdirSync(out).join(', ')}`);
  const base = join(out, dir);
  if (process.platform === 'darwin') {
    const app = join(base, 'Pallet.app', 'Contents');
    return { executable: join(app, 'MacOS', 'Pallet'), resources: join(app, 'Resources') };
  }
  return {
    executable: join(base, process.platform === 'win32' ? 'Pallet.exe' : 'pallet'),
    resources: join(base, 'resources'),
  };
}

describe('npm run dist -- --dir', () => {
  it.skipIf(skip !== null)(
    'packages an app with its executable, app.asar, the unpacked native build and workers, the sample and the tray icons',
    () => {
      const out = mkdtempSync(join(tmpdir(), 'pallet-dist-'));
      try {
        // electronDist = the cached zip: electron-builder extracts it instead of asking the network for checksums
        // (it re-fetches SHASUMS256.txt even on a cache hit, electron-builder#10039).
        const args = ['run', 'dist', '--', '--dir', `-c.directories.output=${out}`, `-c.electronDist=${zip}`];
        const run = spawnSync('npm', args, {
          cwd: root,
          encoding: 'utf8',
          shell: process.platform === 'win32',
          maxBuffer: 64 * 1024 * 1024,
        });
        expect(run.status, `npm ${args.join(' ')} failed:\n${(run.stdout + run.stderr).slice(-6000)}`).toBe(0);

        const { executable, resources } = layout(out);
        expect(existsSync(executable), executable).toBe(true);
        const asar = join(resources, 'app.asar');
        expect(existsSync(asar), asar).toBe(true);

        const unpacked = join(resources, 'app.asar.unpacked');
        const abiDirs = readdirSync(join(unpacked, 'dist', 'native')).filter((d) => d.startsWith('electron-abi'));
        expect(abiDirs.length).toBeGreaterThan(0);
        for (const d of abiDirs)
          expect(existsSync(join(unpacked, 'dist', 'native', d, 'better_sqlite3.node'))).toBe(true);
        for (const f of ['worker.js', 'checkpointer.js', 'db-maintenance.js', 'products-reader.js', 'import-parser.js'])
          expect(existsSync(join(unpacked, 'dist', 'node', f)), f).toBe(true);

        expect(readdirSync(join(resources, 'sample')).length).toBeGreaterThan(0);
        for (const f of ['tray.png', 'tray@2x.png', 'trayTemplate.png', 'trayTemplate@2x.png'])
          expect(existsSync(join(resources, 'tray', f)), f).toBe(true);

        // Renderer and preload stay inside the archive.
        const listed = listPackage(asar, { isPack: false }).map((p) => p.replaceAll('\\', '/'));
        expect(listed).toEqual(
          expect.arrayContaining(['/dist/renderer/index.html', '/dist/preload/index.cjs', '/package.json']),
        );
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    900_000,
  );
});
