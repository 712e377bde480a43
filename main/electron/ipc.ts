import { ipcMain } from 'electron';
import type { Channel } from '../../preload/contract/channels.ts';
import type { Router } from '../ipc/router.ts';

/**
 * Registers a handler for every contract channel before the window exists, so the renderer's first calls never meet
 * Electron's "No handler registered". Each call waits for the router (the app finishing its start) and goes through it
 * with the sending frame's URL and whether it is the main frame.
 */
export function registerIpc(channels: readonly Channel[], router: () => Promise<Router>): void {
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, payload) => {
      const frame = event.senderFrame;
      return (await router()).handle(channel, payload, {
        url: frame?.url ?? '',
        isMainFrame: frame !== null && frame === event.sender.mainFrame,
      });
    });
  }
}
