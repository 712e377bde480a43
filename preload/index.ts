// The narrow bridge: `window.pallet` with the contract's named methods only; no ipcRenderer, no Node.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildApi } from './build-api.ts';

contextBridge.exposeInMainWorld(
  'pallet',
  buildApi({
    invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
    subscribe(channel, listener) {
      const handler = (_e: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, handler);
      return () => void ipcRenderer.off(channel, handler);
    },
    pathForFile: (file) => webUtils.getPathForFile(file) || null,
  }),
);
