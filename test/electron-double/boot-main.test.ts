// The built main (dist/node/main.js, not the sources) booted under the strict Electron double: Electron's rules
// (what may run before and after `ready`, one handler per channel, utility-process events, the native-module ABI) are
// enforced, and only Electron's plumbing is replaced — the queue, the workers (real child processes speaking the
// utility-process protocol) and the database are the app's own.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImportView, JobView } from '../../preload/contract/channels.ts';
import { INPUT_SCHEMAS } from '../../preload/contract/schemas.ts';
import { ELECTRON_ABI, makeElectronStandIn } from '../support/electron-double/abi.ts';
import { bootMain, type MainDriver } from '../support/electron-double/boot.ts';
import { alive, childrenOf } from '../support/proc.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// PALLET_BOOT_MAIN boots another build (an older commit's, to show these tests fail on it).
const MAIN = process.env.PALLET_BOOT_MAIN ?? join(ROOT, 'dist/node/main.js');
const NODE_SQLITE = join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
const SAMPLE = join(ROOT, 'resources/sample/supplier-sample.csv');
const CHANNELS = Object.keys(INPUT_SCHEMAS).sort();

const built = existsSync(MAIN);
if (!built)
  console.warn('Boot tests skipped: dist/node/main.js is not built (npm test builds it first; or run npm run build).');

type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

