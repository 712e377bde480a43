import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDesktop, type Desktop } from '../../../main/app/desktop.ts';
import type { AnyKinds } from '../../../main/queue/kinds.ts';
import { createScheduler, type Scheduler } from '../../../main/queue/scheduler.ts';
import { systemClock } from '../../../main/queue/queue.ts';
import { createInProcessExecutor } from '../../../main/workers/in-process.ts';
import { fakeShell, type FakeShell } from '../../support/fake-shell.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';
import { waitFor } from '../../support/workers.ts';

// Real queue and scheduler; a task that runs until told to finish or stopped; fakes only for Electron's plumbing.
let t: TestQueue<AnyKinds>;
let scheduler: Scheduler;
let shell: FakeShell;
let desktop: Desktop;
let release: () => void;
let engineStopped = 0;
const settings = { closeToTray: true, notifications: true };

beforeEach(() => {
  t = openTestQueue<AnyKinds>({ clock: systemClock });
  let gate!: () => void;
  let opened = new Promise<void>((r) => (gate = r));
  release = () => {
    gate();
    opened = new Promise<void>((r) => (gate = r));
  };
  // A kind of Pallet's own (the window shows only those), run by a task of this test's.
  const executor = createInProcessExecutor({
    noop: async (ctx) => {
      ctx.progress({ total: 10, done: 5 });
      await Promise.race([opened, new Promise((r) => ctx.signal.addEventListener('abort', r))]);
      return { rows: 10, created: 10, updated: 0, duplicates: 0, rejected: 0 };
    },
  });
  scheduler = createScheduler({ queue: t.queue, executor, tickMs: 20 });
  scheduler.start();
  shell = fakeShell();
  engineStopped = 0;
  desktop = createDesktop({
    queue: t.queue,
    scheduler,
    ...shell.ports,
    settings: () => settings,
    drainGraceMs: 2000,
    stopEngine: async () => void engineStopped++,
  });
  desktop.start();
});
afterEach(async () => {
  desktop.dispose();
  await scheduler.drain(100);
  t.close();
});

