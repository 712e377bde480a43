// The rebuild:electron flow on a throwaway app folder (a copy of the installed better-sqlite3 beside a stub electron):
// only @electron/rebuild, which needs the network, is replaced by a stand-in that writes what it would have built.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ensureElectronSqlite,
  isBuildFresh,
  readStamp,
  type RebuildFn,
  type RebuildRequest,
} from '../../../build/scripts/electron-sqlite.ts';
import { main } from '../../../build/scripts/rebuild-electron.ts';

const installed = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('rebuild:electron', () => {
  let root: string;
  let nodeBinary: string;
  let nodeBinarySha: string;
  let calls: RebuildRequest[];

  /** Stands in for @electron/rebuild: checks what it was given, then "builds" into the scratch copy as it would. */
  const standIn: RebuildFn = async (request) => {
    calls.push(request);
    const pkg = join(request.buildPath, 'node_modules', 'better-sqlite3');
    for (const f of ['package.json', 'binding.gyp', 'src', 'deps', 'lib'])
      expect(existsSync(join(pkg, f)), f).toBe(true);
    expect(existsSync(join(pkg, 'build')), 'the scratch copy starts without a build').toBe(false);
    // node-gyp would take npm's nodedir over Electron's headers: the flow keeps it out of the build's environment.
    expect(Object.keys(process.env).filter((k) => /^npm_config_nodedir$/i.test(k))).toEqual([]);
    mkdirSync(join(pkg, 'build', 'Release'), { recursive: true });
    // What a real build carries: the register symbol Node checks on load, named after the ABI.
    writeFileSync(
      join(pkg, 'build', 'Release', 'better_sqlite3.node'),
      `electron ${request.electronVersion} build #${calls.length} node_register_module_v${abiBuilt}`,
    );
  };

  let abiBuilt: string;
  const savedNodedir = process.env.npm_config_nodedir;

  beforeEach(() => {
    calls = [];
    abiBuilt = '150';
    process.env.npm_config_nodedir = '/usr'; // as npm passes it on a machine whose npmrc sets it
    root = mkdtempSync(join(tmpdir(), 'pallet-rebuild-'));
    writeFileSync(join(root, 'package.json'), '{"name":"pallet","private":true}');
    mkdirSync(join(root, 'node_modules', 'electron'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'electron', 'package.json'), '{"name":"electron","version":"45.4.1"}');
    writeFileSync(join(root, 'node_modules', 'electron', 'abi_version'), '150');
    const pkg = join(root, 'node_modules', 'better-sqlite3');
    for (const f of ['package.json', 'binding.gyp', 'src', 'deps', 'lib'])
      cpSync(join(installed, f), join(pkg, f), { recursive: true });
    nodeBinary = join(pkg, 'build', 'Release', 'better_sqlite3.node');
    mkdirSync(dirname(nodeBinary), { recursive: true });
    cpSync(join(installed, 'build', 'Release', 'better_sqlite3.node'), nodeBinary);
    nodeBinarySha = sha(nodeBinary);
  });
  afterEach(() => {
    if (savedNodedir === undefined) delete process.env.npm_config_nodedir;
    else process.env.npm_config_nodedir = savedNodedir;
    rmSync(root, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  const electronBinary = () => join(root, 'dist', 'native', 'electron-abi150', 'better_sqlite3.node');
  const stampFile = () => join(root, 'dist', 'native', 'electron-abi150', 'stamp.json');
  const host = { platform: 'linux' as const, arch: 'x64' };

  it('missing: builds in a scratch copy into dist/native/electron-abi<abi>, stamps it, leaves node_modules alone', async () => {
    const result = await ensureElectronSqlite({ root, rebuild: standIn, host });
    expect(result.status).toBe('built');
    expect(result.binary).toBe(electronBinary());
    expect(calls).toHaveLength(1);
    const scratch = join(root, 'node_modules', '.cache', 'pallet-electron-sqlite');
    expect(calls[0]).toEqual({
      buildPath: scratch,
      projectRootPath: scratch, // keeps @electron/rebuild from walking up to node_modules/better-sqlite3
      electronVersion: '45.4.1',
      onlyModules: ['better-sqlite3'],
      force: true,
      platform: 'linux',
      arch: 'x64',
    });
    expect(readFileSync(electronBinary(), 'utf8')).toBe('electron 45.4.1 build #1 node_register_module_v150');
    expect(process.env.npm_config_nodedir).toBe('/usr'); // put back afterwards
    const version = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version as string;
    expect(readStamp(stampFile())).toEqual({
      electron: '45.4.1',
      betterSqlite3: version,
      platform: 'linux',
      arch: 'x64',
      abi: '150',
      sha256: sha(electronBinary()),
    });
    expect(sha(nodeBinary)).toBe(nodeBinarySha);
    expect(readdirSync(dirname(nodeBinary))).toEqual(['better_sqlite3.node']);
  });

  it('fresh stamp: skipped (no rebuild); --force rebuilds anyway', async () => {
    await ensureElectronSqlite({ root, rebuild: standIn, host });
    expect((await ensureElectronSqlite({ root, rebuild: standIn, host })).status).toBe('fresh');
    expect(calls).toHaveLength(1);
    expect((await ensureElectronSqlite({ root, rebuild: standIn, host, force: true })).status).toBe('built');
    expect(calls).toHaveLength(2);
    expect(readFileSync(electronBinary(), 'utf8')).toBe('electron 45.4.1 build #2 node_register_module_v150');
    expect(sha(nodeBinary)).toBe(nodeBinarySha);
  });

  it('stale: another Electron, another arch, or a binary changed since the stamp → rebuilt', async () => {
    await ensureElectronSqlite({ root, rebuild: standIn, host });
    writeFileSync(join(root, 'node_modules', 'electron', 'package.json'), '{"name":"electron","version":"45.5.0"}');
    expect((await ensureElectronSqlite({ root, rebuild: standIn, host })).status).toBe('built');
    expect(readStamp(stampFile())?.electron).toBe('45.5.0');
    expect(
      (await ensureElectronSqlite({ root, rebuild: standIn, host: { platform: 'linux', arch: 'arm64' } })).status,
    ).toBe('built');
    writeFileSync(electronBinary(), 'truncated');
    expect(
      (await ensureElectronSqlite({ root, rebuild: standIn, host: { platform: 'linux', arch: 'arm64' } })).status,
    ).toBe('built');
    expect(calls).toHaveLength(4);
    expect(sha(nodeBinary)).toBe(nodeBinarySha);
  });

  it('a build that came out for another ABI (e.g. Node headers used) is refused: nothing installed, no stamp', async () => {
    abiBuilt = '115';
    const failure = ensureElectronSqlite({ root, rebuild: standIn, host });
    await expect(failure).rejects.toThrow("The rebuilt better-sqlite3 is for ABI 115, not Electron 45.4.1's ABI 150");
    expect(existsSync(electronBinary())).toBe(false);
    expect(existsSync(stampFile())).toBe(false);
  });

  it('isBuildFresh: no stamp or no binary is never fresh', () => {
    const target = { electron: '45.4.1', betterSqlite3: '12.9.0', platform: 'linux', arch: 'x64', abi: '150' };
    expect(isBuildFresh(null, target, electronBinary())).toBe(false);
    expect(isBuildFresh({ ...target, sha256: 'x' }, target, join(root, 'nope.node'))).toBe(false);
    // A stamped binary that is in fact for Node's ABI (as an older flow could leave) is not fresh either.
    const wrong = join(root, 'wrong.node');
    writeFileSync(wrong, 'node_register_module_v115');
    expect(isBuildFresh({ ...target, sha256: sha(wrong) }, target, wrong)).toBe(false);
    writeFileSync(wrong, 'node_register_module_v150');
    expect(isBuildFresh({ ...target, sha256: sha(wrong) }, target, wrong)).toBe(true);
  });

  it('failure (offline): the command exits 1 saying what failed and that the first start needs the network', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const offline: RebuildFn = async () => {
      throw new Error('getaddrinfo ENOTFOUND github.com');
    };
    expect(await main([], { root, rebuild: offline })).toBe(1);
    expect(errors.join('\n')).toContain(
      'Could not build better-sqlite3 for Electron 45.4.1: getaddrinfo ENOTFOUND github.com',
    );
    expect(errors.join('\n')).toContain('the first `npm start` must run online');
    expect(existsSync(stampFile())).toBe(false);
    expect(sha(nodeBinary)).toBe(nodeBinarySha);
  });

  it('the command: 0 when built or current, 2 on an unknown argument', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((m: string) => void lines.push(m));
    vi.spyOn(console, 'error').mockImplementation((m: string) => void lines.push(m));
    expect(await main([], { root, rebuild: standIn })).toBe(0);
    expect(await main([], { root, rebuild: standIn })).toBe(0);
    expect(lines.at(-1)).toMatch(/up to date/);
    expect(await main(['--forse'], { root, rebuild: standIn })).toBe(2);
    expect(calls).toHaveLength(1);
  });
});
