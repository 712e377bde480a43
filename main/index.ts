// Composition root: builds the Electron adapters and hands them to createApp(). No logic lives here.
import { app } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app/create-app.ts';
import { csvArgs } from './app/desktop.ts';
import { defaultDbPath } from './app/paths.ts';
import { registerIpc } from './electron/ipc.ts';
import { registerAppScheme, serveRenderer } from './electron/protocol.ts';
import { installSecurityHooks } from './electron/security.ts';
import { createDialogPort, createFilesPort, createLifecyclePort, createNetworkPort, createNotifierPort, createPowerPort, createTrayPort } from './electron/shell-ports.ts';
import { createSecretsPort, createSettingsStore } from './electron/storage.ts';
import { spApiSecrets } from './lookups/providers.ts';
import { createUtilityLauncher } from './electron/utility-launcher.ts';
import { createMainWindow } from './electron/window.ts';
import { APP_ORIGIN } from './security/app-protocol.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.setName('Pallet');
  registerAppScheme();
  installSecurityHooks(APP_ORIGIN);
  app.whenReady().then(async () => {
    serveRenderer(join(here, '../renderer'));
    const settings = createSettingsStore((m) => console.warn(`[settings] ${m}`));
    const { port: window } = createMainWindow({ preload: join(here, '../preload/index.cjs'), url: `${APP_ORIGIN}/index.html` });
    const secrets = createSecretsPort();
    const pallet = await createApp({
      dbPath: defaultDbPath(),
      launcher: createUtilityLauncher(),
      appOrigin: APP_ORIGIN,
      version: app.getVersion(),
      workers: settings.get('workers'),
      sweepIntervalMs: settings.get('sweepIntervalMinutes') * 60_000,
      exportDir: () => app.getPath('downloads'),
      settingsStore: settings,
      files: createFilesPort(),
      secrets,
      sampleDir: app.isPackaged ? join(process.resourcesPath, 'sample') : join(here, '../../resources/sample'),
      // Credentials go to workers over the protocol only; the window never sees them.
      engine: { network: createNetworkPort(), secrets: () => spApiSecrets(secrets) },
      settings: () => ({ closeToTray: settings.get('closeToTray'), notifications: settings.get('notifications') }),
      ports: { window, tray: createTrayPort(), notifier: createNotifierPort(), power: createPowerPort(), dialog: createDialogPort(), lifecycle: createLifecyclePort() },
    });
    registerIpc(pallet.router);
    // Launched by opening a CSV with Pallet: import it.
    pallet.desktop.importFiles(csvArgs(process.argv.slice(1)));
  });
}
