import { describe, expect, it } from 'vitest';
import {
  createUpdatePolicy,
  detectFeed,
  restartPrompt,
  type UpdateFeed,
  type UpdaterPort,
  type UpdateTimers,
} from '../../../main/app/update-policy.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** A wall clock and timers that move only when told to. */
function fakeClock(start = Date.UTC(2026, 0, 5, 9)) {
  let now = start;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: UpdateTimers = {
    now: () => now,
    setTimeout: (fn, ms) => (pending.set(++seq, { at: now + ms, fn }), seq),
    clearTimeout: (h) => void pending.delete(h as number),
  };
  return {
    timers,
    pending,
    /** Moves time on, firing each due timer in order, and lets the promises they start settle. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const next = [...pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        pending.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].fn();
        await settle();
      }
      now = end;
      await settle();
    },
    /** The machine slept: the wall clock jumps, no timer fires meanwhile. */
    sleep: (ms: number) => void (now += ms),
  };
}
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** A scripted feed: each check answers with the next entry (a version, null for none, or an Error). */
function fakeUpdater(feed: UpdateFeed = { on: true }) {
  const rec = { checks: 0, downloads: 0, installs: 0 };
  const answers: (string | null | Error)[] = [];
  let downloadFails: Error | null = null;
  const port: UpdaterPort = {
    feed,
    check: async () => {
      rec.checks++;
      const a = answers.length > 1 ? answers.shift()! : (answers[0] ?? null);
      if (a instanceof Error) throw a;
      return a === null ? null : { version: a };
    },
    download: async () => {
      rec.downloads++;
      if (downloadFails) throw downloadFails;
    },
    quitAndInstall: () => void rec.installs++,
  };
  return { port, rec, answers, failDownload: (e: Error | null) => void (downloadFails = e) };
}

function setup(o: { feed?: UpdateFeed; answers?: (string | null | Error)[]; reply?: boolean[] } = {}) {
  const clock = fakeClock();
  const updater = fakeUpdater(o.feed);
  updater.answers.push(...(o.answers ?? []));
  const asked: string[] = [];
  const replies = [...(o.reply ?? [])];
  const lines: string[] = [];
  let restarts = 0;
  const policy = createUpdatePolicy({
    updater: updater.port,
    dialog: { askRestart: async (v) => (asked.push(v), replies.shift() ?? false) },
    restart: () => void restarts++,
    log: {
      info: (m) => void lines.push(`info ${m}`),
      warn: (m) => void lines.push(`warn ${m}`),
      error: (m) => void lines.push(`error ${m}`),
    },
    timers: clock.timers,
    firstCheckMs: 30_000,
  });
  return { clock, updater, asked, lines, policy, restarts: () => restarts };
}

