import { originOf } from './origin.ts';

/** Where an IPC call came from, as Electron reports it (or the e2e harness, from Playwright's frame). */
export interface SenderInfo {
  /** URL of the frame that sent the call. */
  url: string;
  isMainFrame: boolean;
}

/** Only the app's own page, in its main frame, may call main: not an iframe, not a page it navigated to. */
export function isTrustedSender(sender: SenderInfo, appOrigin: string): boolean {
  return sender.isMainFrame && originOf(sender.url) === appOrigin;
}
