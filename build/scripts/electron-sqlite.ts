// Builds better-sqlite3 for the pinned Electron beside (never over) the Node build npm installed: node_modules keeps the
// Node ABI for tests and the CLI, dist/native/electron-abi<abi>/ holds the app's. The build runs on a copy of the
// package's sources in a scratch app, because @electron/rebuild rebuilds in place.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { electronSqliteBinding } from '../../main/db/native-binding.ts';

/** What a build is for: a build made for anything else must be rebuilt. */
export interface NativeTarget {
  electron: string;
  betterSqlite3: string;
  platform: string;
  arch: string;
  abi: string;
}

/** The stamp written beside a finished build: its target plus the hash of the binary it describes. */
export interface NativeStamp extends NativeTarget {
  sha256: string;
}

/** The options this flow passes to @electron/rebuild's `rebuild` (a subset of its RebuildOptions). */
export interface RebuildRequest {
  buildPath: string;
  projectRootPath: string;
  electronVersion: string;
  onlyModules: string[];
  force: boolean;
  platform: NodeJS.Platform;
  arch: string;
}

/** @electron/rebuild's `rebuild`, or a stand-in in tests (it needs the network). */
export type RebuildFn = (request: RebuildRequest) => Promise<void>;

/** Thrown when the Electron build could not be made; its message says what failed and what to do. */
export class ElectronSqliteBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElectronSqliteBuildError';
  }
}

// What node-gyp needs of the package (its `files`, plus package.json): never its build/, which holds the Node binary.
const SOURCES = ['package.json', 'binding.gyp', 'src', 'deps', 'lib'];

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

/** The paths the flow uses under the app folder `root` for this ABI. */
export function electronSqlitePaths(root: string, abi: string) {
  const binary = electronSqliteBinding({ appRoot: root, isPackaged: false, resourcesPath: '', abi });
  const scratch = join(root, 'node_modules', '.cache', 'pallet-electron-sqlite');
  return {
    /** The Electron build the app loads. */
    binary,
    /** Its stamp (target and hash). */
    stamp: join(dirname(binary), 'stamp.json'),
    /** The installed package, whose build must stay as npm left it. */
    nodePackage: join(root, 'node_modules', 'better-sqlite3'),
    /** The scratch app @electron/rebuild works in. */
    scratch,
    /** The package's copy inside it. */
    scratchPackage: join(scratch, 'node_modules', 'better-sqlite3'),
  };
}

/** The Electron ABI of the installed electron package (its abi_version file, else node-abi's table). */
export async function electronAbi(root: string, electronVersion: string): Promise<string> {
  const file = join(root, 'node_modules', 'electron', 'abi_version');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const { getAbi } = (await import('node-abi' as string)) as { getAbi(target: string, runtime: string): string };
  return getAbi(electronVersion, 'electron');
}

/** What the installed electron and better-sqlite3 need on this machine. */
export async function currentTarget(
  root: string,
  host: { platform: string; arch: string } = process,
): Promise<NativeTarget> {
  const electronPkg = join(root, 'node_modules', 'electron', 'package.json');
  const sqlitePkg = join(root, 'node_modules', 'better-sqlite3', 'package.json');
  for (const f of [electronPkg, sqlitePkg])
    if (!existsSync(f)) throw new ElectronSqliteBuildError(`${f} is missing: run \`npm install\` first.`);
  const electron = String(readJson(electronPkg).version);
  return {
    electron,
    betterSqlite3: String(readJson(sqlitePkg).version),
    platform: host.platform,
    arch: host.arch,
    abi: await electronAbi(root, electron),
  };
}

/** The stamp at `file`, or null when there is none or it cannot be read. */
export function readStamp(file: string): NativeStamp | null {
  try {
    return readJson(file) as unknown as NativeStamp;
  } catch {
    return null;
  }
}

/** SHA-256 of a file, hex. */
export function fileSha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Whether the build at `binary` is the one `stamp` describes and was made for `target` (then nothing needs doing). */
export function isBuildFresh(stamp: NativeStamp | null, target: NativeTarget, binary: string): boolean {
  if (!stamp || !existsSync(binary)) return false;
  const keys: (keyof NativeTarget)[] = ['electron', 'betterSqlite3', 'platform', 'arch', 'abi'];
  if (keys.some((k) => stamp[k] !== target[k])) return false;
  // A binary replaced or cut short since (an interrupted copy, a stray `npm rebuild` output copied by hand) is rebuilt,
  // and so is one whose own export names another ABI.
  if (stamp.sha256 !== fileSha256(binary)) return false;
  const abis = addonAbis(binary);
  return abis.length === 0 || abis.includes(target.abi);
}

/**
 * The Node ABIs a native addon was built for, read from its `node_register_module_v<ABI>` export (what Node checks when
 * it loads one built with NODE_MODULE_INIT, as better-sqlite3 is). Empty when the file has no such export.
 */
export function addonAbis(file: string): string[] {
  const text = readFileSync(file).toString('latin1');
  return [...new Set([...text.matchAll(/node_register_module_v(\d+)/g)].map((m) => m[1]!))];
}

