import { mkdirSync } from 'node:fs';
import { LOOKUP_SWEEP } from '../lookups/kind.ts';
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
}

export interface PalletApp {
  engine: Engine;
  reader: ProductReader;
  router: Router;
  desktop: Desktop;
}

/** Builds the whole main-process core against ports: engine (queue, workers), IPC router, desktop behaviour. */
export async function createApp(o: CreateAppOptions): Promise<PalletApp> {
  const log = o.log ?? ((m) => console.error(m));
  const settings = o.settingsStore ?? createMemorySettings();
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
        fileRoots: () => [join(dirname(o.dbPath), 'reports'), exportDir()],
        sampleDir: o.sampleDir ?? fileURLToPath(new URL('../../resources/sample', import.meta.url)),
        logsDir: o.logsDir,
      },
    }),
    appOrigin: o.appOrigin,
    classify: classifyError,
    onInternalError: (channel, err) =>
      log(`[ipc] ${channel}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
  });
  const desktop = createDesktop({
    queue: engine.queue,
    scheduler: engine.scheduler,
    ...o.ports,
    settings: o.settings,
    stopEngine: async () => {
      await reader.close();
      await engine.stop();
    },
    onError: (err) => log(`[desktop] ${err instanceof Error ? err.message : String(err)}`),
  });
  desktop.start();
  // The window's offline banner follows the OS's word at once (jobs waiting for the network say the rest).
  o.engine?.network?.onChange((online) => o.ports.window.send({ type: 'network', online }));
  return { engine, reader, router, desktop };
}
