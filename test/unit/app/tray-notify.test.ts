import { describe, expect, it, vi } from 'vitest';
import { createCoalescer } from '../../../main/app/event-coalescer.ts';
import { createNotificationPolicy } from '../../../main/app/notification-policy.ts';
import { buildTrayModel } from '../../../main/app/tray-model.ts';
import type { Job } from '../../../main/queue/types.ts';
import { manualClock } from '../../support/temp-db.ts';

const job = (over: Partial<Job>): Job =>
  ({ id: 1, kind: 'import', status: 'running', progress: null, result: null, error: null, ...over }) as Job;
const progress = (done: number, total: number) => ({
  done,
  total,
  succeeded: 0,
  failed: 0,
  skipped: 0,
  note: null,
  ratePerSec: null,
  etaMs: null,
  updatedAt: 0,
});

describe('tray model', () => {
  it('shows running jobs with progress, overall progress and the actions', () => {
    const m = buildTrayModel({
      running: [job({ id: 4, progress: progress(25, 100) }), job({ id: 5, kind: 'lookup', progress: progress(3, 4) })],
      queued: 2,
      paused: false,
    });
    expect(m.tooltip).toBe('Pallet — 2 running, 50%');
    expect(m.items.map((i) => i.label)).toEqual([
      'Import #4 — 25%',
      'Lookups #5 — 75%',
      'Open Pallet',
      'Pause all',
      'Quit',
    ]);
    expect(m.items.map((i) => i.id)).toEqual(['job:4', 'job:5', 'open', 'pauseAll', 'quit']);
  });

  it('says when idle, waiting or paused, and offers Resume all when paused', () => {
    expect(buildTrayModel({ running: [], queued: 0, paused: false }).tooltip).toBe('Pallet — idle');
    expect(buildTrayModel({ running: [], queued: 3, paused: false }).tooltip).toBe('Pallet — 3 waiting');
    const paused = buildTrayModel({ running: [], queued: 3, paused: true });
    expect(paused.tooltip).toBe('Pallet — paused');
    expect(paused.items.map((i) => i.id ?? i.label)).toEqual(['Queue paused', 'open', 'resumeAll', 'quit']);
  });

  it('caps the job list', () => {
    const running = Array.from({ length: 12 }, (_, i) => job({ id: i + 1 }));
    expect(
      buildTrayModel({ running, queued: 0, paused: false }).items.filter((i) => i.label.startsWith('…'))[0]?.label,
    ).toBe('…and 4 more');
  });
});

describe('notification policy', () => {
  it('says what finished with counts, and why a job failed', () => {
    const policy = createNotificationPolicy({ clock: manualClock(), isWatching: () => false });
    expect(
      policy.decide(
        job({ id: 2, status: 'completed', result: { rows: 10, created: 7, updated: 1, duplicates: 1, rejected: 1 } }),
      ),
    ).toEqual({
      title: 'Import finished',
      body: '10 rows: 7 new, 1 updated, 1 duplicates, 1 rejected.',
      jobId: 2,
    });
    const p2 = createNotificationPolicy({ clock: manualClock(), isWatching: () => false });
    expect(
      p2.decide(
        job({ id: 3, status: 'failed', error: { code: 'empty', message: 'The file is empty.', retryable: false } }),
      ),
    ).toEqual({ title: 'Import failed', body: 'The file is empty.', jobId: 3 });
  });

  it('rate-limits per kind and folds the held-back ones into the next notice', () => {
    const clock = manualClock();
    const policy = createNotificationPolicy({ clock, minIntervalMs: 10_000, isWatching: () => false });
    const done = (id: number) => job({ id, kind: 'lookup', status: 'completed' });
    expect(policy.decide(done(1))).not.toBeNull();
    expect(policy.decide(done(2))).toBeNull();
    expect(
      policy.decide(
        job({ id: 3, kind: 'lookup', status: 'failed', error: { code: 'x', message: 'x', retryable: false } }),
      ),
    ).toBeNull();
    expect(policy.decide(job({ id: 9, kind: 'import', status: 'completed' }))).not.toBeNull();
    clock.advance(10_000);
    expect(policy.decide(done(4))?.body).toBe('Done. (and 2 more finished, 1 failed)');
  });

  it('stays quiet for what the user is watching and for non-final states', () => {
    const policy = createNotificationPolicy({ clock: manualClock(), isWatching: (id) => id === 5 });
    expect(policy.decide(job({ id: 5, status: 'completed' }))).toBeNull();
    expect(policy.decide(job({ id: 6, status: 'cancelled' }))).toBeNull();
  });
});

describe('event coalescer', () => {
  it('sends at most one update per key per interval, the latest value last', () => {
    vi.useFakeTimers();
    try {
      const sent: string[] = [];
      const c = createCoalescer<string>((v) => sent.push(v), 100);
      c.push(1, 'a');
      for (let i = 0; i < 50; i++) c.push(1, `b${i}`);
      c.push(2, 'x');
      expect(sent).toEqual(['a', 'x']);
      vi.advanceTimersByTime(100);
      expect(sent).toEqual(['a', 'x', 'b49']);
      c.push(1, 'c');
      c.now(1, 'final');
      vi.advanceTimersByTime(1000);
      expect(sent).toEqual(['a', 'x', 'b49', 'final']);
    } finally {
      vi.useRealTimers();
    }
  });
});
