// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportView, JobView, ListSummary, StageView } from '../../../preload/contract/channels.ts';
import type { ImportDiff } from '../../../main/suppliers/diff.ts';
import { ApiContext } from '../../../renderer/src/api.ts';
import { ListsView } from '../../../renderer/src/features/lists/ListsView.tsx';
import { stageText } from '../../../renderer/src/features/lists/stages.tsx';
import { createFakeApi } from './fake-api.ts';

afterEach(cleanup);

const stage = (s: StageView['stage'], over: Partial<StageView> = {}): StageView => ({
  stage: s,
  state: 'done',
  jobIds: [],
  done: 10,
  total: 10,
  ratePerSec: null,
  etaMs: null,
  ...over,
});

function list(id: number, over: Partial<ListSummary> = {}): ListSummary {
  return {
    id,
    jobId: id * 10,
    fileName: `acme-${id}.csv`,
    status: 'completed',
    supplier: 'Acme',
    previousId: null,
    counts: { rows: 12, created: 10, updated: 2, rejected: 1 },
    createdAt: Date.UTC(2026, 0, id),
    finishedAt: null,
    products: 12,
    found: 9,
    analysed: 9,
    lookupPending: 0,
    verdicts: { buy: 3, check: 2, skip: 4 },
    stages: [stage('import'), stage('lookup'), stage('pricing', { state: 'skipped' }), stage('analysis')],
    ...over,
  };
}

const job = (id: number, status: JobView['status'], progress: Partial<JobView['progress']> = null): JobView =>
  ({
    id,
    kind: 'lookup',
    label: 'Lookups',
    status,
    progress: progress && {
      total: null,
      done: 0,
      succeeded: 0,
      failed: 0,
      skipped: 0,
      note: null,
      ratePerSec: null,
      etaMs: null,
      updatedAt: 0,
      ...progress,
    },
    result: null,
    error: null,
    attempts: 0,
    maxAttempts: 5,
    runAt: 0,
    createdAt: 0,
    finishedAt: null,
  }) as JobView;

const DIFF: ImportDiff = {
  a: { importId: 1, fileName: 'acme-1.csv', supplier: 'Acme', createdAt: Date.UTC(2026, 0, 1), offers: 3 },
  b: { importId: 2, fileName: 'acme-2.csv', supplier: 'Acme', createdAt: Date.UTC(2026, 0, 2), offers: 3 },
  sameSupplier: true,
  added: [{ productId: 7, gtin: '00012345678905', name: 'Blue Kettle', cost: 9 }],
  dropped: [{ productId: 3, gtin: null, name: 'Old Mug', cost: 2 }],
  costUp: [{ productId: 4, gtin: '00036000291452', name: 'Widget', from: 2.5, to: 3, change: 0.5, changePct: 0.2 }],
  costDown: [],
  verdictChanged: [
    { productId: 4, gtin: '00036000291452', name: 'Widget', from: 'buy', to: 'skip', costFrom: 2.5, costTo: 3 },
  ],
  unchanged: 1,
  costMissing: 0,
  totals: { added: 1, dropped: 1, costUp: 1, costDown: 0, verdictChanged: 1 },
  limit: 50,
};

type Imports = ReturnType<typeof createFakeApi>['api']['imports'];
/** Makes the fake answer one imports call as given (the fake's own answers are empty). */
function answer<K extends keyof Imports>(fake: ReturnType<typeof createFakeApi>, method: K, fn: Imports[K]) {
  Object.assign(fake.api.imports, { [method]: fn });
}

function setup(lists: ListSummary[], jobs: JobView[] = [], imports: ImportView[] = []) {
  const fake = createFakeApi([]);
  fake.state.lists = lists;
  const shown: unknown[] = [];
  const ui = (j: JobView[]) => (
    <ApiContext.Provider value={fake.api}>
      <ListsView
        imports={imports}
        jobs={new Map(j.map((x) => [x.id, x]))}
        onShowProducts={(f) => shown.push(f)}
        onOpenFile={() => {}}
        onTrySample={() => {}}
      />
    </ApiContext.Provider>
  );
  const r = render(ui(jobs));
  return { fake, shown, rerender: (j: JobView[]) => r.rerender(ui(j)) };
}

