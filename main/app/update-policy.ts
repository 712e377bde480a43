// When Pallet looks for updates and when it asks to restart. The platform's updater (electron-updater in the app) sits
// behind UpdaterPort; the question to the user behind UpdateDialogPort. Nothing here imports Electron.
import type { LogScope } from './app-log.ts';

/** Whether this build can update itself, and if not why (said once in the log). */
export type UpdateFeed = { on: true } | { on: false; reason: string };

/** The release feed as the policy needs it. */
export interface UpdaterPort {
  readonly feed: UpdateFeed;
  /** Asks the feed for a newer version: its version, or null when this one is the latest. Rejects when offline etc. */
  check(): Promise<{ version: string } | null>;
  /** Downloads the version `check()` found; resolves once it is ready to install (at quit or by `quitAndInstall`). */
  download(): Promise<void>;
  /** Quits and installs the downloaded update, then starts the new version. The app's quit flow must run first. */
  quitAndInstall(): void;
}

/** The one question the policy asks. */
export interface UpdateDialogPort {
  /** "Pallet X is ready to install. Restart now?" — true for Restart, false for Later. */
  askRestart(version: string): Promise<boolean>;
}

/** Timers and the wall clock, faked in tests. */
export interface UpdateTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface UpdatePolicyDeps {
  updater: UpdaterPort;
  dialog: UpdateDialogPort;
  /** Drains running jobs through the app's own quit flow, then calls `updater.quitAndInstall()`. */
  restart: () => void | Promise<void>;
  log: LogScope;
  timers?: UpdateTimers;
  /** Delay of the first check after start (default 30 s: the window and workers come up first). */
  firstCheckMs?: number;
  /** Time between checks (default a day). */
  intervalMs?: number;
  /** How often the wall clock is compared with the next check (default an hour): timers stall while the machine sleeps. */
  pollMs?: number;
}

/** The text of the restart question (Restart is button 0). */
export function restartPrompt(version: string): { message: string; detail: string; buttons: ['Restart', 'Later'] } {
  return {
    message: `Pallet ${version} is ready to install. Restart now?`,
    detail:
      'Running jobs stop at their last checkpoint first and carry on after the restart. Later installs it the next time you quit Pallet.',
    buttons: ['Restart', 'Later'],
  };
}

/** Whether a build has a release feed: packaged, with electron-builder's app-update.yml among its resources. */
export function detectFeed(o: {
  isPackaged: boolean;
  configPath: string;
  exists: (path: string) => boolean;
}): UpdateFeed {
  if (!o.isPackaged) return { on: false, reason: 'this is a development build (not packaged).' };
  if (!o.exists(o.configPath))
    return { on: false, reason: `this build has no release feed (${o.configPath} is missing).` };
  return { on: true };
}

const DAY = 24 * 60 * 60_000;

const realTimers: UpdateTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Checks shortly after start and then daily; downloads what it finds in the background; once downloaded asks to
 * restart (at most once a day: "Later" leaves it to be installed when Pallet next quits). Failures are logged and
 * retried at the next check, never shown. Without a feed it does nothing.
 */
export function createUpdatePolicy(d: UpdatePolicyDeps) {
  const timers = d.timers ?? realTimers;
  const interval = d.intervalMs ?? DAY;
  const poll = Math.min(d.pollMs ?? 60 * 60_000, interval);
  let timer: unknown = null;
  let nextCheckAt = 0;
  let running: Promise<void> | null = null;
  let askAgainAt = 0;
  let restarting = false;
  let started = false;
  let stopped = false;

  const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 500);

  const arm = (ms: number) => {
    if (!stopped) timer = timers.setTimeout(tick, ms);
  };
  function tick(): void {
    timer = null;
    if (stopped) return;
    if (timers.now() >= nextCheckAt) void check();
    arm(poll);
  }

  async function offer(version: string): Promise<void> {
    if (timers.now() < askAgainAt) {
      d.log.info(`Pallet ${version} is downloaded; it installs when Pallet quits.`);
      return;
    }
    // Asked again tomorrow at the earliest, whatever the answer.
    askAgainAt = timers.now() + DAY;
    if (!(await d.dialog.askRestart(version))) {
      d.log.info(`Pallet ${version} is downloaded; the user chose Later, so it installs when Pallet quits.`);
      return;
    }
    if (stopped || restarting) return;
    restarting = true;
    d.log.info(`Restarting to install Pallet ${version}.`);
    try {
      await d.restart();
    } catch (err) {
      d.log.error(`Could not restart to install Pallet ${version}: ${message(err)}`);
    } finally {
      // Still here (the quit was cancelled, or failed): the update waits for the next quit, checks go on.
      restarting = false;
    }
  }

  async function run(): Promise<void> {
    nextCheckAt = timers.now() + interval;
    let found: { version: string } | null;
    try {
      found = await d.updater.check();
    } catch (err) {
      d.log.warn(`Update check failed (${message(err)}); trying again at the next check.`);
      return;
    }
    if (!found) {
      d.log.info('Pallet is up to date.');
      return;
    }
    d.log.info(`Pallet ${found.version} is available; downloading it in the background.`);
    try {
      await d.updater.download();
    } catch (err) {
      d.log.warn(`Downloading Pallet ${found.version} failed (${message(err)}); trying again at the next check.`);
      return;
    }
    if (stopped) return;
    try {
      await offer(found.version);
    } catch (err) {
      d.log.error(`Could not ask about Pallet ${found.version}: ${message(err)}`);
    }
  }

  /** One check now (unless one is under way): check, download, ask. Never rejects. */
  function check(): Promise<void> {
    if (!d.updater.feed.on || restarting || stopped) return Promise.resolve();
    running ??= run().finally(() => (running = null));
    return running;
  }

  return {
    /** Schedules the first check; with no feed, says once why updates are off and does nothing else. */
    start(): void {
      if (started || stopped) return;
      started = true;
      if (!d.updater.feed.on) {
        d.log.info(`Updates are off: ${d.updater.feed.reason}`);
        return;
      }
      nextCheckAt = timers.now() + (d.firstCheckMs ?? 30_000);
      arm(Math.min(d.firstCheckMs ?? 30_000, poll));
    },
    check,
    /** Stops scheduling checks (a check under way finishes, but asks nothing). */
    stop(): void {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    },
  };
}
export type UpdatePolicy = ReturnType<typeof createUpdatePolicy>;
