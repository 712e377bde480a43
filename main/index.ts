// Composition root: builds the Electron adapters and hands them to createApp(). What can be tested under Node lives in
// main/app; what is here is Electron's order — what must happen before `ready` (scheme privileges, listeners for files
// the OS opens with Pallet, the data folder), and what only after (sessions, windows, workers) — and the one place a
// failed start becomes a dialog, a log line and a non-zero exit.
import { app, dialog } from 'electron';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Channel } from '../preload/contract/channels.ts';
import { INPUT_SCHEMAS } from '../preload/contract/schemas.ts';
import { createApp, type PalletApp } from './app/create-app.ts';
import { csvArgs } from './app/desktop.ts';
import { createLaunchInbox } from './app/launch-inbox.ts';
import { createUpdatePolicy } from './app/update-policy.ts';
import { runSmoke } from './app/smoke.ts';
import { electronSqliteBinding, probeSqlite } from './db/native-binding.ts';
import { registerIpc } from './electron/ipc.ts';
import { createAppLog } from './electron/logging.ts';
import { registerAppScheme, serveImages, serveRenderer } from './electron/protocol.ts';
import { installSecurityHooks } from './electron/security.ts';
import {
  createDialogPort,
  createFilesPort,
  createLifecyclePort,
  createNetworkPort,
  createNotifierPort,
  createPowerPort,
  createTrayPort,
  listenForLaunchRequests,
  type LaunchRequest,
} from './electron/shell-ports.ts';
import { createSecretsPort, createSettingsStore, createWindowStateStore } from './electron/storage.ts';
import { createUtilityLauncher } from './electron/utility-launcher.ts';
import { createUpdateDialogPort, createUpdater } from './electron/updater.ts';
import { createMainWindow } from './electron/window.ts';
import { createImageResolver, imageStoreDir } from './images/serve.ts';
import { spApiSecrets } from './lookups/providers.ts';
import { APP_ORIGIN } from './security/app-protocol.ts';
import { DEVELOPMENT_ONLY_ENV } from './workers/launcher.ts';

/** The same id as electron-builder's appId: Windows ties toasts to it (without it they show nothing or the wrong name). */
const APP_USER_MODEL_ID = 'app.pallet.desktop';

const here = fileURLToPath(new URL('.', import.meta.url));
const appRoot = join(here, '../..');
const resources = (name: string) =>
  app.isPackaged ? join(process.resourcesPath, name) : join(appRoot, 'resources', name);
const smoke = process.argv.includes('--smoke');

