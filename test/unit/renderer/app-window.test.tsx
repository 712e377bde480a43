// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobView } from '../../../preload/contract/channels.ts';
import { ApiContext } from '../../../renderer/src/api.ts';
import { AppWindow } from '../../../renderer/src/App.tsx';
import { queueState } from '../../../renderer/src/features/shell/TopBar.tsx';
import { createFakeApi, product } from './fake-api.ts';

afterEach(() => {
  cleanup();
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});

const job = (id: number, status: JobView['status'], kind: 'import' | 'lookup' = 'import'): JobView =>
  ({
    id,
    kind,
    label: kind === 'import' ? 'Import' : 'Lookups',
    status,
    progress: null,
    result: null,
    error: null,
    attempts: 0,
    maxAttempts: 5,
    runAt: 0,
    createdAt: 0,
    finishedAt: null,
  }) as JobView;

function setup() {
  const fake = createFakeApi(Array.from({ length: 1234 }, (_, i) => product(i + 1)));
  render(
    <ApiContext.Provider value={fake.api}>
      <AppWindow />
    </ApiContext.Provider>,
  );
  return fake;
}

describe('the queue state in the top bar', () => {
  const ws = (jobs: JobView[], over: Partial<Parameters<typeof queueState>[0]> = {}) =>
    queueState({
      jobs: new Map(jobs.map((j) => [j.id, j])),
      imports: [],
      products: 0,
      online: true,
      waitingNetwork: 0,
      paused: null,
      ...over,
    });
  it('says offline and what waits first, then paused, then running N with what is queued', () => {
    const jobs = [job(1, 'running'), job(2, 'queued'), job(3, 'scheduled', 'lookup'), job(4, 'retry_pending')];
    expect(ws(jobs)).toEqual({ tone: 'running', text: 'Running 1 · 2 queued' });
    expect(ws(jobs, { paused: true })).toEqual({ tone: 'paused', text: 'Queue paused · 2 queued' });
    expect(ws(jobs, { online: false, waitingNetwork: 1 })).toEqual({
      tone: 'offline',
      text: 'Offline · 1 job waits for the network',
    });
    expect(ws([], { online: false })).toEqual({ tone: 'offline', text: 'Offline · lookups will wait for the network' });
    // The recurring sweep, scheduled for later, is not work waiting.
    expect(ws([job(3, 'scheduled', 'lookup'), job(5, 'completed')])).toEqual({ tone: 'idle', text: 'Idle' });
  });
});

describe('the window', () => {
  it('counts lists, products and running jobs in the sidebar, and follows pushed job events', async () => {
    const fake = setup();
    const nav = screen.getByRole('navigation', { name: 'Views' });
    await waitFor(() => expect(nav.querySelector('[aria-label="1,234 products"]')).not.toBeNull());
    expect(nav.querySelector('[aria-label="1 price lists"]')).not.toBeNull();
    act(() => fake.emit({ type: 'job', job: job(7, 'running') }));
    await waitFor(() => expect(nav.querySelector('[aria-label="1 running"]')).not.toBeNull());
    expect(screen.getByTestId('queue-state').textContent).toBe('Running 1');
    act(() => fake.emit({ type: 'queue', paused: true }));
    expect(screen.getByTestId('queue-state').textContent).toBe('Queue paused');
    fireEvent.click(screen.getByRole('button', { name: 'Resume all' }));
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'jobs.resumeAll')).toBe(true));
  });

  it('lists each imported price list with a way to its products', async () => {
    setup();
    const lists = await screen.findByRole('region', { name: 'Price lists' });
    // The region shows its empty state until the imports arrive; wait for the list, not the frame.
    await waitFor(() => expect(lists.textContent).toContain('acme-prices.csv'));
    fireEvent.click(screen.getByRole('button', { name: 'Show products of acme-prices.csv' }));
    expect(screen.getByTestId('nav-products').getAttribute('aria-current')).toBe('page');
  });

  it('keyboard: Ctrl+O asks main for a file, Ctrl+2 goes to Products, ? opens the help', async () => {
    const fake = setup();
    fireEvent.keyDown(window, { key: 'o', ctrlKey: true });
    await waitFor(() => expect(fake.last('app.pickFile')).toEqual({ purpose: 'import' }));
    fireEvent.keyDown(window, { key: '2', ctrlKey: true });
    expect(screen.getByTestId('nav-products').getAttribute('aria-current')).toBe('page');
    fireEvent.keyDown(window, { key: '?' });
    await waitFor(() =>
      expect(screen.getByRole('dialog', { name: 'Keyboard shortcuts' }).hasAttribute('open')).toBe(true),
    );
    // Typed into a field, "?" is text.
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    const search = screen.getByLabelText('Search products');
    fireEvent.keyDown(search, { key: '?' });
    expect(screen.getByRole('dialog', { hidden: true }).hasAttribute('open')).toBe(false);
  });

  it('the theme toggle walks system → light → dark and keeps the choice', async () => {
    setup();
    const toggle = screen.getByRole('button', { name: /^Theme: System/ });
    fireEvent.click(toggle);
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
    fireEvent.click(screen.getByRole('button', { name: /^Theme: Light/ }));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    expect(localStorage.getItem('pallet.theme')).toBe('dark');
    fireEvent.click(screen.getByRole('button', { name: /^Theme: Dark/ }));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBeUndefined());
    expect(localStorage.getItem('pallet.theme')).toBeNull();
  });
});
