import { mkdirSync } from 'node:fs';
import { decideRefreshRun } from '../decisions/kind.ts';
import { LOOKUP_SWEEP } from '../lookups/kind.ts';
import { legacyReportsDir, reportsDir } from '../imports/data-paths.ts';
import { dirname, join } from 'node:path';
import { createHandlers, classifyError } from '../ipc/handlers/index.ts';
import { fileURLToPath } from 'node:url';
import { createProductReader, type ProductReader } from '../products/reader.ts';
import type { FilesPort, SecretsPort, SettingsStore } from '../ports.ts';
import { createSecrets } from './secrets.ts';
import type { Settings } from '../settings/schema.ts';
import { createMemorySettings } from '../settings/store.ts';
import { createRouter, type Router } from '../ipc/router.ts';
import type { ProcessLauncher } from '../workers/launcher.ts';
import { openDatabaseSafely } from './database-recovery.ts';
import { createDatabaseUpkeep, type DatabaseUpkeep, type UpkeepOptions } from './database-upkeep.ts';
import { createDesktop, type AppPorts, type Desktop, type DesktopSettings } from './desktop.ts';
import { createEngine, retentionMsOf, type Engine, type EngineOptions } from './engine.ts';

export type { AppPorts };

export interface CreateAppOptions {
  dbPath: string;
  launcher: ProcessLauncher;
  ports: AppPorts;
  /** The origin the renderer is served from: `app://pallet` in the app, the harness's http origin in e2e tests. */
  appOrigin: string;
  version: string;
  settings(): DesktopSettings;
  workers?: number;
  engine?: Partial<Omit<EngineOptions, 'dbPath' | 'launcher' | 'workers'>>;
  /** Where exports go (the user's Downloads in the app); default: an `exports` folder beside the database. */
  exportDir?: () => string;
  /** Preferences (electron-store in the app; in memory by default). */
  settingsStore?: SettingsStore<Settings>;
  /** Encrypted credentials (safeStorage in the app); without it, storing credentials is refused with the reason. */
  secrets?: SecretsPort;
  /** Opens reports and reveals exports (Electron's shell in the app). */
  files?: FilesPort;
  /** The sample supplier file and reference catalog; default: the repository's resources/sample. */
  sampleDir?: string;
  /** Folder of the app's log files (`app.getPath('logs')` in the app), opened by Settings' "Open logs folder". */
  logsDir?: string;
  /** How often the lookup sweep takes pending and due products (default 5 minutes). */
  sweepIntervalMs?: number;
  log?: (message: string) => void;
  /** The database's start-up check budget and routine care (tests shorten or start them by hand). */
  database?: { checkBudgetMs?: number; upkeep?: Partial<Omit<UpkeepOptions, 'dbPath' | 'backupsKept' | 'log'>> };
}

export interface PalletApp {
  engine: Engine;
  /** Daily backups and the weekly integrity check. */
  upkeep: DatabaseUpkeep;
  reader: ProductReader;
  router: Router;
  desktop: Desktop;
  /** Shuts down as quitting does without the quit: desktop behaviour, upkeep, the read threads, the engine. */
  close(): Promise<void>;
}

/** Builds the whole main-process core against ports: engine (queue, workers), IPC router, desktop behaviour. */
export async function createApp(o: CreateAppOptions): Promise<PalletApp> {
  const log = o.log ?? ((m) => console.error(m));
  const settings = o.settingsStore ?? createMemorySettings();
  // Before the engine opens (and migrates) the file: a damaged one goes to the user's choice, never recreated silently.
  await openDatabaseSafely({
    dbPath: o.dbPath,
    dialog: o.ports.dialog,
    log,
    backupsKept: settings.get('backupsKept'),
    checkBudgetMs: o.database?.checkBudgetMs,
  });
  const engine = await createEngine({
    dbPath: o.dbPath,
    launcher: o.launcher,
    workers: o.workers ?? 2,
    ...o.engine,
    scheduler: { retentionMs: retentionMsOf(settings.get('retentionDays')), ...o.engine?.scheduler },
  });
  // The sweep: up to 5,000 pending or due products per run, SP-API when credentials exist, else the local catalog.
  engine.recurring.define({
    name: LOOKUP_SWEEP,
    kind: 'lookup',
    payload: { provider: 'auto', scope: 'pending', limit: 5000 },
    intervalMs: o.sweepIntervalMs ?? 5 * 60_000,
  });
  // Restrictions, offers and Buy Box prices change: decisions older than a week are made again, a batch a day.
  engine.recurring.define(decideRefreshRun);
  const reader = createProductReader(o.dbPath);
  const exportDir =
    o.exportDir ??
    (() => {
      const dir = join(dirname(o.dbPath), 'exports');
      mkdirSync(dir, { recursive: true });
      return dir;
    });
  const router = createRouter({
    handlers: createHandlers({
      db: engine.db,
      queue: engine.queue,
      version: o.version,
      reader,
      exportDir,
      dialog: o.ports.dialog,
      app: {
        settings,
        secrets:
          o.secrets ??
          createSecrets(
            { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
            { get: () => undefined, set: () => {}, delete: () => {} },
          ),
        network: o.engine?.network,
        onCredentialsChanged: () => engine.refreshSecrets(),
        onSettingsChanged: (patch) => {
          if (patch.retentionDays !== undefined) engine.scheduler.setRetention(retentionMsOf(patch.retentionDays));
        },
        files: o.files ?? {
          open: () => Promise.reject(new Error('Opening files is not available here.')),
          showInFolder: () => {},
        },
        // This database's reports, those earlier versions wrote to the shared folder, and exports.
        fileRoots: () => [reportsDir(o.dbPath), legacyReportsDir(o.dbPath), exportDir()],
        sampleDir: o.sampleDir ?? fileURLToPath(new URL('../../resources/sample', import.meta.url)),
        logsDir: o.logsDir,
      },
    }),
    appOrigin: o.appOrigin,
    classify: classifyError,
    onInternalError: (channel, err) =>
      log(`[ipc] ${channel}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
  });
  const upkeep = createDatabaseUpkeep({
    notifier: o.ports.notifier,
    ...o.database?.upkeep,
    dbPath: o.dbPath,
    backupsKept: () => settings.get('backupsKept'),
    log,
  });
  // The read threads hold the file open: they close before the engine, as the quit path does.
  async function stopEngine(): Promise<void> {
    await upkeep.stop();
    await reader.close();
    await engine.stop();
  }
  const desktop = createDesktop({
    queue: engine.queue,
    scheduler: engine.scheduler,
    ...o.ports,
    settings: o.settings,
    stopEngine,
    onError: (err) => log(`[desktop] ${err instanceof Error ? err.message : String(err)}`),
  });
  desktop.start();
  upkeep.start();
  // The window's offline banner follows the OS's word at once (jobs waiting for the network say the rest).
  o.engine?.network?.onChange((online) => o.ports.window.send({ type: 'network', online }));
  return {
    engine,
    upkeep,
    reader,
    router,
    desktop,
    async close() {
      desktop.dispose();
      await stopEngine();
    },
  };
}
