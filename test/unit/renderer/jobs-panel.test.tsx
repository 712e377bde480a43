// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportView, JobView } from '../../../preload/contract/channels.ts';
import { ApiContext } from '../../../renderer/src/api.ts';
import { JobsPanel } from '../../../renderer/src/features/JobsPanel.tsx';
import { groupJobs } from '../../../renderer/src/features/jobs/groups.ts';
import { createFakeApi } from './fake-api.ts';

afterEach(cleanup);

const base = {
  status: 'queued' as const,
  progress: null,
  result: null,
  error: null,
  attempts: 0,
  maxAttempts: 5,
  runAt: 0,
  createdAt: 0,
  startedAt: null,
  finishedAt: null,
  parentId: null,
};
const job = (id: number, over: Partial<JobView<'import'>> = {}): JobView => ({
  ...base,
  id,
  kind: 'import',
  label: 'Import',
  ...over,
});
const other = <K extends 'lookup' | 'analysis' | 'catalog_import'>(
  kind: K,
  id: number,
  over: Partial<JobView<K>> = {},
): JobView => ({ ...base, id, kind, label: kind, ...over }) as JobView;
const progress = (over: Partial<NonNullable<JobView['progress']>>) => ({
  total: 1000,
  done: 250,
  succeeded: 240,
  failed: 10,
  skipped: 0,
  note: null,
  ratePerSec: 1234.4,
  etaMs: 90_000,
  updatedAt: 0,
  ...over,
});
const imp = (id: number, jobId: number, fileName: string): ImportView => ({
  id,
  jobId,
  fileName,
  status: 'done',
  counts: null,
  createdAt: 0,
});

function setup(jobs: JobView[], imports: ImportView[] = []) {
  const fake = createFakeApi([]);
  fake.state.jobs = jobs;
  render(
    <ApiContext.Provider value={fake.api}>
      <JobsPanel jobs={new Map(jobs.map((j) => [j.id, j]))} imports={imports} />
    </ApiContext.Provider>,
  );
  return fake;
}

describe('groupJobs', () => {
  it('puts an import’s follow-ups (and theirs) under its file name, the rest under "Other jobs"', () => {
    const jobs = [
      other('catalog_import', 1),
      job(2, { parentId: 1 }), // the sample: an import queued by the catalog import
      other('lookup', 3, { parentId: 2 }),
      other('analysis', 4, { parentId: 3 }),
      job(5),
      other('lookup', 6, { parentId: 5 }),
      other('lookup', 7), // the sweep
      other('lookup', 8, { parentId: 99 }), // its import job purged, the import still listed
    ];
    const groups = groupJobs(jobs, [imp(10, 2, 'acme.csv'), imp(11, 99, 'old.xlsx')]);
    expect(groups.map((g) => [g.title, g.jobs.map((j) => `${j.job.id}@${j.depth}`)])).toEqual([
      ['old.xlsx', ['8@0']],
      ['Import #5', ['5@0', '6@1']],
      ['acme.csv', ['2@0', '3@1', '4@2']],
      ['Other jobs', ['7@0', '1@0']],
    ]);
    expect(groups[2]!.importId).toBe(10);
  });

  it('counts running, waiting, failed and done jobs per group', () => {
    const [g] = groupJobs(
      [
        job(1, { status: 'completed' }),
        other('lookup', 2, { parentId: 1, status: 'running' }),
        other('analysis', 3, { parentId: 1, status: 'waiting_network' }),
        other('analysis', 4, { parentId: 1, status: 'failed' }),
        other('lookup', 5, { parentId: 1, status: 'scheduled' }),
      ],
      [],
    );
    expect(g!.counts).toEqual({ running: 1, waiting: 1, scheduled: 1, failed: 1, completed: 1, total: 5 });
  });
});

