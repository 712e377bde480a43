// The CLI has no settings store: it reads the app's settings file beside the database, as the app would find it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readSettings, type Settings } from '../settings/schema.ts';

/** The app's settings for the database at `dbPath`; the defaults when there is no file or it cannot be read. */
export function cliSettings(dbPath: string): Settings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dirname(dbPath), 'settings.json'), 'utf8'));
  } catch {
    raw = undefined; // No settings file (the app never ran here) or an unreadable one: the default, as the app would.
  }
  return readSettings(raw).settings;
}
