import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { AppEvent, JobView } from '../../preload/contract/channels.ts';
import { jobView } from '../ipc/handlers/index.ts';
import type {
  AppLifecyclePort,
  Clock,
  DialogPort,
  NotifierPort,
  PowerPort,
  TrayActionId,
  TrayPort,
  WindowPort,
} from '../ports.ts';
import type { Queue } from '../queue/queue.ts';
import type { Scheduler } from '../queue/scheduler.ts';
import type { QueueEvent } from '../queue/types.ts';
import { createCoalescer } from './event-coalescer.ts';
import { createNotificationPolicy } from './notification-policy.ts';
import { buildTrayModel } from './tray-model.ts';

export interface DesktopSettings {
  closeToTray: boolean;
  notifications: boolean;
}

/** The Electron plumbing the desktop behaviour drives, as ports. */
export interface AppPorts {
  window: WindowPort;
  tray: TrayPort;
  notifier: NotifierPort;
  power: PowerPort;
  dialog: DialogPort;
  lifecycle: AppLifecyclePort;
}

export interface DesktopDeps extends AppPorts {
  queue: Queue;
  scheduler: Scheduler;
  settings(): DesktopSettings;
  clock?: Clock;
  /** How long quitting waits for running jobs to checkpoint and stop. */
  drainGraceMs?: number;
  /** Stops the engine (workers, database) once the scheduler drained. */
  stopEngine(): Promise<void>;
  onError?(err: unknown): void;
}

/** CSV files named on a command line (a second launch, "open with"): absolute paths that exist. */
export function csvArgs(argv: readonly string[]): string[] {
  return argv.filter((a) => /\.(csv|tsv|txt)$/i.test(a) && isAbsolute(a) && existsSync(a));
}

/**
 * The desktop app's behaviour against ports: close to tray, quit with drain, single instance, tray, notifications,
 * power-save blocking and the event stream to the window. Testable under Node with fakes.
 */
export function createDesktop(d: DesktopDeps) {
  const clock = d.clock ?? { now: () => Date.now() };
  const onError = d.onError ?? ((err) => console.error('[desktop]', err));
  let quitting: 'no' | 'draining' | 'done' = 'no';
  let sleeping = true;
  let trayTimer: NodeJS.Timeout | null = null;

  const send = (e: AppEvent) => d.window.send(e);
  const events = createCoalescer<AppEvent>(send, 100);
  // The last view sent of each running job: a progress event carries the progress and this the rest, so the window's
  // progress costs no read of the job's row. Only running jobs report progress, so only they are kept.
  const runningViews = new Map<number, JobView>();
  const sendJob = (view: JobView | null, coalesce = false) => {
    if (!view) return;
    if (view.status === 'running') runningViews.set(view.id, view);
    else runningViews.delete(view.id);
    if (coalesce) events.push(view.id, { type: 'job', job: view });
    else events.now(view.id, { type: 'job', job: view });
  };
  const policy = createNotificationPolicy({ clock, isWatching: () => d.window.isVisible() && d.window.isFocused() });

  function refreshTray(): void {
    trayTimer = null;
    const running = d.queue.list({ status: 'running', limit: 50 });
    const c = d.queue.counts();
    d.tray.update(
      buildTrayModel({
        running,
        queued: c.queued + c.scheduled + c.retry_pending + c.waiting_network,
        paused: d.queue.isPaused(),
      }),
    );
    const busy = running.length > 0;
    if (busy && sleeping) d.power.preventSleep();
    if (!busy && !sleeping) d.power.allowSleep();
    sleeping = !busy;
  }
  const scheduleTray = () => {
    trayTimer ??= setTimeout(() => {
      try {
        refreshTray();
      } catch (err) {
        onError(err);
      }
    }, 250);
  };

  function showJob(jobId: number | null): void {
    d.window.show();
    d.window.focus();
    if (jobId !== null) send({ type: 'navigate', to: { jobId } });
  }

  function onQueueEvent(e: QueueEvent): void {
    try {
      if (e.type === 'queue_paused' || e.type === 'queue_resumed')
        send({ type: 'queue', paused: e.type === 'queue_paused' });
      else if (e.type === 'progress') {
        // The row is read once per run (only when this window did not see the job start), not once per event.
        const seen = runningViews.get(e.jobId);
        if (seen) sendJob({ ...seen, progress: e.progress }, true);
        else {
          const job = d.queue.find(e.jobId);
          if (job) sendJob(jobView(job), true);
        }
      } else if (e.type === 'checkpoint') {
        // Resume state only: nothing the window shows changed.
      } else if (e.type === 'enqueued') {
        for (const id of e.jobIds) {
          const job = d.queue.find(id);
          if (job) sendJob(jobView(job));
        }
      } else if ('job' in e) {
        sendJob(jobView(e.job));
        if ((e.type === 'completed' || e.type === 'failed') && d.settings().notifications) {
          const notice = policy.decide(e.job);
          if (notice) d.notifier.show(notice, () => showJob(notice.jobId));
        }
      }
      scheduleTray();
    } catch (err) {
      onError(err);
    }
  }

  /** Asks if jobs run, drains, stops the engine, then quits — or hands over to `exit` (an update's quit-and-install). */
  async function quit(exit: () => void = () => d.lifecycle.quit()): Promise<void> {
    if (quitting !== 'no') return;
    const running = d.scheduler.runningCount();
    if (running > 0 && !(await d.dialog.confirmQuit(running))) return;
    quitting = 'draining';
    try {
      // Stops claiming, asks running jobs to checkpoint and yield; they resume on the next start.
      await d.scheduler.drain(d.drainGraceMs ?? 10_000);
      await d.stopEngine();
    } catch (err) {
      onError(err);
    }
    quitting = 'done';
    d.power.allowSleep();
    exit();
  }

  function importFiles(paths: readonly string[]): void {
    for (const path of paths) d.queue.enqueue({ kind: 'import', payload: { path }, maxAttempts: 5 });
  }

  const onTray = (id: TrayActionId) => {
    if (id === 'open') showJob(null);
    else if (id === 'pauseAll') d.queue.pauseAll();
    else if (id === 'resumeAll') d.queue.resumeAll();
    else if (id === 'quit') void quit();
    else showJob(Number(id.slice(4)));
  };

  return {
    start(): void {
      d.queue.events.on('event', onQueueEvent);
      d.tray.onAction(onTray);
      d.window.onClose((e) => {
        if (quitting !== 'no') return;
        e.preventDefault();
        if (d.settings().closeToTray) d.window.hide();
        else void quit();
      });
      d.lifecycle.onBeforeQuit((e) => {
        if (quitting === 'done') return;
        e.preventDefault();
        void quit();
      });
      d.lifecycle.onSecondInstance((argv) => {
        showJob(null);
        importFiles(csvArgs(argv));
      });
      d.lifecycle.onOpenFile((path) => importFiles(csvArgs([path])));
      d.lifecycle.onActivate(() => showJob(null));
      // After sleep, leases may have expired while nothing ran: recover them now rather than at the next sweep.
      d.power.onResume(() => {
        try {
          d.queue.recoverExpired();
          d.scheduler.tick();
        } catch (err) {
          onError(err);
        }
      });
      refreshTray();
    },
    /** The quit flow (tray "Quit", the app menu): asks if jobs run, drains, then quits. */
    quit,
    importFiles,
    get quitting() {
      return quitting;
    },
    dispose(): void {
      d.queue.events.off('event', onQueueEvent);
      events.dispose();
      runningViews.clear();
      if (trayTimer) clearTimeout(trayTimer);
    },
  };
}
export type Desktop = ReturnType<typeof createDesktop>;
