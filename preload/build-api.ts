import { EVENT_CHANNEL, METHODS, type AppApi, type AppEvent } from './contract/channels.ts';

/** What the platform gives the bridge: Electron's ipcRenderer and webUtils, or the e2e harness's binding. */
export interface BridgeTransport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
  pathForFile(file: File): string | null;
}

/** Builds `window.pallet` from the contract: one named method per channel, nothing else reaches the renderer. */
export function buildApi(transport: BridgeTransport): AppApi {
  const api: Record<string, unknown> = {};
  for (const [group, methods] of Object.entries(METHODS)) {
    const g: Record<string, (input?: unknown) => Promise<unknown>> = {};
    for (const [name, channel] of Object.entries(methods))
      g[name] = (input?: unknown) => transport.invoke(channel, input);
    api[group] = Object.freeze(g);
  }
  api.onEvent = (listener: (e: AppEvent) => void) => transport.subscribe(EVENT_CHANNEL, (p) => listener(p as AppEvent));
  api.pathForFile = (file: File) => transport.pathForFile(file);
  return Object.freeze(api) as unknown as AppApi;
}