describe('JobsPanel', () => {
  it('groups jobs by list with a summary; a group folds and unfolds from its heading', async () => {
    setup(
      [
        job(1, { status: 'completed' }),
        other('lookup', 2, { parentId: 1, status: 'running', progress: progress({}) }),
        other('analysis', 3, { parentId: 2, status: 'failed', error: { code: 'x', message: 'Boom.' } }),
        other('lookup', 4, { status: 'completed' }),
        other('lookup', 5, { status: 'scheduled', runAt: Date.now() + 60_000 }),
      ],
      [imp(7, 1, 'acme.csv')],
    );
    const toggle = screen.getByRole('button', { name: /acme\.csv/ });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(toggle.textContent).toContain('1 running · 1 failed · 1 done · 3 jobs');
    const list = screen.getByTestId('job-group-list-1');
    expect(within(list).getByTestId('job-3').getAttribute('data-depth')).toBe('2');
    expect(within(screen.getByTestId('job-2')).getByText('1,234/s · about 2 min left')).toBeTruthy();
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect((document.getElementById('job-group-list-1') as HTMLElement).hidden).toBe(true);
    // Nothing runs, waits or failed among the other jobs (a sweep scheduled for later does not count), and they are
    // not the newest group: folded at first.
    const others = screen.getByRole('button', { name: /Other jobs/ });
    expect(others.getAttribute('aria-expanded')).toBe('false');
    expect(others.textContent).toContain('1 scheduled · 1 done · 2 jobs');
    fireEvent.click(screen.getByRole('button', { name: /^Failed 1/ }));
    expect(screen.queryByRole('button', { name: /Other jobs/ })).toBeNull();
  });

  it('opens a job’s detail with attempts, times, what it waits for, errors and log; acts from there; Esc closes', async () => {
    const fake = setup([
      job(1, {
        status: 'failed',
        attempts: 5,
        error: { code: 'bad_file', message: 'The file vanished.' },
        createdAt: Date.now() - 5000,
        startedAt: Date.now() - 4000,
        finishedAt: Date.now(),
      }),
      other('lookup', 2, { parentId: 1, status: 'retry_pending', attempts: 1, runAt: Date.now() + 90_000 }),
    ]);
    fake.state.detail = {
      waitingFor: {
        reason: 'retry',
        text: 'Waiting to retry after attempt 1 of 5 failed (backoff).',
        until: Date.now() + 90_000,
      },
      log: [
        { level: 'info', message: 'Attempt 1 of 5 started.', at: Date.now() - 4000 },
        { level: 'warn', message: 'Attempt 1 failed: HTTP 503.', at: Date.now() - 3000 },
      ],
      errorCount: 1,
    };
    (fake.api.jobs as { errors: typeof fake.api.jobs.errors }).errors = async () => ({
      ok: true,
      value: [
        {
          rowNumber: 4,
          code: 'bad_gtin',
          level: 'error' as const,
          message: 'UPC is scientific notation',
          createdAt: 0,
        },
      ],
    });
    const opener = screen.getByRole('button', { name: 'Details of lookup #2' });
    fireEvent.click(opener);
    const d = await screen.findByTestId('job-detail');
    expect(document.activeElement?.textContent).toBe('lookup #2');
    expect(within(d).getByTestId('job-attempts').textContent).toBe('1 of 5');
    expect(within(d).getByTestId('job-wait').getAttribute('data-reason')).toBe('retry');
    await within(d).findByText(/Attempt 1 failed: HTTP 503\./);
    await within(d).findByText('Row 4: UPC is scientific notation');
    expect(within(d).getByRole('heading', { name: 'Errors (1)' })).toBeTruthy();
    fireEvent.click(within(d).getByRole('button', { name: 'Cancel job' }));
    await waitFor(() => expect(fake.last('jobs.cancel')).toEqual({ id: 2 }));
    // The parent is one click away; its detail offers Retry.
    fireEvent.click(within(d).getByRole('button', { name: 'Import #1' }));
    const parent = await screen.findByTestId('job-detail');
    await within(parent).findByText('The file vanished.', { exact: false });
    fireEvent.click(within(parent).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(fake.last('jobs.retry')).toEqual({ id: 1 }));
    fireEvent.keyDown(parent, { key: 'Escape' });
    expect(screen.queryByTestId('job-detail')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('J / K move from job to job, Enter opens the one reached', async () => {
    setup([
      job(1, { status: 'running', progress: progress({}) }),
      job(2, { status: 'paused' }),
      job(3, { status: 'failed' }),
    ]);
    await screen.findByRole('button', { name: /^Details of .*#1$/ });
    // In the order the view shows them.
    const rows = screen.getAllByRole('button', { name: /^Details of / });
    expect(rows).toHaveLength(3);
    rows[0]!.focus();
    fireEvent.keyDown(rows[0]!, { key: 'j' });
    expect(document.activeElement).toBe(rows[1]);
    fireEvent.keyDown(rows[1]!, { key: 'j' });
    expect(document.activeElement).toBe(rows[2]);
    // At the end it stays; K goes back.
    fireEvent.keyDown(rows[2]!, { key: 'j' });
    expect(document.activeElement).toBe(rows[2]);
    fireEvent.keyDown(rows[2]!, { key: 'k' });
    expect(document.activeElement).toBe(rows[1]);
    fireEvent.click(rows[1]!);
    expect(await screen.findByTestId('job-detail')).toBeTruthy();
  });

  it('keeps the row actions and the retry of every failed job', async () => {
    const fake = setup([
      job(1, { status: 'running', progress: progress({}) }),
      job(2, { status: 'paused' }),
      job(3, { status: 'failed' }),
      job(4, { status: 'failed' }),
    ]);
    fireEvent.click(within(screen.getByTestId('job-1')).getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(fake.last('jobs.pause')).toEqual({ id: 1 }));
    fireEvent.click(within(screen.getByTestId('job-2')).getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(fake.last('jobs.resume')).toEqual({ id: 2 }));
    fireEvent.click(screen.getByRole('button', { name: 'Retry all 2 failed jobs' }));
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'jobs.retryFailed')).toBe(true));
  });

  it('a clicked notification opens its job’s detail', async () => {
    const fake = setup([job(1, { status: 'completed' }), job(2, { status: 'failed' })]);
    expect(screen.queryByTestId('job-detail')).toBeNull();
    fake.emit({ type: 'navigate', to: { jobId: 1 } });
    const d = await screen.findByTestId('job-detail');
    expect(within(d).getByRole('heading', { level: 3 }).textContent).toBe('Import #1');
  });

  it('offers the sample data when there is nothing yet', async () => {
    const fake = setup([]);
    fireEvent.click(await screen.findByRole('button', { name: 'Try with sample data' }));
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'app.trySample')).toBe(true));
  });
});
