// Runs in the page before the app (an init script): builds window.pallet with the real buildApi over the harness's
// transport — the stand-in for Electron's contextBridge + ipcRenderer + webUtils.
import { buildApi } from '../../preload/build-api.ts';

type HarnessWindow = Window & {
  __palletInvoke(channel: string, payload: unknown): Promise<unknown>;
  __palletDispatch?: (channel: string, payload: unknown) => void;
  __palletFiles?: Record<string, string>;
  pallet?: unknown;
};
const w = window as unknown as HarnessWindow;
const listeners = new Map<string, Set<(p: unknown) => void>>();
w.__palletDispatch = (channel, payload) => listeners.get(channel)?.forEach((l) => l(payload));

// Only the top-level page gets the bridge, as with a preload in the main frame; frames can still reach the binding.
if (window.top === window) {
  w.pallet = buildApi({
    // The harness answers with JSON text (see harness.ts): parsed here, as Electron hands the renderer a clone.
    invoke: async (channel, payload) => JSON.parse((await w.__palletInvoke(channel, payload)) as string) as unknown,
    subscribe(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => void set.delete(listener);
    },
    // webUtils.getPathForFile: the test says which real file each dropped name stands for.
    pathForFile: (file) => w.__palletFiles?.[file.name] ?? null,
  });
}
