// The double's before-ready and after-ready rules, in this process: each refused call with Electron's exact message,
// each allowed one accepted. Ready cannot be undone, so the before-ready block runs first.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { getDouble } from '../support/electron-double/double.ts';

const { electron, control } = getDouble();
const {
  app,
  BrowserWindow,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  nativeImage,
  net,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  Tray,
  utilityProcess,
} = electron;
const CHILD = new URL('../support/electron-double/fixtures/utility-child.ts', import.meta.url).pathname;
const PNG_16 =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAI0lEQVR42mNgGB5AQ8PgPzmYegaMhsFoGKAbQo4YdQwgFwAA/FGPoRX+LaMAAAAASUVORK5CYII=';

/** The error a call throws (synchronously). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

afterAll(() => vi.restoreAllMocks());

describe('before ready', () => {
  it('is not ready', () => {
    expect(app.isReady()).toBe(false);
  });

  it('session.* throws a TypeError', () => {
    for (const fn of [
      () => session.defaultSession,
      () => session.fromPartition('persist:x'),
      () => session.fromPath('/tmp/x'),
    ]) {
      const e = thrown(fn);
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe('Session can only be received when app is ready');
    }
  });

  it('protocol.handle and the other session-backed protocol calls throw the session TypeError', () => {
    for (const fn of [
      () => protocol.handle('app', () => new Response('')),
      () => protocol.isProtocolHandled('app'),
      () => protocol.registerFileProtocol('app'),
    ]) {
      const e = thrown(fn);
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe('Session can only be received when app is ready');
    }
  });

  it('BrowserWindow, Tray and Notification cannot be created', () => {
    expect(() => new BrowserWindow()).toThrow(new Error('Cannot create BrowserWindow before app is ready'));
    expect(() => new Tray(nativeImage.createEmpty())).toThrow(new Error('Cannot create Tray before app is ready'));
    expect(() => new Notification({ title: 'x' })).toThrow(new Error('Cannot create Notification before app is ready'));
    expect(Notification.isSupported()).toBe(true);
  });

  it('safeStorage: unavailable, backend unknown, encrypt/decrypt throw, async variants reject', async () => {
    expect(safeStorage.isEncryptionAvailable()).toBe(false);
    expect(safeStorage.getSelectedStorageBackend()).toBe('unknown');
    expect(() => safeStorage.encryptString('x')).toThrow(new Error('safeStorage cannot be used before app is ready'));
    expect(() => safeStorage.decryptString(Buffer.from('v11x'))).toThrow(
      new Error('safeStorage cannot be used before app is ready'),
    );
    await expect(safeStorage.encryptStringAsync('x')).rejects.toThrow('safeStorage cannot be used before app is ready');
    expect(await safeStorage.isAsyncEncryptionAvailable()).toBe(false);
  });

  it('utilityProcess.fork: option validation first, then the TypeError with its trailing period', () => {
    expect(() => utilityProcess.fork('')).toThrow(new Error('Missing UtilityProcess entry script.'));
    expect(() => utilityProcess.fork(CHILD, [], { execArgv: 'x' as never })).toThrow(
      new TypeError('execArgv must be an array of strings.'),
    );
    const e = thrown(() => utilityProcess.fork(CHILD));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('utilityProcess cannot be created before app is ready.');
  });

  it('dialog: message/open/save boxes throw synchronously (no rejected promise); showErrorBox is allowed and goes to stderr', () => {
    const message = 'dialog module can only be used after app is ready';
    expect(() => dialog.showMessageBox({ message: 'hi' })).toThrow(new Error(message));
    expect(() => dialog.showMessageBoxSync({ message: 'hi' })).toThrow(new Error(message));
    expect(() => dialog.showOpenDialog({})).toThrow(new Error(message));
    expect(() => dialog.showSaveDialog({})).toThrow(new Error(message));
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    dialog.showErrorBox('Title', 'Content');
    expect(write).toHaveBeenCalledWith('Title\nContent\n');
    write.mockRestore();
    expect(control.state().dialogs.errorBoxes).toEqual([{ title: 'Title', content: 'Content' }]);
  });

  it('net, screen, globalShortcut and app.getSystemLocale throw; powerMonitor and globalShortcut.isRegistered do not', () => {
    expect(() => net.isOnline()).toThrow(new Error('net module can only be used after app is ready'));
    expect(() => net.request('http://127.0.0.1/')).toThrow(new Error('net module can only be used after app is ready'));
    expect(() => net.fetch('http://127.0.0.1/')).toThrow(new Error('net module can only be used after app is ready'));
    expect(() => screen.getPrimaryDisplay()).toThrow(
      new Error("The 'screen' module can't be used before the app 'ready' event"),
    );
    expect(() => screen.on('display-added', () => {})).toThrow(
      "The 'screen' module can't be used before the app 'ready' event",
    );
    expect(() => globalShortcut.register('X', () => {})).toThrow(
      new Error('globalShortcut cannot be used before the app is ready'),
    );
    expect(globalShortcut.isRegistered('X')).toBe(false);
    expect(() => app.getSystemLocale()).toThrow(
      new Error('app.getSystemLocale() can only be called after app is ready'),
    );
    expect(() => powerMonitor.on('resume', () => {})).not.toThrow();
    expect(() => powerMonitor.getSystemIdleState(0)).toThrow(
      new TypeError('Invalid idle threshold, must be greater than 0'),
    );
  });

  it('allows what must happen before ready', () => {
    expect(() =>
      protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true } }]),
    ).not.toThrow();
    expect(() => protocol.registerSchemesAsPrivileged('app' as never)).toThrow(
      new Error('Argument must be an array of custom schemes.'),
    );
    expect(() => app.enableSandbox()).not.toThrow();
    expect(() => app.disableHardwareAcceleration()).not.toThrow();
    expect(() => app.setAppUserModelId('com.example')).not.toThrow();
    expect(() => Menu.setApplicationMenu(null)).not.toThrow();
    expect(() => Menu.setApplicationMenu({} as never)).toThrow(new TypeError('Invalid menu'));
  });

  it('app.getPath and setPath', () => {
    expect(() => app.getPath('nonsense')).toThrow(new Error("Failed to get 'nonsense' path"));
    expect(() => app.setPath('userData', 'relative/dir')).toThrow(new Error('Path must be absolute'));
    expect(() => app.setPath('sessionData', '/does/not/exist/yet')).not.toThrow();
    expect(app.getPath('sessionData')).toBe('/does/not/exist/yet');
    expect(app.getPath('logs')).toBe(`${app.getPath('userData')}/logs`);
  });

  it('ipcMain.handle: a second handler and a non-function are refused', () => {
    ipcMain.handle('dup', () => 1);
    expect(() => ipcMain.handle('dup', () => 2)).toThrow(new Error("Attempted to register a second handler for 'dup'"));
    const e = thrown(() => ipcMain.handle('notfn', 'x' as never));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe("Expected handler to be a function, but found type 'string'");
    ipcMain.removeHandler('dup');
    expect(() => ipcMain.handle('dup', () => 2)).not.toThrow();
    expect(() => ipcMain.emit('error', new Error('x'))).not.toThrow();
  });

  it('nativeImage: data URLs decode, a missing file is an empty image', () => {
    const img = nativeImage.createFromDataURL(PNG_16);
    expect(img.isEmpty()).toBe(false);
    expect(img.getSize()).toEqual({ width: 16, height: 16 });
    img.setTemplateImage(true);
    expect(img.isTemplateImage()).toBe(true);
    const missing = nativeImage.createFromPath('/no/such/icon.png');
    expect(missing.isEmpty()).toBe(true);
    expect(missing.getSize()).toEqual({ width: 0, height: 0 });
    expect(nativeImage.createEmpty().isEmpty()).toBe(true);
  });

  it('Menu.buildFromTemplate validates items', () => {
    expect(() => Menu.buildFromTemplate([{ enabled: true } as never])).toThrow(
      new TypeError('Invalid template for MenuItem: must have at least one of label, role or type'),
    );
    expect(Menu.buildFromTemplate([{ label: 'A' }, { type: 'separator' }]).items.map((i) => i.type)).toEqual([
      'normal',
      'separator',
    ]);
  });
});

describe('after ready', () => {
  it('emits will-finish-launching, then ready; whenReady resolves', async () => {
    const order: string[] = [];
    app.once('will-finish-launching', () => order.push('will-finish-launching'));
    app.once('ready', () => order.push('ready'));
    control.emitReady();
    await app.whenReady();
    expect(order).toEqual(['will-finish-launching', 'ready']);
    expect(app.isReady()).toBe(true);
  });

  it('refuses what must happen before ready', () => {
    expect(() => protocol.registerSchemesAsPrivileged([{ scheme: 'late' }])).toThrow(
      new Error('protocol.registerSchemesAsPrivileged should be called before app is ready'),
    );
    expect(() => app.enableSandbox()).toThrow(new Error('app.enableSandbox() can only be called before app is ready'));
    expect(() => app.disableHardwareAcceleration()).toThrow(
      new Error('app.disableHardwareAcceleration() can only be called before app is ready'),
    );
  });

  it('session, screen and net work; a second protocol.handle for one scheme is refused', () => {
    expect(session.defaultSession).toBe(session.fromPartition(''));
    expect(screen.getPrimaryDisplay().size).toEqual({ width: 1920, height: 1080 });
    expect(net.isOnline()).toBe(true);
    protocol.handle('app', () => new Response('ok'));
    expect(() => protocol.handle('app', () => new Response('ok'))).toThrow(
      new Error('Failed to register protocol: app'),
    );
    expect(protocol.isProtocolHandled('app')).toBe(true);
  });

  it('safeStorage: gnome_libsecret, a v11-prefixed reversible encoding, and its decrypt errors', () => {
    expect(safeStorage.isEncryptionAvailable()).toBe(true);
    expect(safeStorage.getSelectedStorageBackend()).toBe('gnome_libsecret');
    const enc = safeStorage.encryptString('s3cret ✓');
    expect(enc.subarray(0, 3).toString()).toBe('v11');
    expect(enc.includes(Buffer.from('s3cret'))).toBe(false);
    expect(safeStorage.decryptString(enc)).toBe('s3cret ✓');
    expect(safeStorage.decryptString(Buffer.alloc(0))).toBe('');
    expect(() => safeStorage.decryptString('v11abc' as never)).toThrow(
      new Error('Expected the first argument of decryptString() to be a buffer'),
    );
    expect(() => safeStorage.decryptString(Buffer.from('plain'))).toThrow(
      new Error(
        'Error while decrypting the ciphertext provided to safeStorage.decryptString. Ciphertext does not appear to be encrypted.',
      ),
    );
    expect(() => safeStorage.decryptString(Buffer.from('v11garbage'))).toThrow(
      new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.'),
    );
  });

  it('dialog.showMessageBox answers cancelId, else 0, else the configured response, and records the options', async () => {
    expect(await dialog.showMessageBox({ message: 'a', buttons: ['Quit', 'Keep'], cancelId: 1 })).toEqual({
      response: 1,
      checkboxChecked: false,
    });
    expect(await dialog.showMessageBox({ message: 'b', buttons: ['OK'] })).toEqual({
      response: 0,
      checkboxChecked: false,
    });
    control.answerDialogs(0);
    expect((await dialog.showMessageBox({ message: 'c', cancelId: 1 })).response).toBe(0);
    control.answerDialogs(null);
    expect(control.state().dialogs.messageBoxes.map((m) => m.message)).toEqual(['a', 'b', 'c']);
  });

  it('BrowserWindow: records handlers at loadURL, loads through protocol.handle, emits did-finish-load then ready-to-show', async () => {
    ipcMain.handle('early', () => 'e');
    const win = new BrowserWindow({ show: false, webPreferences: { sandbox: true } });
    const order: string[] = [];
    win.webContents.on('did-finish-load', () => order.push('did-finish-load'));
    win.once('ready-to-show', () => order.push('ready-to-show'));
    const loading = win.loadURL('app://x/index.html');
    ipcMain.handle('after', () => 'a');
    await loading;
    expect(order).toEqual(['did-finish-load', 'ready-to-show']);
    const w = control.state().windows.find((x) => x.id === win.id)!;
    expect(w.handlersAtLoad).toContain('early');
    expect(w.handlersAtLoad).not.toContain('after');
    expect(w.url).toBe('app://x/index.html');
    expect(win.webContents.mainFrame.url).toBe('app://x/index.html');
    expect(win.isVisible()).toBe(false);
    win.show();
    expect(win.isVisible() && win.isFocused()).toBe(true);
    win.minimize();
    expect(win.isMinimized()).toBe(true);
    win.restore();
    expect(win.isMinimized()).toBe(false);
    expect(await control.invoke('early', null, win.id)).toBe('e');
    win.webContents.send('evt', { n: 1 });
    expect(() => win.webContents.send('evt', () => 1)).toThrow(new Error('An object could not be cloned.'));
    expect(control.state().windows.find((x) => x.id === win.id)!.sent).toEqual([{ channel: 'evt', args: [{ n: 1 }] }]);
    const closed = vi.fn();
    win.on('closed', closed);
    // Another window keeps the app from quitting when this one goes.
    const other = new BrowserWindow({ show: false });
    win.destroy();
    expect(closed).toHaveBeenCalledOnce();
    expect(win.isDestroyed()).toBe(true);
    expect(() => win.show()).toThrow(new TypeError('Object has been destroyed'));
    expect(BrowserWindow.getAllWindows()).toEqual([other]);
  });

  it('a failing load emits did-fail-load and rejects', async () => {
    const win = new BrowserWindow({ show: false });
    const failed = vi.fn();
    win.webContents.on('did-fail-load', (_e, code: number, desc: string) => failed(code, desc));
    await expect(win.loadURL('nope://x/')).rejects.toThrow("ERR_UNKNOWN_URL_SCHEME (-302) loading 'nope://x/'");
    expect(failed).toHaveBeenCalledWith(-302, 'ERR_UNKNOWN_URL_SCHEME');
  });

  it('Tray, Notification, globalShortcut work after ready', () => {
    const tray = new Tray(nativeImage.createFromDataURL(PNG_16));
    tray.setToolTip('tip');
    tray.setContextMenu(Menu.buildFromTemplate([{ label: 'Go', click: () => {} }]));
    expect(control.state().trays.at(-1)).toMatchObject({ tooltip: 'tip', menu: [{ label: 'Go', enabled: true }] });
    new Notification({ title: 't', body: 'b' }).show();
    expect(control.state().notifications.at(-1)).toMatchObject({ title: 't', body: 'b', shown: true });
    expect(globalShortcut.register('CommandOrControl+K', () => {})).toBe(true);
  });

  it('shell, powerSaveBlocker, powerMonitor and net are recorded or answered', async () => {
    await electron.shell.openExternal('https://example.com/');
    expect(await electron.shell.openPath('/no/such/file')).toBe('Failed to open path');
    electron.shell.showItemInFolder('/tmp');
    const id = electron.powerSaveBlocker.start('prevent-app-suspension');
    expect(electron.powerSaveBlocker.isStarted(id)).toBe(true);
    expect(electron.powerSaveBlocker.stop(id)).toBe(true);
    const resumed = vi.fn();
    powerMonitor.on('resume', resumed);
    control.emitPowerMonitor('resume');
    expect(resumed).toHaveBeenCalledOnce();
    control.setOnline(false);
    expect(net.isOnline()).toBe(false);
    control.setOnline(true);
    const s = control.state();
    expect(s.shell).toMatchObject({
      openExternal: ['https://example.com/'],
      openPath: ['/no/such/file'],
      showItemInFolder: ['/tmp'],
    });
    expect(s.powerSaveBlockers).toEqual([{ id, type: 'prevent-app-suspension', active: false }]);
  });

  it('net.request reaches a local server (what electron-updater uses); offline it errors', async () => {
    const server = createServer((_req, res) => res.end('feed'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/latest.yml`;
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = net.request({ url, method: 'GET' });
        req.on('response', (res: NodeJS.ReadableStream & { statusCode: number }) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(`${res.statusCode} ${text}`));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body).toBe('200 feed');
      control.setOnline(false);
      const offline = await new Promise<Error>((resolve) => {
        const req = net.request(url);
        req.on('error', resolve);
        req.end();
      });
      expect(offline.message).toBe('net::ERR_INTERNET_DISCONNECTED');
    } finally {
      control.setOnline(true);
      server.close();
    }
  });

  it('utilityProcess option validation (after ready)', () => {
    expect(() => utilityProcess.fork(CHILD, [], { stdio: 'bogus' as never })).toThrow(
      new Error('stdio must be of the following values: inherit, pipe, ignore'),
    );
    expect(() => utilityProcess.fork(CHILD, [], { stdio: ['pipe', 'pipe', 'pipe'] })).toThrow(
      new Error('stdin value other than ignore is not supported.'),
    );
    expect(() => utilityProcess.fork(CHILD, [], { stdio: ['ignore', 'pipe'] as never })).toThrow(
      new Error('configuration missing for stdin, stdout or stderr.'),
    );
    expect(() => utilityProcess.fork(CHILD, [], { stdio: ['ignore', 'x', 'pipe'] as never })).toThrow(
      new Error('stdout configuration must be of the following values: inherit, pipe, ignore'),
    );
    expect(() => utilityProcess.fork(CHILD, [], { serviceName: 3 as never })).toThrow(
      new TypeError('serviceName must be a string.'),
    );
    expect(() => utilityProcess.fork(CHILD, [], { cwd: 3 as never })).toThrow(
      new TypeError('cwd path must be a string.'),
    );
    expect(() => utilityProcess.fork(CHILD, [], { env: { A: 1 } as never })).toThrow(
      new TypeError('Invalid value for env'),
    );
    expect(() => utilityProcess.fork(CHILD, [1] as never)).toThrow(new TypeError('Invalid value for args'));
  });
});
