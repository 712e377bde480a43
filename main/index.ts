// Composition root: builds the Electron adapters and hands them to the engine. No logic lives here.
import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDbPath } from './app/paths.ts';
import { createEngine } from './app/engine.ts';
import { createUtilityLauncher } from './electron/utility-launcher.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.setName('Pallet');
  app.whenReady().then(async () => {
    const engine = await createEngine({ dbPath: defaultDbPath(), launcher: createUtilityLauncher() });
    const win = new BrowserWindow({
      width: 1200,
      height: 800,
      webPreferences: { preload: join(here, '../preload/index.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false },
    });
    await win.loadFile(join(here, '../renderer/index.html'));
    app.on('before-quit', (e) => {
      e.preventDefault();
      void engine.stop().finally(() => app.exit(0));
    });
  });
}