describe('desktop behaviour', () => {
  it('closing the window hides it to the tray while the job keeps running; the tray and power follow the job', async () => {
    const job = t.queue.enqueue({ kind: 'noop' });
    await waitFor(() => t.queue.get(job.id).status === 'running', 'the job to run');
    expect(shell.closeWindow()).toBe(false);
    expect(shell.rec.visible).toBe(false);
    await waitFor(() => shell.lastTray()?.tooltip === 'Pallet — 1 running, 50%', 'the tray to show the running job');
    expect(shell.rec.power).toEqual(['prevent']);
    release();
    await waitFor(() => t.queue.get(job.id).status === 'completed', 'the job to complete');
    await waitFor(() => shell.lastTray()?.tooltip === 'Pallet — idle', 'the tray to go idle');
    expect(shell.rec.power).toEqual(['prevent', 'allow']);
    // Hidden window: the user hears about it.
    expect(shell.rec.notices).toEqual([{ title: 'No-op (benchmark) finished', body: 'Done.', jobId: job.id }]);
    shell.clickNotification(0);
    expect(shell.rec.visible).toBe(true);
    expect(shell.rec.sent.at(-1)).toEqual({ type: 'navigate', to: { jobId: job.id } });
  });

  it('sends job events to the window, progress coalesced', async () => {
    shell.rec.focused = true;
    const job = t.queue.enqueue({ kind: 'noop' });
    await waitFor(
      () => shell.rec.sent.some((e) => e.type === 'job' && e.job.id === job.id && e.job.status === 'running'),
      'a running event',
    );
    release();
    await waitFor(
      () => shell.rec.sent.some((e) => e.type === 'job' && e.job.status === 'completed'),
      'a completed event',
    );
    const statuses = shell.rec.sent.flatMap((e) => (e.type === 'job' ? [e.job.status] : []));
    expect(statuses[0]).toBe('queued');
    expect(statuses.at(-1)).toBe('completed');
    // The focused, visible window shows the job: no notification.
    expect(shell.rec.notices).toEqual([]);
  });

  it('progress reaches the window from the event itself: no read of the job row per progress or checkpoint', async () => {
    // A Pallet kind (the window shows only those) that no task here runs: the test holds its lease and reports.
    const job = t.queue.enqueue({ kind: 'noop' });
    const [claimed] = t.queue.claim('noop');
    const lease = claimed!.lease;
    const reads = [vi.spyOn(t.queue, 'find'), vi.spyOn(t.queue, 'get')];
    const readsOfRow = () => reads.reduce((n, spy) => n + spy.mock.calls.filter(([id]) => id === job.id).length, 0);
    const lastSent = () =>
      shell.rec.sent.flatMap((e) => (e.type === 'job' && e.job.id === job.id ? [e.job] : [])).at(-1);
    for (let done = 1; done <= 20; done++) t.queue.progress(lease, { total: 20, done });
    t.queue.checkpoint(lease, { at: 20 });
    expect(readsOfRow()).toBe(0);
    await waitFor(() => lastSent()?.progress?.done === 20, 'the last progress to reach the window');
    expect(lastSent()).toMatchObject({ id: job.id, status: 'running', attempts: 1, progress: { total: 20, done: 20 } });

    // A window that did not see the job start reads its row once, at its first progress, then no more.
    desktop.dispose();
    desktop = createDesktop({
      queue: t.queue,
      scheduler,
      ...shell.ports,
      settings: () => settings,
      stopEngine: async () => void engineStopped++,
    });
    desktop.start();
    for (let done = 1; done <= 10; done++) t.queue.progress(lease, { total: 20, done });
    expect(readsOfRow()).toBe(1);
    await waitFor(() => lastSent()?.progress?.done === 10, 'the progress of the later window');
    reads.forEach((spy) => spy.mockRestore());
  });

  it('quitting with a job running asks, and "keep running" keeps everything going', async () => {
    const keep = fakeShell({ confirmQuit: false });
    desktop.dispose();
    desktop = createDesktop({
      queue: t.queue,
      scheduler,
      ...keep.ports,
      settings: () => settings,
      stopEngine: async () => void engineStopped++,
    });
    desktop.start();
    const job = t.queue.enqueue({ kind: 'noop' });
    await waitFor(() => t.queue.get(job.id).status === 'running', 'the job to run');
    expect(keep.beforeQuit()).toBe(false);
    await waitFor(() => keep.rec.quitAsked.length === 1, 'the question');
    expect(keep.rec.quitAsked).toEqual([1]);
    expect(keep.rec.quits).toBe(0);
    expect(t.queue.get(job.id).status).toBe('running');
  });

  it('quitting with a job running, confirmed, drains: the job yields with its checkpoint and is queued for next start', async () => {
    const job = t.queue.enqueue({ kind: 'noop' });
    await waitFor(() => t.queue.get(job.id).status === 'running', 'the job to run');
    shell.clickTray('quit');
    await waitFor(() => shell.rec.quits === 1, 'the app to quit');
    expect(shell.rec.quitAsked).toEqual([1]);
    expect(engineStopped).toBe(1);
    expect(t.queue.get(job.id).status).toBe('queued');
    expect(t.queue.get(job.id).attempts).toBe(0);
    // The OS's own quit after that goes straight through.
    expect(shell.beforeQuit()).toBe(true);
  });

  it('a second launch with a CSV focuses the window and imports it; tray actions pause and resume the queue', () => {
    const csv = join(t.dir, 'list.csv');
    writeFileSync(csv, 'UPC,Cost\n');
    shell.rec.visible = false;
    shell.launchAgain(['/usr/bin/pallet', csv, '--flag', 'relative.csv', '/nope/missing.csv']);
    expect(shell.rec.visible).toBe(true);
    expect(t.queue.list({ kind: 'import' }).map((j) => j.payload)).toEqual([{ path: csv }]);
    shell.clickTray('pauseAll');
    expect(t.queue.isPaused()).toBe(true);
    shell.clickTray('resumeAll');
    expect(t.queue.isPaused()).toBe(false);
  });

  it('clicking the Dock icon (macOS activate) brings the window back from the tray', () => {
    expect(shell.closeWindow()).toBe(false);
    expect(shell.rec.visible).toBe(false);
    shell.activate();
    expect(shell.rec.visible).toBe(true);
    expect(shell.rec.focused).toBe(true);
  });

  it('waking from sleep recovers leases that ran out meanwhile', async () => {
    const job = t.queue.enqueue({ kind: 'noop' });
    await waitFor(() => t.queue.get(job.id).status === 'running', 'the job to run');
    // As if the machine slept past the lease: the lease is in the past, nobody renewed it.
    t.db.prepare('UPDATE jobs SET lease_expires_at = 1 WHERE id = ?').run(job.id);
    const requeued: string[] = [];
    t.queue.events.on('event', (e) => e.type === 'requeued' && requeued.push(e.reason));
    shell.wakeFromSleep();
    expect(requeued).toEqual(['lease_expired']);
  });

  it('with close-to-tray off, closing the window quits', async () => {
    settings.closeToTray = false;
    try {
      expect(shell.closeWindow()).toBe(false);
      await waitFor(() => shell.rec.quits === 1, 'the app to quit');
      expect(shell.rec.quitAsked).toEqual([]);
    } finally {
      settings.closeToTray = true;
    }
  });
});
