// `npm run rebuild:electron [-- --force]`: better-sqlite3 for the pinned Electron into dist/native (see
// electron-sqlite.ts). `npm start` and `npm run dist` run it first; it returns at once when the build is current.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ElectronSqliteBuildError, ensureElectronSqlite, type RebuildFn } from './electron-sqlite.ts';

/** @electron/rebuild's rebuild, imported only when a build is needed (it needs Node ≥ 22.12 and the network). */
const electronRebuild: RebuildFn = async (request) => {
  const { rebuild } = await import('@electron/rebuild');
  await rebuild(request);
};

/** Runs the command with `argv` for the app at `o.root` (default: this checkout); returns the process exit code. */
export async function main(argv: readonly string[], o: { root?: string; rebuild?: RebuildFn } = {}): Promise<number> {
  const unknown = argv.filter((a) => a !== '--force');
  if (unknown.length > 0) {
    console.error(
      `rebuild:electron: unknown argument ${unknown.join(' ')} (usage: npm run rebuild:electron [-- --force])`,
    );
    return 2;
  }
  const root = o.root ?? fileURLToPath(new URL('../../', import.meta.url));
  try {
    const result = await ensureElectronSqlite({
      root,
      force: argv.includes('--force'),
      rebuild: o.rebuild ?? electronRebuild,
      log: (line) => console.log(line),
    });
    const { electron, abi } = result.target;
    console.log(
      result.status === 'fresh'
        ? `better-sqlite3 for Electron ${electron} (ABI ${abi}) is up to date: ${result.binary}`
        : `Built ${result.binary}`,
    );
    return 0;
  } catch (err) {
    console.error(
      err instanceof ElectronSqliteBuildError
        ? err.message
        : `rebuild:electron failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  }
}

// Run as a script (not when a test imports it).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = await main(process.argv.slice(2));
