// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobView } from '../../../preload/contract/channels.ts';
import { ApiContext } from '../../../renderer/src/api.ts';
import { JobsPanel } from '../../../renderer/src/features/JobsPanel.tsx';
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
  finishedAt: null,
};
const job = (id: number, over: Partial<JobView<'import'>>): JobView => ({
  ...base,
  id,
  kind: 'import',
  label: 'Import',
  ...over,
});
const lookupJob = (id: number, over: Partial<JobView<'lookup'>>): JobView => ({
  ...base,
  id,
  kind: 'lookup',
  label: 'Lookups',
  ...over,
});
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

function setup(jobs: JobView[]) {
  const fake = createFakeApi([]);
  fake.state.jobs = jobs;
  render(
    <ApiContext.Provider value={fake.api}>
      <JobsPanel />
    </ApiContext.Provider>,
  );
  return fake;
}

describe('JobsPanel', () => {
  it('shows live progress with rate and ETA, and the actions each state allows', async () => {
    const fake = setup([
      job(1, { status: 'running', progress: progress({}) }),
      job(2, { status: 'paused' }),
      job(3, {
        status: 'completed',
        result: {
          importId: 7,
          rows: 3,
          created: 2,
          updated: 0,
          unchanged: 0,
          duplicates: 0,
          rejected: 1,
          blank: 0,
          warnings: 0,
          errorReport: '/data/reports/import-7-errors.csv',
          encoding: 'utf-8',
          delimiter: ',',
          decimal: '.',
          mapping: {},
        },
      }),
      job(4, { status: 'failed', error: { code: 'x', message: 'The file vanished.' } }),
      lookupJob(5, { status: 'failed' }),
    ]);
    const running = await screen.findByTestId('job-1');
    expect(within(running).getByText('1,234/s · about 2 min left')).toBeTruthy();
    fireEvent.click(within(running).getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(fake.last('jobs.pause')).toEqual({ id: 1 }));
    fireEvent.click(within(screen.getByTestId('job-2')).getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(fake.last('jobs.resume')).toEqual({ id: 2 }));
    const done = screen.getByTestId('job-3');
    expect(within(done).getByText('3 rows: 2 new, 0 updated, 0 unchanged, 0 duplicates, 1 rejected')).toBeTruthy();
    fireEvent.click(within(done).getByRole('button', { name: 'Undo import' }));
    await waitFor(() => expect(fake.last('imports.undo')).toEqual({ importId: 7 }));
    fireEvent.click(within(done).getByRole('button', { name: 'Open error report' }));
    await waitFor(() => expect(fake.last('app.openFile')).toEqual({ path: '/data/reports/import-7-errors.csv' }));
    expect(within(screen.getByTestId('job-4')).getByText('The file vanished.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry all 2 failed jobs' }));
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'jobs.retryFailed')).toBe(true));
  });

  it('streams a running job’s problems while they are open', async () => {
    const fake = setup([job(1, { status: 'running', progress: progress({}) })]);
    let errors = [
      {
        rowNumber: 4,
        code: 'bad_gtin',
        level: 'error' as const,
        message: 'UPC: "8.90103E+12" is scientific notation',
        createdAt: 0,
      },
    ];
    (fake.api.jobs as { errors: typeof fake.api.jobs.errors }).errors = async () => ({ ok: true, value: errors });
    fireEvent.click(await screen.findByRole('button', { name: 'Problems' }));
    const list = await screen.findByRole('list', { name: 'Problems of job 1' });
    await within(list).findByText('Row 4: UPC: "8.90103E+12" is scientific notation');
    errors = [
      ...errors,
      { rowNumber: 9, code: 'bad_cost', level: 'error' as const, message: 'Cost: "n/a" not an amount', createdAt: 1 },
    ];
    fake.emit({ type: 'job', job: job(1, { status: 'running', progress: progress({ done: 500, failed: 11 }) }) });
    await within(list).findByText('Row 9: Cost: "n/a" not an amount');
  });

  it('offers the sample data when there is nothing yet', async () => {
    const fake = setup([]);
    fireEvent.click(await screen.findByRole('button', { name: 'Try with sample data' }));
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'app.trySample')).toBe(true));
  });
});