describe('update policy', () => {
  it('checks shortly after start, then daily, and not in between', async () => {
    const s = setup({ answers: [null] });
    s.policy.start();
    await s.clock.advance(29_000);
    expect(s.updater.rec.checks).toBe(0);
    await s.clock.advance(1_000);
    expect(s.updater.rec.checks).toBe(1);
    await s.clock.advance(DAY - HOUR);
    expect(s.updater.rec.checks).toBe(1);
    await s.clock.advance(HOUR);
    expect(s.updater.rec.checks).toBe(2);
    await s.clock.advance(3 * DAY);
    expect(s.updater.rec.checks).toBe(5);
    expect(s.lines.every((l) => l === 'info Pallet is up to date.')).toBe(true);
  });

  it('checks within the hour after the machine slept through the due time', async () => {
    const s = setup({ answers: [null] });
    s.policy.start();
    await s.clock.advance(30_000);
    s.clock.sleep(2 * DAY);
    await s.clock.advance(HOUR);
    expect(s.updater.rec.checks).toBe(2);
  });

  it('downloads what it finds in the background, asks once it is ready, and restarts through the injected flow', async () => {
    const s = setup({ answers: ['1.2.0'], reply: [true] });
    s.policy.start();
    await s.clock.advance(30_000);
    expect(s.updater.rec.downloads).toBe(1);
    expect(s.asked).toEqual(['1.2.0']);
    expect(s.restarts()).toBe(1);
    // The policy never installs by itself: the app's restart drains jobs and then calls quitAndInstall.
    expect(s.updater.rec.installs).toBe(0);
    expect(s.lines).toEqual([
      'info Pallet 1.2.0 is available; downloading it in the background.',
      'info Restarting to install Pallet 1.2.0.',
    ]);
  });

  it('after Later, does not ask again that day (the update installs at quit), then asks again the next day', async () => {
    const s = setup({ answers: ['1.2.0'], reply: [false, false] });
    s.policy.start();
    await s.clock.advance(30_000);
    expect(s.asked).toEqual(['1.2.0']);
    expect(s.lines.at(-1)).toBe(
      'info Pallet 1.2.0 is downloaded; the user chose Later, so it installs when Pallet quits.',
    );
    // A check asked for on the same day (e.g. from a menu) finds it again but does not ask.
    await s.policy.check();
    expect(s.asked).toEqual(['1.2.0']);
    expect(s.lines.at(-1)).toBe('info Pallet 1.2.0 is downloaded; it installs when Pallet quits.');
    await s.clock.advance(DAY);
    expect(s.asked).toEqual(['1.2.0', '1.2.0']);
    expect(s.restarts()).toBe(0);
  });

  it('logs failures (offline, no feed file, a failed download), never asks, and retries at the next check', async () => {
    const s = setup({
      answers: [new Error('net::ERR_INTERNET_DISCONNECTED'), new Error('HttpError: 404\nmore detail'), '1.3.0'],
    });
    s.updater.failDownload(new Error('sha512 checksum mismatch'));
    s.policy.start();
    await s.clock.advance(30_000);
    await s.clock.advance(DAY);
    await s.clock.advance(DAY);
    s.updater.failDownload(null);
    await s.clock.advance(DAY);
    expect(s.lines.slice(0, 4)).toEqual([
      'warn Update check failed (net::ERR_INTERNET_DISCONNECTED); trying again at the next check.',
      'warn Update check failed (HttpError: 404); trying again at the next check.',
      'info Pallet 1.3.0 is available; downloading it in the background.',
      'warn Downloading Pallet 1.3.0 failed (sha512 checksum mismatch); trying again at the next check.',
    ]);
    expect(s.updater.rec.checks).toBe(4);
    expect(s.asked).toEqual(['1.3.0']);
  });

  it('does nothing at all without a feed, and says so once', async () => {
    const s = setup({ feed: { on: false, reason: 'this is a development build (not packaged).' } });
    s.policy.start();
    s.policy.start();
    await s.policy.check();
    await s.clock.advance(7 * DAY);
    expect(s.updater.rec).toEqual({ checks: 0, downloads: 0, installs: 0 });
    expect(s.clock.pending.size).toBe(0);
    expect(s.lines).toEqual(['info Updates are off: this is a development build (not packaged).']);
  });

  it('runs one check at a time, and stops cleanly', async () => {
    const s = setup({ answers: [null] });
    let release!: () => void;
    s.updater.port.check = () => (s.updater.rec.checks++, new Promise((r) => (release = () => r(null))));
    s.policy.start();
    await s.clock.advance(30_000);
    const again = s.policy.check();
    expect(s.updater.rec.checks).toBe(1);
    release();
    await again;
    s.policy.stop();
    expect(s.clock.pending.size).toBe(0);
    await s.clock.advance(2 * DAY);
    expect(s.updater.rec.checks).toBe(1);
  });

  it('logs a failed restart and keeps the update for the next quit', async () => {
    const s = setup({ answers: ['2.0.0'], reply: [true] });
    const lines = s.lines;
    const policy = createUpdatePolicy({
      updater: s.updater.port,
      dialog: { askRestart: async () => true },
      restart: () => Promise.reject(new Error('quit cancelled')),
      log: {
        info: (m) => void lines.push(`info ${m}`),
        warn: (m) => void lines.push(`warn ${m}`),
        error: (m) => void lines.push(`error ${m}`),
      },
      timers: s.clock.timers,
    });
    await policy.check();
    expect(lines.at(-1)).toBe('error Could not restart to install Pallet 2.0.0: quit cancelled');
  });
});

describe('feed detection and the question', () => {
  it('is on only for a packaged app with app-update.yml', () => {
    const exists = (p: string) => p === '/opt/Pallet/resources/app-update.yml';
    expect(detectFeed({ isPackaged: false, configPath: '/opt/Pallet/resources/app-update.yml', exists })).toEqual({
      on: false,
      reason: 'this is a development build (not packaged).',
    });
    expect(detectFeed({ isPackaged: true, configPath: '/x/app-update.yml', exists })).toEqual({
      on: false,
      reason: 'this build has no release feed (/x/app-update.yml is missing).',
    });
    expect(detectFeed({ isPackaged: true, configPath: '/opt/Pallet/resources/app-update.yml', exists })).toEqual({
      on: true,
    });
  });

  it('asks in the words the user sees', () => {
    expect(restartPrompt('1.2.0')).toMatchObject({
      message: 'Pallet 1.2.0 is ready to install. Restart now?',
      buttons: ['Restart', 'Later'],
    });
  });
});
