import { ipcMain } from 'electron';
import type { Router } from '../ipc/router.ts';

/** Routes every contract channel through the router, with the sending frame's URL and whether it is the main frame. */
export function registerIpc(router: Router): void {
  for (const channel of router.channels) {
    ipcMain.handle(channel, (event, payload) => {
      const frame = event.senderFrame;
      return router.handle(channel, payload, { url: frame?.url ?? '', isMainFrame: frame !== null && frame === event.sender.mainFrame });
    });
  }
}
