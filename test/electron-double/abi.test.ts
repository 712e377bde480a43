// The native-module ABI rule: a Node build of better-sqlite3 is refused with Node's own message, an N-API module loads,
// and an Electron-tagged stand-in (makeElectronStandIn) loads and works in main, a worker thread and a utility process.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootMain, type MainDriver } from '../support/electron-double/boot.ts';
import { ELECTRON_ABI, installAbiRule, makeElectronStandIn, moduleVersionOf } from '../support/electron-double/abi.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const NODE_BUILD = join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
const SHARP = join(ROOT, 'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node');
const dir = mkdtempSync(join(tmpdir(), 'pallet-abi-'));
const STAND_IN = join(dir, 'better_sqlite3.node');

/** Node's own text for a module built against another NODE_MODULE_VERSION. */
const nodeMessage = (file: string, found: number) =>
  `The module '${file}'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION ${found}. This version of Node.js requires\nNODE_MODULE_VERSION ${ELECTRON_ABI}. Please try re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`;

beforeAll(() => {
  installAbiRule();
  makeElectronStandIn(NODE_BUILD, STAND_IN);
});

describe('ABI rule in this process', () => {
  it("reads Electron's ABI and the tags", () => {
    expect(ELECTRON_ABI).toBe(Number(readFileSync(join(ROOT, 'node_modules/electron/abi_version'), 'utf8')));
    expect(ELECTRON_ABI).toBe(150);
    expect(moduleVersionOf(NODE_BUILD)).toBe(Number(process.versions.modules));
    expect(moduleVersionOf(STAND_IN)).toBe(ELECTRON_ABI);
    expect(moduleVersionOf(SHARP)).toBeNull();
    expect(readFileSync(`${STAND_IN}.host`, 'utf8')).toBe(NODE_BUILD);
  });

  it("refuses the Node build with Node's message and ERR_DLOPEN_FAILED", () => {
    let error: (Error & { code?: string }) | undefined;
    try {
      new Database(':memory:', { nativeBinding: NODE_BUILD });
    } catch (e) {
      error = e as Error & { code?: string };
    }
    expect(error?.message).toBe(nodeMessage(NODE_BUILD, Number(process.versions.modules)));
    expect(error?.code).toBe('ERR_DLOPEN_FAILED');
  });

  it('loads an N-API module (sharp) normally', () => {
    const require = createRequire(import.meta.url);
    expect(() => require(SHARP)).not.toThrow();
  });

  it('loads the stand-in through its host build, and it works', () => {
    const db = new Database(':memory:', { nativeBinding: STAND_IN });
    expect((db.prepare('select 40 + 2 as answer').get() as { answer: number }).answer).toBe(42);
    db.close();
  });

  it('an Electron-tagged file with no sidecar is refused clearly', () => {
    const orphan = join(dir, 'orphan.node');
    makeElectronStandIn(NODE_BUILD, orphan);
    writeFileSync(`${orphan}.host`, '');
    const bare = join(dir, 'bare.node');
    writeFileSync(bare, readFileSync(orphan));
    expect(existsSync(`${bare}.host`)).toBe(false);
    expect(() => new Database(':memory:', { nativeBinding: bare })).toThrow(
      /built for Electron \(NODE_MODULE_VERSION 150\) and has no '.*bare\.node\.host' sidecar/,
    );
  });
});

describe('ABI rule in a booted main: main, worker threads (file and eval), utility process', () => {
  let d: MainDriver;
  beforeAll(async () => {
    d = await bootMain({ entry: new URL('../support/electron-double/fixtures/abi-main.ts', import.meta.url).pathname });
    await d.waitFor((s) => s.windows[0]?.loaded === true);
  });
  afterAll(async () => {
    d?.kill();
    await d?.exited;
    for (const x of [d.appData, d.home, d.resourcesPath, dir]) rmSync(x, { recursive: true, force: true });
  });

  for (const where of ['main', 'worker', 'eval-worker', 'utility']) {
    it(`${where}: the Node build is refused with Node's message`, async () => {
      const found = Number(process.versions.modules);
      const rejection = d.invoke('open', { where, binding: NODE_BUILD });
      if (where === 'utility')
        await expect(rejection).rejects.toThrow(
          `NODE_MODULE_VERSION ${found}. This version of Node.js requires\nNODE_MODULE_VERSION ${ELECTRON_ABI}.`,
        );
      else
        await expect(rejection).rejects.toThrow(
          `Error invoking remote method 'open': Error: ${nodeMessage(NODE_BUILD, found)}`,
        );
    });

    it(`${where}: the Electron stand-in opens an in-memory database`, async () => {
      expect(await d.invoke('open', { where, binding: STAND_IN })).toBe(42);
    });
  }
});