/**
 * Runs `work` with npm's `nodedir` setting taken out of the environment. npm passes its config to scripts as
 * npm_config_* variables and node-gyp honours npm_config_nodedir over the `--target` it is given: on a machine whose
 * npmrc sets it (Debian's does: nodedir=/usr) the "Electron" build silently came out for Node's ABI.
 */
export async function withoutNodedir<T>(env: NodeJS.ProcessEnv, work: () => Promise<T>): Promise<T> {
  const removed = Object.entries(env).filter(([k]) => /^npm_config_nodedir$/i.test(k));
  for (const [k] of removed) delete env[k];
  try {
    return await work();
  } finally {
    for (const [k, v] of removed) env[k] = v;
  }
}

/** Copies the package's sources (not its build) into a fresh scratch app that depends on it alone. */
export function prepareScratch(paths: ReturnType<typeof electronSqlitePaths>, target: NativeTarget): void {
  rmSync(paths.scratch, { recursive: true, force: true });
  mkdirSync(paths.scratchPackage, { recursive: true });
  for (const entry of SOURCES) {
    const from = join(paths.nodePackage, entry);
    if (!existsSync(from))
      throw new ElectronSqliteBuildError(
        `${from} is missing: the better-sqlite3 package looks incomplete; run \`npm ci\`.`,
      );
    cpSync(from, join(paths.scratchPackage, entry), { recursive: true });
  }
  const app = {
    name: 'pallet-electron-sqlite',
    version: '0.0.0',
    private: true,
    dependencies: { 'better-sqlite3': target.betterSqlite3 },
  };
  writeFileSync(join(paths.scratch, 'package.json'), `${JSON.stringify(app, null, 2)}\n`);
}

export interface EnsureOptions {
  /** The app folder (holding package.json and node_modules). */
  root: string;
  /** Rebuild even when the stamp says the build is current. */
  force?: boolean;
  rebuild: RebuildFn;
  /** Overrides the host (tests); defaults to this process's platform and arch. */
  host?: { platform: NodeJS.Platform; arch: string };
  log?: (line: string) => void;
}

/**
 * Makes sure dist/native holds better-sqlite3 built for the installed Electron: nothing to do when the stamp matches,
 * otherwise rebuild a copy of the package in the scratch app and install its binary with a new stamp.
 */
export async function ensureElectronSqlite(
  o: EnsureOptions,
): Promise<{ status: 'fresh' | 'built'; binary: string; target: NativeTarget }> {
  const host = o.host ?? { platform: process.platform, arch: process.arch };
  const log = o.log ?? (() => {});
  const target = await currentTarget(o.root, host);
  const paths = electronSqlitePaths(o.root, target.abi);
  if (!o.force && isBuildFresh(readStamp(paths.stamp), target, paths.binary))
    return { status: 'fresh', binary: paths.binary, target };

  log(
    `Building better-sqlite3 ${target.betterSqlite3} for Electron ${target.electron} (ABI ${target.abi}, ${target.platform}-${target.arch})…`,
  );
  prepareScratch(paths, target);
  try {
    await withoutNodedir(process.env, () =>
      o.rebuild({
        buildPath: paths.scratch,
        // Stops @electron/rebuild's search at the scratch app: walking further up it would find node_modules/better-sqlite3
        // itself and rebuild the Node build in place.
        projectRootPath: paths.scratch,
        electronVersion: target.electron,
        onlyModules: ['better-sqlite3'],
        force: true,
        platform: host.platform,
        arch: host.arch,
      }),
    );
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ElectronSqliteBuildError(
      `Could not build better-sqlite3 for Electron ${target.electron}: ${reason}\n` +
        "It first tries to download a prebuilt binary, then compiles against Electron's headers (which need a C++ toolchain); " +
        'both need the network, so the first `npm start` must run online. Run `npm run rebuild:electron` again once online.',
    );
  }
  const built = join(paths.scratchPackage, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(built))
    throw new ElectronSqliteBuildError(`The Electron rebuild of better-sqlite3 finished but left no ${built}.`);
  // A build for another ABI would only fail once the app starts, and its stamp would keep it: refuse it here.
  const abis = addonAbis(built);
  if (abis.length > 0 && !abis.includes(target.abi)) {
    throw new ElectronSqliteBuildError(
      `The rebuilt better-sqlite3 is for ABI ${abis.join(', ')}, not Electron ${target.electron}'s ABI ${target.abi}: node-gyp used other ` +
        "headers than Electron's (check `npm config get nodedir` and the npm_config_* / NODEDIR environment). Nothing was installed.",
    );
  }
  if (abis.length === 0) log(`Warning: could not read the ABI of ${built}; installing it unchecked.`);

  // Written under a temporary name and renamed, with the stamp last: an interrupted run never leaves a stamp over a
  // partial binary.
  mkdirSync(dirname(paths.binary), { recursive: true });
  rmSync(paths.stamp, { force: true });
  const partial = `${paths.binary}.partial`;
  copyFileSync(built, partial);
  renameSync(partial, paths.binary);
  const stamp: NativeStamp = { ...target, sha256: fileSha256(paths.binary) };
  writeFileSync(paths.stamp, `${JSON.stringify(stamp, null, 2)}\n`);
  return { status: 'built', binary: paths.binary, target };
}
