import { app, safeStorage } from 'electron';
import Store from 'electron-store';
import { join } from 'node:path';
import { moveAsideDamaged } from '../app/damaged-file.ts';
import { createSecrets } from '../app/secrets.ts';
import { readSettings, type Settings } from '../settings/schema.ts';
import type { SecretsPort, SettingsStore } from '../ports.ts';
import type { WindowState } from '../app/window-state.ts';

/**
 * Opens an electron-store file. electron-store (conf) rethrows the JSON parse error of a damaged file from its
 * constructor, which would stop the app: such a file is moved aside (kept for the user) and the store starts empty.
 */
const AFTER_DAMAGE: Record<string, string> = {
  settings: 'the default settings are used',
  secrets: 'stored credentials must be entered again',
  'window-state': 'the window opens at its default size',
};

function openStore<T extends Record<string, unknown>>(name: string, onProblem: (message: string) => void): Store<T> {
  try {
    return new Store<T>({ name });
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    const path = join(app.getPath('userData'), `${name}.json`);
    const kept = moveAsideDamaged(path);
    onProblem(
      `The ${name} file was damaged and could not be read (${err.message}). It was kept as ${kept ?? path}; ${AFTER_DAMAGE[name] ?? 'it starts empty'}.`,
    );
    return new Store<T>({ name });
  }
}

/** Preferences in electron-store, read through the settings schema (a bad file falls back per value). */
export function createSettingsStore(onProblem: (message: string) => void): SettingsStore<Settings> {
  const store = openStore<Record<string, unknown>>('settings', onProblem);
  const { settings, problems } = readSettings(store.store);
  problems.forEach(onProblem);
  return {
    get: (key) => settings[key],
    set(key, value) {
      settings[key] = value;
      store.set(key as string, value);
    },
  };
}

/** Secrets encrypted with safeStorage, kept apart from preferences. */
export function createSecretsPort(onProblem: (message: string) => void): SecretsPort {
  const store = openStore<Record<string, string>>('secrets', onProblem);
  return createSecrets(
    {
      isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
      getSelectedStorageBackend:
        process.platform === 'linux' ? () => safeStorage.getSelectedStorageBackend() : undefined,
      encryptString: (s) => safeStorage.encryptString(s),
      decryptString: (b) => safeStorage.decryptString(b),
    },
    { get: (n) => store.get(n), set: (n, v) => store.set(n, v), delete: (n) => store.delete(n) },
  );
}

/** The main window's last place and size (main/app/window-state.ts decides what of it to restore). */
export interface WindowStateStore {
  load(): unknown;
  save(state: WindowState): void;
}

/** The window's place in its own electron-store file: a damaged one costs only the place, never the settings. */
export function createWindowStateStore(onProblem: (message: string) => void): WindowStateStore {
  const store = openStore<Record<string, unknown>>('window-state', onProblem);
  return {
    load: () => store.get('window'),
    save(state) {
      try {
        store.set('window', state);
      } catch (err) {
        // A full disk or a read-only profile must not stop the window from closing.
        onProblem(`The window's place could not be saved: ${(err as Error).message}`);
      }
    },
  };
}