// Before anything reads userData (the single-instance lock does, and Electron caches it at the first read).
if (process.env.PALLET_DATA_DIR) app.setPath('userData', resolve(process.env.PALLET_DATA_DIR));
const log = createAppLog({ dir: app.getPath('logs') });
// Workers' output and fatal errors go to the same log file as main's.
const workerLog = {
  line: (worker: string, line: string, stream: 'stdout' | 'stderr') => log.lineSink(worker, stream)(line),
  error: (m: string) => log.error(m),
};
process.on('uncaughtException', (err) => log.error(`uncaught: ${err.stack ?? err.message}`));
process.on('unhandledRejection', (reason) =>
  log.error(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`),
);
if (app.isPackaged) {
  for (const name of DEVELOPMENT_ONLY_ENV) {
    if (process.env[name] === undefined) continue;
    log.warn(`${name} is ignored in an installed Pallet (it would send your Amazon credentials to another server).`);
    delete process.env[name];
  }
}
app.setAppUserModelId(APP_USER_MODEL_ID);
// A CSV that launches the app (macOS open-file) arrives before ready: listen now, act once the engine runs.
const launches = createLaunchInbox<LaunchRequest>();
listenForLaunchRequests(launches);

if (!smoke && !app.requestSingleInstanceLock()) {
  // The running Pallet got our command line (second-instance) and imports what it names.
  app.quit();
} else {
  registerAppScheme();
  app
    .whenReady()
    .then(smoke ? startSmoke : start)
    .catch(failStartup);
}

/** Points every process at the better-sqlite3 build for this Electron, and refuses to go on if it does not load. */
function useElectronSqlite(): void {
  // A development override (the strict Electron double's stand-in build); an installed app always uses its own.
  const override = app.isPackaged ? undefined : process.env.PALLET_SQLITE_BINDING;
  const binding =
    override ??
    electronSqliteBinding({
      appRoot,
      isPackaged: app.isPackaged,
      resourcesPath: process.resourcesPath,
      abi: process.versions.modules,
    });
  const probe = probeSqlite(binding, { isPackaged: app.isPackaged });
  if (!probe.ok) throw new Error(probe.message);
  // Worker threads inherit it; utility processes get it through the worker environment's PALLET_* allowlist.
  process.env.PALLET_SQLITE_BINDING = binding;
}

async function start(): Promise<void> {
  useElectronSqlite();
  installSecurityHooks(APP_ORIGIN);
  serveRenderer(join(here, '../renderer'));
  const dbPath = join(app.getPath('userData'), 'pallet.db');
  // Thumbnails from the store the images job fills (beside the database, as workers place it). Until the core is up
  // there is no database to ask: such a request is a 404, and the table asks again when it renders rows.
  let core: PalletApp | null = null;
  serveImages(
    createImageResolver({
      db: () => {
        if (!core) throw new Error('not started yet');
        return core.engine.db;
      },
      root: () => imageStoreDir(dirname(dbPath)),
    }),
  );
  const notices: string[] = [];
  const onStoreProblem = (m: string) => {
    log.warn(`[settings] ${m}`);
    notices.push(m);
  };
  const settings = createSettingsStore(onStoreProblem);
  const secrets = createSecretsPort(onStoreProblem);
  // Handlers first, window second: the renderer's first calls wait for the app instead of finding no handler.
  let appReady!: { resolve(p: PalletApp): void; reject(e: unknown): void };
  const pallet = new Promise<PalletApp>((resolve, reject) => (appReady = { resolve, reject }));
  pallet.catch(() => {}); // the startup failure is reported once, by failStartup
  registerIpc(Object.keys(INPUT_SCHEMAS) as Channel[], async () => (await pallet).router);
  const { port: window } = createMainWindow({
    preload: join(here, '../preload/index.cjs'),
    url: `${APP_ORIGIN}/index.html`,
    state: createWindowStateStore(onStoreProblem),
  });
  try {
    appReady.resolve(
      await createApp({
        dbPath,
        launcher: createUtilityLauncher(workerLog),
        appOrigin: APP_ORIGIN,
        version: app.getVersion(),
        workers: settings.get('workers'),
        sweepIntervalMs: settings.get('sweepIntervalMinutes') * 60_000,
        exportDir: () => app.getPath('downloads'),
        settingsStore: settings,
        files: createFilesPort(),
        secrets,
        logsDir: log.dir,
        sampleDir: resources('sample'),
        // Credentials go to workers over the protocol only; the window never sees them.
        engine: { network: createNetworkPort(), secrets: () => spApiSecrets(secrets), packaged: app.isPackaged },
        settings: () => ({ closeToTray: settings.get('closeToTray'), notifications: settings.get('notifications') }),
        ports: {
          window,
          tray: createTrayPort(resources('tray')),
          notifier: createNotifierPort(),
          power: createPowerPort(),
          dialog: createDialogPort(),
          lifecycle: createLifecyclePort(launches),
        },
        log: (m) => log.info(m),
      }),
    );
  } catch (err) {
    appReady.reject(err);
    throw err;
  }
  core = await pallet;
  const { desktop } = core;
  // Launched by opening a CSV with Pallet (Windows, Linux): import it.
  desktop.importFiles(csvArgs(process.argv.slice(1)));
  for (const detail of notices)
    void dialog.showMessageBox({ type: 'warning', message: 'Pallet could not read a saved file', detail });
  // Updates from the release feed (off in development and without a feed); installing goes through the drain first.
  const updater = createUpdater({ log, isPackaged: app.isPackaged, resourcesPath: process.resourcesPath });
  createUpdatePolicy({
    updater,
    dialog: createUpdateDialogPort(),
    log: log.scope('updates'),
    restart: () => desktop.quit(() => updater.quitAndInstall()),
  }).start();
}

/** `electron . --smoke`: the sample import through real utility-process workers, one JSON line, exit 0 if it worked. */
async function startSmoke(): Promise<void> {
  useElectronSqlite();
  const report = await runSmoke({
    launcher: createUtilityLauncher(workerLog),
    samplePath: join(resources('sample'), 'supplier-sample.csv'),
    engine: { packaged: app.isPackaged },
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
  app.exit(report.ok ? 0 : 1);
}

/** Any failure to start: the reason in a dialog and in the log, and a non-zero exit (never a window that does nothing). */
function failStartup(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  log.error(`Pallet could not start: ${err instanceof Error ? (err.stack ?? message) : message}`);
  if (smoke) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
  else dialog.showErrorBox('Pallet could not start', `${message}\n\nThe log is at ${log.file}`);
  app.exit(1);
}
