import { app, session, shell } from 'electron';
import { isAllowedNavigation, isAllowedPermission, safeExternalUrl } from '../security/navigation.ts';

/** Installs the hooks every window gets: no navigation away, no new windows, no webviews, no permissions. */
export function installSecurityHooks(appOrigin: string): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (e, url) => {
      if (!isAllowedNavigation(url, appOrigin)) e.preventDefault();
    });
    contents.on('will-redirect', (e, url) => {
      if (!isAllowedNavigation(url, appOrigin)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links open in the system browser only when they pass the checked helper (https, no credentials).
      const safe = safeExternalUrl(url);
      if (safe) void shell.openExternal(safe);
      return { action: 'deny' };
    });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(isAllowedPermission(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => isAllowedPermission(permission));
}
