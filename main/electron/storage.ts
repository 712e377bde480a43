import { safeStorage } from 'electron';
import Store from 'electron-store';
import { createSecrets } from '../app/secrets.ts';
import { readSettings, type Settings } from '../app/settings.ts';
import type { SecretsPort, SettingsStore } from '../ports.ts';

/** Preferences in electron-store, read through the settings schema (a bad file falls back per value). */
export function createSettingsStore(onProblem: (message: string) => void): SettingsStore<Settings> {
  const store = new Store<Record<string, unknown>>({ name: 'settings' });
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
export function createSecretsPort(): SecretsPort {
  const store = new Store<Record<string, string>>({ name: 'secrets' });
  return createSecrets(
    {
      isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
      getSelectedStorageBackend: process.platform === 'linux' ? () => safeStorage.getSelectedStorageBackend() : undefined,
      encryptString: (s) => safeStorage.encryptString(s),
      decryptString: (b) => safeStorage.decryptString(b),
    },
    { get: (n) => store.get(n), set: (n, v) => store.set(n, v), delete: (n) => store.delete(n) },
  );
}
