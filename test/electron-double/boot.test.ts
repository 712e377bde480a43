// The boot driver against small fixture mains: app lifecycle, renderer invokes, windows, tray, notifications and the
// npm packages the app uses, as the double enforces them.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bootMain, type MainDriver } from '../support/electron-double/boot.ts';

const fixture = (name: string) => new URL(`../support/electron-double/fixtures/${name}`, import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
// Electron names the app from the package.json nearest the entry: productName, else name.
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  productName?: string;
  version: string;
};
const APP_NAME = PKG.productName || PKG.name;

const running: MainDriver[] = [];
async function boot(...args: Parameters<typeof bootMain>): Promise<MainDriver> {
  const d = await bootMain(...args);
  running.push(d);
  return d;
}
afterEach(async () => {
  for (const d of running.splice(0)) {
    d.kill();
    await d.exited;
    for (const dir of [d.appData, d.home, d.resourcesPath]) rmSync(dir, { recursive: true, force: true });
  }
});

describe('app fixture', () => {
  it('records windows, handlers at load, protocol and security hooks; invoke passes the frame', async () => {
    const d = await boot({ entry: fixture('app-main.ts') });
    const s = await d.waitFor((x) => x.windows[0]?.loaded === true && x.windows[0].visible);
    const win = s.windows[0]!;
    expect(win.url).toBe('app://fixture/index.html');
    expect(win.handlersAtLoad).toEqual(['ping', 'boom', 'clicks', 'notify']);
    expect(s.handlerChannels).toContain('late');
    expect(win.options).toMatchObject({
      show: false,
      width: 900,
      webPreferences: { contextIsolation: true, sandbox: true },
    });
    expect(win.windowOpenHandler).toBe(true);
    expect(win.contentsListeners['will-navigate']).toBe(1);
    expect(s.protocolHandlers).toEqual(['app']);
    expect(s.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    expect(s.sessions).toEqual([
      { partition: '', permissionRequestHandler: true, permissionCheckHandler: false, preloads: [] },
    ]);
    expect(s.appUserModelId).toBe('com.example.fixture');
    expect(s.singleInstanceLock).toBe(true);
    expect(await d.invoke('ping', { a: [1, 2] })).toEqual({
      pong: { a: [1, 2] },
      url: 'app://fixture/index.html',
      main: true,
    });
    expect(await d.navigate('https://evil.example/')).toEqual({ prevented: true });
    expect(await d.navigate('app://fixture/other')).toEqual({ prevented: false });
    expect(await d.windowOpen('https://example.com/')).toEqual({ action: 'deny' });
    expect(await d.requestPermission('media')).toEqual({ request: false, check: null });
    expect((await d.state()).uncaughtErrors).toEqual([]);
  });

  it('rejects invokes with Electron texts and logs them in main', async () => {
    const d = await boot({ entry: fixture('app-main.ts') });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    await expect(d.invoke('nope')).rejects.toThrow(
      /^Error invoking remote method 'nope': Error: No handler registered for 'nope'$/,
    );
    await expect(d.invoke('boom')).rejects.toThrow(/^Error invoking remote method 'boom': Error: kaboom$/);
    await d.waitFor(() => d.stderr().includes("Error occurred in handler for 'boom':"));
    expect(d.stderr()).toContain("Error occurred in handler for 'nope': Error: No handler registered for 'nope'");
  });

  it('a load the protocol handler answers with 404 fails: did-fail-load and a rejected loadURL', async () => {
    const d = await boot({ entry: fixture('app-main.ts'), env: { FIXTURE_URL: 'app://fixture/missing.html' } });
    const s = await d.waitFor((x) => x.windows[0]?.loadError !== null && x.windows[0]?.loadError !== undefined);
    expect(s.windows[0]).toMatchObject({ loaded: false, loadError: 'ERR_HTTP_RESPONSE_CODE_FAILURE', visible: false });
    expect(await d.invoke('clicks')).toEqual([
      "load-failed:ERR_HTTP_RESPONSE_CODE_FAILURE (-379) loading 'app://fixture/missing.html'",
    ]);
  });

  it('a scheme with no handler fails to load', async () => {
    const d = await boot({ entry: fixture('app-main.ts'), env: { FIXTURE_URL: 'pallet://x/index.html' } });
    const s = await d.waitFor((x) => Boolean(x.windows[0]?.loadError));
    expect(s.windows[0]!.loadError).toBe('ERR_UNKNOWN_URL_SCHEME');
  });

  it('a notification the app did not keep is collected and its click lost; a kept one is delivered', async () => {
    const d = await boot({ entry: fixture('app-main.ts') });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    await d.invoke('notify', { title: 'dropped', keep: false });
    await d.invoke('notify', { title: 'kept', keep: true });
    await d.gc();
    const s = await d.state();
    expect(s.notifications.map((n) => [n.title, n.shown, n.alive])).toEqual([
      ['dropped', true, false],
      ['kept', true, true],
    ]);
    expect(await d.clickNotification(0)).toEqual({ delivered: false });
    expect(await d.clickNotification(1)).toEqual({ delivered: true });
    expect(await d.invoke('clicks')).toEqual(['notification:kept']);
  });

  it('reads the tray and clicks its items; Quit runs the quit sequence and the process exits 0', async () => {
    const d = await boot({ entry: fixture('app-main.ts') });
    const s = await d.waitFor((x) => x.trays.length === 1 && x.windows[0]?.loaded === true);
    expect(s.trays[0]).toMatchObject({ tooltip: 'Fixture', image: { empty: false, width: 16, height: 16 } });
    expect(s.trays[0]!.menu.map((m) => m.label)).toEqual(['Open', 'Throw', '', 'Quit']);
    await d.clickTray('Open');
    // A throwing menu handler is main's uncaught exception (Electron's error box), not the test's.
    await d.clickTray('Throw');
    expect((await d.waitFor((x) => x.uncaughtErrors.length === 1)).uncaughtErrors[0]!.message).toBe(
      'menu handler failed',
    );
    await expect(d.clickTray('Nope')).rejects.toThrow("no tray menu item 'Nope'");
    expect(await d.invoke('clicks')).toEqual(['tray:Open']);
    await d.clickTray('Quit');
    const exit = await d.exited;
    expect(exit.code).toBe(0);
    expect((await d.state()).lifecycle).toEqual(['before-quit', 'close:1', 'closed:1', 'will-quit', 'quit:0']);
  });

  it('open-file carries a preventable event; second-instance waits for ready', async () => {
    const d = await boot({ entry: fixture('app-main.ts'), readyMode: 'manual' });
    expect(await d.emitApp('open-file', '/tmp/list.csv')).toEqual({
      defaultPrevented: true,
      listeners: 1,
      queued: false,
    });
    expect(await d.emitApp('second-instance', ['pallet', '/tmp/b.csv'], '/tmp')).toMatchObject({ queued: true });
    expect((await d.state()).ready).toBe(false);
    await d.ready();
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    expect(await d.invoke('clicks')).toEqual(['open-file:/tmp/list.csv', 'second-instance:pallet /tmp/b.csv']);
  });

  it('a second instance gets no lock and quits', async () => {
    const d = await boot({ entry: fixture('app-main.ts'), env: { PALLET_DOUBLE_SECOND_INSTANCE: '1' } });
    const exit = await d.exited;
    expect(exit.code).toBe(0);
    expect((await d.state()).lifecycle).toEqual(['before-quit', 'will-quit', 'quit:0']);
  });
});

describe('lifecycle', () => {
  const info = async (d: MainDriver) => (await d.invoke('info')) as { events: string[] } & Record<string, unknown>;

  it('sets the process up as Electron main; ESM import and CJS require share one double', async () => {
    const d = await boot({ entry: fixture('lifecycle-main.ts') });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    const electronVersion = (
      JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
    ).version;
    expect(await info(d)).toMatchObject({
      sameInstance: true,
      processType: 'browser',
      electronVersion,
      modules: '150',
      resourcesPath: d.resourcesPath,
      name: APP_NAME,
      version: PKG.version,
      isPackaged: false,
      userData: join(d.appData, APP_NAME),
      logs: join(d.appData, APP_NAME, 'logs'),
      appPath: ROOT,
      hasSend: 'undefined',
    });
  });

  it('userData is computed on first query and cached: a later setName does not move it', async () => {
    const d = await boot({
      entry: fixture('lifecycle-main.ts'),
      env: { FIXTURE_EARLY_USERDATA: '1', FIXTURE_SET_NAME_LATE: 'Later' },
    });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    const i = await info(d);
    expect(i.events).toEqual([`early-userData:${join(d.appData, APP_NAME)}`, 'ready-event']);
    expect(i).toMatchObject({ name: 'Later', userData: join(d.appData, APP_NAME) });
  });

  it('setName before the first query names userData; PALLET_DOUBLE_PACKAGED sets isPackaged', async () => {
    const d = await boot({
      entry: fixture('lifecycle-main.ts'),
      env: { FIXTURE_SET_NAME: 'Renamed', PALLET_DOUBLE_PACKAGED: '1' },
    });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    expect(await info(d)).toMatchObject({ userData: join(d.appData, 'Renamed'), isPackaged: true });
  });

  it('app.quit: before-quit, close, closed, will-quit, quit, then exit 0', async () => {
    const d = await boot({ entry: fixture('lifecycle-main.ts'), env: { FIXTURE_WINDOWS: '2' } });
    await d.waitFor((x) => x.windows.length === 2 && x.windows.every((w) => w.loaded));
    await d.quit();
    expect((await d.exited).code).toBe(0);
    expect((await d.state()).lifecycle).toEqual([
      'before-quit',
      'close:1',
      'closed:1',
      'close:2',
      'closed:2',
      'will-quit',
      'quit:0',
    ]);
  });

  it('preventing before-quit, a close or will-quit cancels that quit; the next quit goes through', async () => {
    for (const prevent of ['FIXTURE_PREVENT_BEFORE_QUIT', 'FIXTURE_PREVENT_CLOSE', 'FIXTURE_PREVENT_WILL_QUIT']) {
      const d = await boot({ entry: fixture('lifecycle-main.ts'), env: { [prevent]: '1' } });
      await d.waitFor((x) => x.windows[0]?.loaded === true);
      await d.invoke('quit');
      await new Promise((r) => setTimeout(r, 100));
      const s = await d.state();
      expect(s.quit, prevent).toBeNull();
      const expected = {
        FIXTURE_PREVENT_BEFORE_QUIT: ['before-quit'],
        FIXTURE_PREVENT_CLOSE: ['before-quit', 'close:1'],
        FIXTURE_PREVENT_WILL_QUIT: ['before-quit', 'close:1', 'closed:1', 'will-quit'],
      }[prevent];
      expect(s.lifecycle, prevent).toEqual(expected);
      await d.quit();
      expect((await d.exited).code).toBe(0);
      expect((await d.state()).lifecycle.slice(-2)).toEqual(['will-quit', 'quit:0']);
    }
  });

  it('app.exit(code): no before-quit or will-quit, windows destroyed (closed fires), quit with the code, exit code', async () => {
    const d = await boot({ entry: fixture('lifecycle-main.ts') });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    await d.invoke('exit', 3);
    expect((await d.exited).code).toBe(3);
    expect((await d.state()).lifecycle).toEqual(['exit:3', 'closed:1', 'quit:3']);
  });

  it('closing the last window quits when the app does not listen to window-all-closed', async () => {
    const d = await boot({ entry: fixture('lifecycle-main.ts') });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    await d.closeWindow(1);
    expect((await d.exited).code).toBe(0);
    expect((await d.state()).lifecycle).toEqual([
      'close:1',
      'closed:1',
      'window-all-closed',
      'before-quit',
      'will-quit',
      'quit:0',
    ]);
  });

  it('with a window-all-closed listener, closing the last window does not quit', async () => {
    const d = await boot({ entry: fixture('lifecycle-main.ts'), env: { FIXTURE_LISTEN_WAC: '1' } });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    await d.closeWindow(1);
    const s = await d.waitFor((x) => x.lifecycle.includes('window-all-closed'));
    expect(s.quit).toBeNull();
    expect(s.windows[0]!.destroyed).toBe(true);
  });

  it('an uncaught exception with no handler of the app: error box recorded, main keeps running', async () => {
    const d = await boot({ entry: fixture('lifecycle-main.ts') });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    await d.invoke('throw-later', 'late failure');
    const s = await d.waitFor((x) => x.uncaughtErrors.length === 1);
    expect(s.uncaughtErrors[0]!.message).toBe('late failure');
    expect(s.dialogs.errorBoxes[0]!.title).toBe('A JavaScript error occurred in the main process');
    expect(s.dialogs.errorBoxes[0]!.content).toMatch(/^Uncaught Exception:\nError: late failure\n/);
    expect(d.stderr()).toContain('A JavaScript error occurred in the main process');
    expect(await info(d)).toMatchObject({ events: ['ready-event'] });
  });

  it('an app with its own uncaughtException handler gets no error box', async () => {
    const d = await boot({ entry: fixture('lifecycle-main.ts'), env: { FIXTURE_UNCAUGHT_HANDLER: '1' } });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    await d.invoke('throw-later', 'handled');
    await new Promise((r) => setTimeout(r, 100));
    expect((await info(d)).events).toEqual(['ready-event', 'own-handler:handled']);
    expect((await d.state()).uncaughtErrors).toEqual([]);
  });
});

describe('more of the double in a booted main', () => {
  const info = async (d: MainDriver) => (await d.invoke('info')) as { events: string[] } & Record<string, unknown>;

  it('auto mode emits ready only after the entry finished its top-level await', async () => {
    const d = await boot({ entry: fixture('lifecycle-main.ts'), env: { FIXTURE_TLA_MS: '300' } });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    expect((await info(d)).events).toEqual(['ready-event']);
  });

  it('a CommonJS main gets the double through require and is readied after its code ran', async () => {
    const d = await boot({ entry: fixture('cjs-main.cjs') });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    expect(await d.invoke('events')).toEqual({ events: ['top-level', 'ready-event'], type: 'browser' });
  });

  it('utility processes do not outlive a killed main', async () => {
    const d = await boot({ entry: fixture('lifecycle-main.ts') });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    await d.invoke('fork-keep');
    const s = await d.waitFor((x) => x.utilityProcesses[0]?.spawned === true);
    const pid = s.utilityProcesses[0]!.pid!;
    d.kill('SIGKILL');
    await d.exited;
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const end = Date.now() + 5_000;
    while (alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
  });

  it('activate carries hasVisibleWindows', async () => {
    const d = await boot({ entry: fixture('lifecycle-main.ts') });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    await d.emitApp('activate');
    expect((await info(d)).events).toEqual(['ready-event', 'activate:true']);
  });

  it('safeStorage with basic_text: unavailable until setUsePlainTextEncryption(true), then a v10 round trip', async () => {
    const d = await boot({ entry: fixture('lifecycle-main.ts'), env: { PALLET_DOUBLE_SAFESTORAGE: 'basic_text' } });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    expect(await d.invoke('safe', { plainText: false })).toEqual({
      before: false,
      after: false,
      backend: 'basic_text',
      roundTrip: null,
      error: 'Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.',
    });
    expect(await d.invoke('safe', { plainText: true })).toEqual({
      before: false,
      after: true,
      backend: 'basic_text',
      roundTrip: 'pw',
      error: null,
    });
  });

  it("a utility process with stdio 'inherit' writes to main's stdout and stderr", async () => {
    const d = await boot({ entry: fixture('lifecycle-main.ts') });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    await d.invoke('fork-inherit');
    await d.waitFor(() => d.stdout().includes('to stdout') && d.stderr().includes('to stderr'));
  });
});

describe('npm packages under the double', () => {
  it('electron-log, electron-store and electron-updater load and work', async () => {
    const d = await boot({ entry: fixture('libs-main.ts') });
    await d.waitFor((x) => x.windows[0]?.loaded === true);
    const libs = (await d.invoke('libs')) as { storePath: string; n: number; logFile: string; updaterCurrent: string };
    expect(libs.storePath).toBe(join(d.appData, APP_NAME, 'fixture.json'));
    expect(libs.n).toBe(7);
    expect(libs.logFile).toBe(join(d.appData, APP_NAME, 'logs', 'main.log'));
    expect(libs.updaterCurrent).toBe(PKG.version);
    expect(existsSync(libs.storePath)).toBe(true);
    const s = await d.state();
    expect(s.handlerChannels).toContain('__ELECTRON_LOG__');
    expect(s.uncaughtErrors).toEqual([]);
  });
});