describe('the Lists view', () => {
  it('shows supplier, a labelled bar per stage, found share and verdict counts per list', async () => {
    setup([list(2, { previousId: 1 }), list(1, { supplier: null, found: 0, products: 0 })]);
    const row = await screen.findByTestId('list-2');
    const cells = within(row).getAllByRole('cell');
    expect(cells[0]!.textContent).toBe('Acme');
    expect(cells[1]!.textContent).toBe('acme-2.csv');
    const bars = within(row).getAllByRole('progressbar');
    expect(bars.map((b) => b.getAttribute('aria-label'))).toEqual([
      'Import: rows read from the file of acme-2.csv',
      'ASIN lookup of acme-2.csv',
      'Pricing and offers of acme-2.csv',
      'Analysis and decision of acme-2.csv',
    ]);
    expect(bars.map((b) => b.getAttribute('aria-valuetext'))).toEqual(['done', 'done', 'not needed', 'done']);
    expect(row.textContent).toContain('75 %');
    expect(within(row).getByTestId('verdicts-2').textContent).toBe('✓ 3 buy! 2 check✕ 4 skip');
    // A list without products shows no share.
    expect(within(screen.getByTestId('list-1')).getAllByRole('cell')[5]!.textContent).toBe('–');
  });

  it('moves a running stage with the pushed progress of its jobs: percentage, rate and ETA', async () => {
    const running = list(3, {
      stages: [stage('import'), stage('lookup', { state: 'running', jobIds: [31], done: 0, total: 100 })],
    });
    const { rerender } = setup([running], [job(31, 'running', { done: 0, total: 100 })]);
    const bar = await screen.findByRole('progressbar', { name: 'ASIN lookup of acme-3.csv' });
    expect(bar.getAttribute('aria-valuenow')).toBe('0');
    rerender([job(31, 'running', { done: 40, total: 100, ratePerSec: 12.4, etaMs: 150_000 })]);
    expect(bar.getAttribute('aria-valuenow')).toBe('40');
    expect(bar.getAttribute('aria-valuetext')).toBe('40% · 12 products/s · about 3 min left');
    expect(stageText(stage('lookup', { state: 'running', done: 5, total: 10, etaMs: 4000 }))).toBe(
      '50% · about 4 s left',
    );
    // An import counts bytes of its file; its rate is told in rows.
    const importing = list(4, {
      stages: [stage('import', { state: 'running', jobIds: [41], done: 0, total: 1000 })],
    });
    cleanup();
    setup(
      [importing],
      [
        {
          ...job(41, 'running'),
          kind: 'import',
          progress: {
            ...job(41, 'running', {})!.progress!,
            done: 500,
            total: 1000,
            succeeded: 20,
            ratePerSec: 100,
            etaMs: 5000,
          },
        } as JobView,
      ],
    );
    const imp = await screen.findByRole('progressbar', { name: 'Import: rows read from the file of acme-4.csv' });
    expect(imp.getAttribute('aria-valuetext')).toBe('50% · 4 rows/s · about 5 s left');
  });

  it('reads the lists again when a job changes state, not on every progress event', async () => {
    const { fake, rerender } = setup([list(1)], [job(5, 'running', { done: 1, total: 9 })]);
    await screen.findByTestId('list-1');
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'imports.lists')).toHaveLength(1));
    rerender([job(5, 'running', { done: 2, total: 9 })]);
    rerender([job(5, 'running', { done: 3, total: 9 })]);
    await act(async () => {});
    expect(fake.calls.filter((c) => c.method === 'imports.lists')).toHaveLength(1);
    fake.state.lists = [list(1, { verdicts: { buy: 9, check: 0, skip: 0 } })];
    rerender([job(5, 'completed', { done: 9, total: 9 })]);
    await waitFor(() => expect(screen.getByTestId('verdicts-1').textContent).toContain('9 buy'));
  });

  it('a list just started shows from the imports list until main has summed it up', async () => {
    setup([], [], [{ id: 9, jobId: 90, fileName: 'new.csv', status: 'running', counts: null, createdAt: 0 }]);
    const row = await screen.findByTestId('list-9');
    expect(within(row).getAllByRole('progressbar')).toHaveLength(4);
    // Not counted yet: no zeros that would read as "nothing found".
    expect(within(row).queryByTestId('verdicts-9')).toBeNull();
    expect(within(row).getAllByRole('cell')[5]!.textContent).toBe('–');
    expect(within(row).queryByRole('button', { name: /What changed/ })).toBeNull();
    expect(within(row).queryByRole('group', { name: /^Export/ })).toBeNull();
  });

  it('"What changed" opens the diff with the previous list: new, dropped, cost up by how much, verdicts', async () => {
    const { fake, shown } = setup([list(2, { previousId: 1 }), list(1)]);
    answer(fake, 'diff', (i) => {
      fake.calls.push({ method: 'imports.diff', input: i });
      return Promise.resolve({ ok: true, value: DIFF });
    });
    await screen.findByTestId('list-2');
    expect(within(screen.getByTestId('list-1')).queryByRole('button', { name: /What changed/ })).toBeNull();
    const open = screen.getByRole('button', { name: 'What changed in acme-2.csv' });
    fireEvent.click(open);
    const panel = await screen.findByRole('region', { name: 'What changed in acme-2.csv' });
    expect(fake.last('imports.diff')).toEqual({ importA: 1, importB: 2, limit: 50 });
    await within(panel).findByText(/1 new, 1 dropped, 1 cost up, 0 cost down, 1 verdicts changed/);
    expect(within(panel).getByRole('region', { name: 'Cost up 1' }).textContent).toContain(
      '$2.50 → $3.00: +$0.50 (+20.0 %)',
    );
    expect(within(panel).getByRole('region', { name: 'Verdict changed 1' }).textContent).toContain('Buy → Skip');
    expect(document.activeElement?.textContent).toBe('What changed in acme-2.csv');
    // Products are links: by barcode, or by name when there is none.
    fireEvent.click(within(panel).getByRole('button', { name: /Blue Kettle/ }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Old Mug' }));
    expect(shown).toEqual([{ search: '00012345678905' }, { search: 'Old Mug' }]);
    // Esc closes it and gives focus back to its button.
    fireEvent.keyDown(panel, { key: 'Escape' });
    expect(screen.queryByRole('region', { name: 'What changed in acme-2.csv' })).toBeNull();
    expect(document.activeElement).toBe(open);
  });

  it('a diff main refuses says why', async () => {
    const { fake } = setup([list(2, { previousId: 1 })]);
    answer(fake, 'diff', () =>
      Promise.resolve({ ok: false, error: { code: 'CONFLICT', message: 'Import #1 has no supplier history.' } }),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'What changed in acme-2.csv' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Import #1 has no supplier history.');
  });

  it('exports a list back through the save dialog, in the format the chosen name says; cancel writes nothing', async () => {
    const { fake } = setup([list(2)]);
    answer(fake, 'exportBack', (i) => {
      fake.calls.push({ method: 'imports.exportBack', input: i });
      return Promise.resolve({
        ok: true,
        value: { path: i.path!, format: 'xlsx' as const, rows: 12, matched: 11, rejected: 1, missing: 0 },
      });
    });
    const group = await screen.findByRole('group', { name: 'Export acme-2.csv' });
    // Cancelled: no export.
    fireEvent.click(within(group).getByRole('button', { name: /^XLSX/ }));
    await waitFor(() =>
      expect(fake.last('app.pickSavePath')).toEqual({ purpose: 'export', defaultName: 'acme-2-pallet.xlsx' }),
    );
    await act(async () => {});
    expect(fake.last('imports.exportBack')).toBeUndefined();
    fake.state.picked = '/home/seller/acme back.xlsx';
    fireEvent.click(within(group).getByRole('button', { name: /^XLSX/ }));
    await screen.findByText('Exported 12 rows of acme-2.csv to /home/seller/acme back.xlsx');
    expect(fake.last('imports.exportBack')).toEqual({ importId: 2, path: '/home/seller/acme back.xlsx' });
    // A name without a known extension: the button's format goes along.
    fake.state.picked = '/home/seller/acme-back';
    fireEvent.click(within(group).getByRole('button', { name: /^CSV/ }));
    await waitFor(() =>
      expect(fake.last('imports.exportBack')).toEqual({ importId: 2, path: '/home/seller/acme-back', format: 'csv' }),
    );
  });
});
