import { join } from 'node:path';

/** The app's data folder, as Electron's app.getPath('userData') resolves it for "Pallet", so the CLI shares the app's database. */
export function appDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = env.HOME ?? env.USERPROFILE ?? '.',
): string {
  if (env.PALLET_DATA_DIR) return env.PALLET_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Pallet');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Pallet');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Pallet');
}

/** The database file inside the data folder. */
export function defaultDbPath(platform?: NodeJS.Platform, env?: NodeJS.ProcessEnv): string {
  return join(appDataDir(platform, env), 'pallet.db');
}
