import { mkdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { SettingsView } from '../../../preload/contract/channels.ts';
import { SETTINGS_KEYS, type Settings } from '../../settings/schema.ts';
import { SPAPI_SECRETS } from '../../lookups/providers.ts';
import type { FilesPort, NetworkPort, SecretsPort, SettingsStore } from '../../ports.ts';
import type { Queue } from '../../queue/queue.ts';
import { IpcError, type Handlers } from '../router.ts';

export interface AppSettingsDeps {
  queue: Queue;
  settings: SettingsStore<Settings>;
  secrets: SecretsPort;
  network?: NetworkPort;
  files: FilesPort;
  /** Folders whose files the window may open or reveal: what Pallet itself wrote (error reports, exports). */
  fileRoots: () => string[];
  /** Called after credentials were stored or removed, so running workers get them at once. */
  onCredentialsChanged?: () => void;
  /** Called with the changed settings once saved, so settings the running app holds (retention) apply at once. */
  onSettingsChanged?: (patch: Partial<Settings>) => void;
  /** Folder holding the sample supplier file and reference catalog shipped with the app. */
  sampleDir: string;
  /** Folder of the app's log files; absent outside the desktop app (CLI, e2e harness). */
  logsDir?: string;
}

type AppSettingsChannels =
  | 'settings:get'
  | 'settings:set'
  | 'credentials:set'
  | 'credentials:clear'
  | 'app:status'
  | 'app:trySample'
  | 'catalog:import'
  | 'files:open'
  | 'files:reveal'
  | 'app:openLogs';

/** Preferences, write-only credentials, the network banner's facts, the sample data and the reference catalog. */
export function createAppSettingsHandlers(d: AppSettingsDeps): Pick<Handlers, AppSettingsChannels> {
  const view = (): SettingsView => {
    const can = d.secrets.availability();
    return {
      settings: readAll(d.settings),
      // Whether credentials are stored, never what they are: the window has no way to read a secret back.
      credentials: {
        stored: Object.values(SPAPI_SECRETS).every((n) => d.secrets.has(n)),
        canStore: can.ok,
        reason: can.ok ? null : can.reason,
      },
    };
  };
  return {
    'settings:get': () => view(),
    'settings:set': (patch) => {
      for (const key of SETTINGS_KEYS) setOne(d.settings, patch, key);
      d.onSettingsChanged?.(patch);
      return view();
    },
    'credentials:set': (c) => {
      const can = d.secrets.availability();
      if (!can.ok) throw new IpcError('CONFLICT', can.reason);
      d.secrets.set(SPAPI_SECRETS.clientId, c.clientId);
      d.secrets.set(SPAPI_SECRETS.clientSecret, c.clientSecret);
      d.secrets.set(SPAPI_SECRETS.refreshToken, c.refreshToken);
      d.onCredentialsChanged?.();
      return view();
    },
    'credentials:clear': () => {
      Object.values(SPAPI_SECRETS).forEach((n) => d.secrets.delete(n));
      d.onCredentialsChanged?.();
      return view();
    },
    'app:status': () => {
      const waiting = d.queue.counts().waiting_network;
      return { online: d.network ? d.network.isOnline() : true, waitingNetwork: waiting };
    },
    'app:trySample': () => {
      // The reference catalog first, then (queued by it) the supplier file: its lookups find the sample ASINs offline.
      const catalog = d.queue.enqueue({
        kind: 'catalog_import',
        payload: {
          path: join(d.sampleDir, 'reference-catalog.csv'),
          importAfter: join(d.sampleDir, 'supplier-sample.csv'),
        },
        maxAttempts: 1,
      });
      return { jobIds: [catalog.id] };
    },
    'files:open': async ({ path }) => {
      await d.files.open(await ownFile(path, d.fileRoots()));
      return { ok: true as const };
    },
    'files:reveal': async ({ path }) => {
      d.files.showInFolder(await ownFile(path, d.fileRoots()));
      return { ok: true as const };
    },
    'app:openLogs': async () => {
      if (!d.logsDir) throw new IpcError('NOT_FOUND', 'Logs are kept by the desktop app only.');
      // Nothing may have been logged yet: the folder is made so the file manager has something to open.
      await mkdir(d.logsDir, { recursive: true });
      try {
        await d.files.open(d.logsDir);
      } catch (err) {
        // The path lets the user find the folder by hand when the file manager will not open.
        throw new IpcError(
          'INTERNAL',
          `Could not open the logs folder ${d.logsDir}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      return { path: d.logsDir };
    },
    'catalog:import': ({ path }) => ({
      jobId: d.queue.enqueue({ kind: 'catalog_import', payload: { path }, maxAttempts: 1 }).id,
    }),
  };
}

function readAll(store: SettingsStore<Settings>): Settings {
  return Object.fromEntries(SETTINGS_KEYS.map((k) => [k, store.get(k)])) as Settings;
}

// One key at a time, so the value keeps that key's type; a key the patch leaves out is left alone.
function setOne<K extends keyof Settings>(store: SettingsStore<Settings>, patch: Partial<Settings>, key: K): void {
  const value = patch[key];
  if (value !== undefined) store.set(key, value);
}

// The window may only open what Pallet wrote: a path (links resolved) inside one of the roots, that exists.
async function ownFile(path: string, roots: readonly string[]): Promise<string> {
  if (!isAbsolute(path)) throw new IpcError('INVALID_INPUT', 'The path must be absolute.');
  const real = await realpath(path).catch(() => null);
  if (!real) throw new IpcError('NOT_FOUND', `${path} no longer exists.`);
  for (const root of roots) {
    const r = await realpath(root).catch(() => resolve(root));
    const rel = relative(r, real);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return real;
  }
  throw new IpcError('FORBIDDEN', 'Pallet only opens the reports and exports it wrote.');
}