// Each test boots a whole app with real workers; on a loaded 2-core CI machine one boot + import + drain took > 60 s.
describe.skipIf(!built)('the built main under the strict Electron double', { timeout: 180_000 }, () => {
  let scratch: string;
  /** A stand-in for better-sqlite3 built for Electron's ABI (the real one cannot load under Node). */
  let standIn: string;
  const drivers: MainDriver[] = [];

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'pallet-boot-'));
    standIn = join(scratch, `native/electron-abi${ELECTRON_ABI}/better_sqlite3.node`);
    mkdirSync(join(standIn, '..'), { recursive: true });
    makeElectronStandIn(NODE_SQLITE, standIn);
  });
  afterEach(async () => {
    for (const d of drivers.splice(0)) {
      // Its workers outlive it (they exit once they see their owner gone: orphan.test.ts) and may still write in its
      // folder meanwhile: CI failed twice with ENOTEMPTY while removing it, once after retrying for ~5.5 s on a loaded
      // machine. They are waited for (killed after 15 s: their own exit is not what this suite tests).
      const workers = childrenOf(d.pid);
      d.kill('SIGKILL');
      await d.exited;
      for (const until = Date.now() + 15_000; workers.some(alive) && Date.now() < until;)
        await new Promise((r) => setTimeout(r, 50));
      for (const pid of workers.filter(alive)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      for (const until = Date.now() + 5_000; workers.some(alive) && Date.now() < until;)
        await new Promise((r) => setTimeout(r, 20));
      rmSync(d.appData, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    }
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  async function boot(
    o: {
      env?: Record<string, string>;
      argv?: string[];
      readyMode?: 'auto' | 'manual';
      beforeBoot?: (appData: string) => void;
    } = {},
  ): Promise<MainDriver> {
    const appData = mkdtempSync(join(tmpdir(), 'pallet-boot-appdata-'));
    o.beforeBoot?.(appData);
    const d = await bootMain({
      entry: MAIN,
      argv: o.argv,
      readyMode: o.readyMode,
      env: { PALLET_DOUBLE_APPDATA: appData, PALLET_SQLITE_BINDING: standIn, ...o.env },
    });
    drivers.push(d);
    return d;
  }
  async function call<T>(d: MainDriver, channel: string, payload?: unknown): Promise<T> {
    const r = (await d.invoke(channel, payload)) as Result<T>;
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
    return r.value;
  }
  async function waitForJob(d: MainDriver, match: (j: JobView) => boolean, what: string): Promise<JobView> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const job = (await call<JobView[]>(d, 'jobs:list', { limit: 50 })).find(match);
      if (job) return job;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** Waits until an import of the file called `name` exists (the window's list of imports). */
  async function waitForImport(d: MainDriver, name: string): Promise<ImportView> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = (await call<ImportView[]>(d, 'imports:list')).find((i) => i.fileName === name);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for an import of ${name}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** The window loads while the engine starts; the app is up once the desktop holds its tray and quit listener. */
  const started = (d: MainDriver) =>
    d.waitFor(
      (x) => x.windows[0]?.loaded === true && x.trays.length === 1 && (x.appListeners['before-quit'] ?? 0) > 0,
      30_000,
    );
  const csvIn = (dir: string, name = 'list.csv') => {
    const p = join(dir, name);
    writeFileSync(p, 'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,2.50\n');
    return p;
  };

  it('starts: handlers for every channel before the first load, real workers answer, and quitting drains and exits 0', async () => {
    const d = await boot();
    let s = await started(d);
    expect(s.uncaughtErrors).toEqual([]);
    expect(s.dialogs.errorBoxes).toEqual([]);
    // Every channel the preload exposes had its handler when the window started loading.
    expect(s.windows[0]!.handlersAtLoad!.filter((c) => CHANNELS.includes(c)).sort()).toEqual(CHANNELS);
    expect(s.appUserModelId).toBe('app.pallet.desktop');
    expect(s.privilegedSchemes.map((p) => p.scheme)).toEqual(['app', 'pallet-image']);
    // The image store is served over its own scheme, from the real database: a product with no image is a 404.
    expect(s.protocolHandlers).toContain('pallet-image');
    expect(await d.subresource('pallet-image://product/1')).toMatchObject({ status: 404 });
    expect(await d.subresource('pallet-image://product/../pallet.db')).toMatchObject({ status: 404 });
    expect(s.sessions.find((x) => x.partition === '')).toMatchObject({
      permissionRequestHandler: true,
      permissionCheckHandler: true,
    });
    // One folder: Electron's userData (from productName) holds the database, the logs and the settings.
    expect(s.paths.userData).toBe(join(d.appData, 'Pallet'));
    expect(existsSync(join(s.paths.userData!, 'pallet.db'))).toBe(true);
    expect(existsSync(join(s.paths.userData!, 'logs', 'main.log'))).toBe(true);

    // Workers are utility processes with the heap limits they need, applied the way a utility process honours them.
    s = await d.waitFor((x) => x.utilityProcesses.filter((u) => u.spawned).length === 2, 20_000);
    for (const u of s.utilityProcesses) {
      expect(u.effectiveExecArgv).toEqual(
        expect.arrayContaining(['--max-old-space-size=96', '--max-semi-space-size=4']),
      );
      expect(u.droppedExecArgv).toEqual([]);
    }
    const { jobId } = await call<{ jobId: number }>(d, 'imports:start', { path: SAMPLE });
    const done = await waitForJob(d, (j) => j.id === jobId && j.status === 'completed', 'the sample import');
    expect(done.result).toMatchObject({ rows: 30 });

    // The import queued its lookup (and the chain after it): on a slow machine they still run when the seller quits,
    // and the app asks first. The seller answers "Quit": running jobs checkpoint, the engine stops, the app exits 0.
    await d.answerDialogs(0);
    await d.quit();
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      d.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the app did not exit within 60 s of quitting')), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
    expect(exit.code).toBe(0);
    s = await d.state();
    expect(s.lifecycle).toEqual(expect.arrayContaining(['before-quit', 'will-quit', 'quit:0']));
    expect(s.utilityProcesses.every((u) => u.exited)).toBe(true);
    expect(s.uncaughtErrors).toEqual([]);
    // Asked only while jobs ran, and then about them.
    for (const box of s.dialogs.messageBoxes) expect(JSON.stringify(box)).toMatch(/jobs? (is|are) running/);
  });

  it('quitting while a job runs asks first: "Keep running" keeps the app, "Quit" checkpoints the job and exits 0', async () => {
    const d = await boot();
    await started(d);
    // Big enough that the import still runs when the seller quits.
    const big = join(d.appData, 'big.csv');
    const lines = ['UPC,Name,Cost'];
    for (let i = 0; i < 300_000; i++) lines.push(`${String(100000000000 + i)},Item ${i},${(i % 97) + 1}.25`);
    writeFileSync(big, lines.join('\n') + '\n');
    const { jobId } = await call<{ jobId: number }>(d, 'imports:start', { path: big });
    await waitForJob(d, (j) => j.id === jobId && j.status === 'running', 'the import to run');
    await d.quit(); // the dialog answers its cancel button: "Keep running"
    let s = await d.waitFor((x) => x.dialogs.messageBoxes.length === 1, 20_000);
    expect(JSON.stringify(s.dialogs.messageBoxes[0])).toMatch(/1 job is running/);
    expect(s.lifecycle).not.toContain('will-quit');
    expect((await call<JobView>(d, 'jobs:get', { id: jobId })).status).toBe('running');

    await d.answerDialogs(0);
    await d.quit();
    const exit = await d.exited;
    expect(exit.code).toBe(0);
    s = await d.state();
    expect(s.dialogs.messageBoxes).toHaveLength(2);
    expect(s.utilityProcesses.every((u) => u.exited)).toBe(true);
    expect(s.uncaughtErrors).toEqual([]);
  });

  it('touches no session before ready, and installs the security hooks once ready', async () => {
    const d = await boot({ readyMode: 'manual' });
    await new Promise((r) => setTimeout(r, 300));
    let s = await d.state();
    expect(s.uncaughtErrors).toEqual([]);
    expect(s.ready).toBe(false);
    expect(s.sessions).toEqual([]);
    await d.ready();
    s = await started(d);
    expect(s.sessions.find((x) => x.partition === '')).toMatchObject({
      permissionRequestHandler: true,
      permissionCheckHandler: true,
    });
    expect(await d.requestPermission('geolocation')).toEqual({ request: false, check: false });
    expect(s.windows[0]!.windowOpenHandler).toBe(true);
  });

  it('imports a CSV the OS opened with Pallet before ready (macOS open-file)', async () => {
    const d = await boot({ readyMode: 'manual' });
    const csv = csvIn(d.appData);
    const sent = await d.emitApp('open-file', csv);
    expect(sent.defaultPrevented).toBe(true);
    await d.ready();
    await started(d);
    expect((await waitForImport(d, 'list.csv')).fileName).toBe('list.csv');
  });

  it('a second launch naming a CSV imports it; the Dock icon brings the window back from the tray', async () => {
    const d = await boot();
    await started(d);
    await d.closeWindow();
    let s = await d.waitFor((x) => x.windows[0]?.visible === false);
    expect(s.windows[0]!.destroyed).toBe(false);
    await d.emitApp('activate', true);
    s = await d.waitFor((x) => x.windows[0]?.visible === true);
    const csv = csvIn(d.appData, 'second.csv');
    await d.emitApp('second-instance', ['/opt/Pallet/pallet', csv], d.appData, null);
    await waitForImport(d, 'second.csv');
  });

  it("keeps a notification alive until it is clicked: the click opens that job's window", async () => {
    const d = await boot();
    await started(d);
    await d.closeWindow(); // to the tray: a finished job is announced
    await call<{ jobId: number }>(d, 'imports:start', { path: SAMPLE });
    await d.waitFor((x) => x.notifications.length >= 1, 30_000);
    await d.gc();
    await d.gc();
    expect((await d.state()).notifications[0]!.alive).toBe(true);
    expect(await d.clickNotification(0)).toEqual({ delivered: true });
    const s = await d.waitFor((x) => x.windows[0]?.visible === true);
    // The click opens the job it announced.
    const navigated = s.windows[0]!.sent.flatMap((m) => m.args as { type?: string; to?: { jobId: number } }[]).filter(
      (e) => e?.type === 'navigate',
    );
    expect(navigated).toHaveLength(1);
    expect((await call<JobView>(d, 'jobs:get', { id: navigated[0]!.to!.jobId })).status).toBe('completed');
  });

  it('a better-sqlite3 built for Node, not Electron: a dialog says what to run, and the app exits non-zero', async () => {
    const d = await boot({ env: { PALLET_SQLITE_BINDING: NODE_SQLITE } });
    const exit = await d.exited;
    expect(exit.code).toBe(1);
    const s = await d.state();
    expect(s.dialogs.errorBoxes).toHaveLength(1);
    expect(s.dialogs.errorBoxes[0]!.title).toBe('Pallet could not start');
    expect(s.dialogs.errorBoxes[0]!.content).toContain('npm run rebuild:electron');
    expect(s.dialogs.errorBoxes[0]!.content).toContain(`NODE_MODULE_VERSION ${ELECTRON_ABI}`);
    expect(s.windows).toEqual([]);
  });

  it('a damaged settings file is kept aside, defaults are used and the user is told', async () => {
    const d = await boot({
      beforeBoot: (appData) => {
        mkdirSync(join(appData, 'Pallet'), { recursive: true });
        writeFileSync(join(appData, 'Pallet', 'settings.json'), '{"closeToTray": tru');
      },
    });
    await started(d);
    const s = await d.waitFor((x) => x.dialogs.messageBoxes.length > 0, 20_000);
    expect(JSON.stringify(s.dialogs.messageBoxes[0])).toMatch(/settings file was damaged/);
    const kept = readdirSync(join(d.appData, 'Pallet')).filter((f) => f.startsWith('settings.json.bad-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(d.appData, 'Pallet', kept[0]!), 'utf8')).toBe('{"closeToTray": tru');
    expect((await call<{ settings: { closeToTray: boolean } }>(d, 'settings:get')).settings.closeToTray).toBe(true);
  });

  it('opens the window where the seller left it, maximized again, and saves its place when it closes', async () => {
    const saved = { window: { bounds: { x: 200, y: 120, width: 1500, height: 900 }, maximized: true } };
    const d = await boot({
      beforeBoot: (appData) => {
        mkdirSync(join(appData, 'Pallet'), { recursive: true });
        writeFileSync(join(appData, 'Pallet', 'window-state.json'), JSON.stringify(saved));
      },
    });
    const s = await started(d);
    expect(s.windows[0]!.options).toMatchObject(saved.window.bounds);
    await d.waitFor((x) => x.windows[0]?.maximized === true, 20_000);
    await d.quit();
    const file = JSON.parse(readFileSync(join(d.appData, 'Pallet', 'window-state.json'), 'utf8')) as typeof saved;
    expect(file).toEqual(saved);
  });

  it('any other failure to start: a dialog with the reason, the log, and a non-zero exit', async () => {
    const d = await boot({
      // The database path is taken by a folder: opening it fails.
      beforeBoot: (appData) => mkdirSync(join(appData, 'Pallet', 'pallet.db'), { recursive: true }),
    });
    const exit = await d.exited;
    expect(exit.code).toBe(1);
    const s = await d.state();
    expect(s.dialogs.errorBoxes[0]?.title).toBe('Pallet could not start');
    expect(s.dialogs.errorBoxes[0]?.content).toContain(join(d.appData, 'Pallet', 'logs', 'main.log'));
    expect(readFileSync(join(d.appData, 'Pallet', 'logs', 'main.log'), 'utf8')).toMatch(/Pallet could not start/);
  });

  it('an installed app does not pass the development endpoints (they would receive the credentials) to its workers', async () => {
    const resources = join(scratch, 'resources');
    const unpacked = join(resources, `app.asar.unpacked/dist/native/electron-abi${ELECTRON_ABI}/better_sqlite3.node`);
    mkdirSync(join(unpacked, '..'), { recursive: true });
    makeElectronStandIn(NODE_SQLITE, unpacked);
    cpSync(join(ROOT, 'resources/sample'), join(resources, 'sample'), { recursive: true });
    const d = await boot({
      env: {
        PALLET_DOUBLE_PACKAGED: '1',
        PALLET_DOUBLE_RESOURCES: resources,
        PALLET_SQLITE_BINDING: '',
        PALLET_SPAPI_ENDPOINT: 'http://127.0.0.1:9',
        PALLET_LWA_URL: 'http://127.0.0.1:9/token',
      },
    });
    const s = await d.waitFor((x) => x.utilityProcesses.filter((u) => u.spawned).length === 2, 20_000);
    for (const u of s.utilityProcesses) {
      expect(u.envKeys).toContain('PALLET_SQLITE_BINDING');
      expect(u.envKeys).not.toContain('PALLET_SPAPI_ENDPOINT');
      expect(u.envKeys).not.toContain('PALLET_LWA_URL');
    }
    expect(s.dialogs.errorBoxes).toEqual([]);
  });
});
