// electron-updater behind UpdaterPort, and the restart question as a native dialog. The policy (when to check, when
// to ask) is main/app/update-policy.ts.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AppLog } from '../app/app-log.ts';
import { detectFeed, restartPrompt, type UpdateDialogPort, type UpdaterPort } from '../app/update-policy.ts';

// Loaded on first use: electron-updater reads `app` as soon as its autoUpdater is touched, and stays a node_modules
// dependency rather than part of the bundle.
const load = createRequire(import.meta.url);
const electron = () => load('electron') as typeof import('electron');

/**
 * The release feed electron-builder's `publish` config writes into packaged apps as `<resources>/app-update.yml`.
 * Without it (development, or a build without `publish`) the port is inert and electron-updater is never loaded.
 */
export function createUpdater(o: { log: AppLog; isPackaged?: boolean; resourcesPath?: string }): UpdaterPort {
  const isPackaged = o.isPackaged ?? electron().app.isPackaged;
  const configPath = join(o.resourcesPath ?? process.resourcesPath ?? '', 'app-update.yml');
  const feed = detectFeed({ isPackaged, configPath, exists: existsSync });
  if (!feed.on) return { feed, check: async () => null, download: async () => {}, quitAndInstall: () => {} };

  const { autoUpdater } = load('electron-updater') as typeof import('electron-updater');
  const scope = o.log.scope('updater');
  // electron-updater logs each failure as an error with its stack; offline is routine here, and the policy logs the
  // outcome, so its own account is kept as a warning.
  autoUpdater.logger = {
    info: (m: unknown) => scope.info(String(m)),
    warn: (m: unknown) => scope.warn(String(m)),
    error: (m: unknown) => scope.warn(String(m)),
  };
  // The policy downloads what a check finds; a downloaded update left alone installs when the app quits.
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = true;
  return {
    feed,
    async check() {
      const r = await autoUpdater.checkForUpdates();
      return r?.isUpdateAvailable ? { version: r.updateInfo.version } : null;
    },
    async download() {
      await autoUpdater.downloadUpdate();
    },
    // Silent (no installer wizard on Windows) and started again afterwards: "Restart" means restart.
    quitAndInstall: () => autoUpdater.quitAndInstall(true, true),
  };
}

/** Asks "Pallet X is ready to install. Restart now?" in a native dialog: Restart or Later. */
export function createUpdateDialogPort(): UpdateDialogPort {
  return {
    async askRestart(version) {
      const p = restartPrompt(version);
      const { response } = await electron().dialog.showMessageBox({
        type: 'info',
        message: p.message,
        detail: p.detail,
        buttons: p.buttons,
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      });
      return response === 0;
    },
  };
}
