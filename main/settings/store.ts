// Where preferences are kept: the interface every store implements (electron-store in the app, memory in the CLI and
// tests). It lives here, not in main/ports.ts, so main/settings imports nothing above it; ports.ts re-exports it.
import { defaultSettings, type Settings } from './schema.ts';

/** Preferences (electron-store in the app). */
export interface SettingsStore<T> {
  get<K extends keyof T>(key: K): T[K];
  set<K extends keyof T>(key: K, value: T[K]): void;
}

/** Settings held in memory (the CLI and tests; the app keeps them in electron-store). */
export function createMemorySettings(initial: Partial<Settings> = {}): SettingsStore<Settings> {
  const values: Settings = { ...defaultSettings(), ...initial };
  return {
    get: (key) => values[key],
    set: (key, value) => void (values[key] = value),
  };
}
