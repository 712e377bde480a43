// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnalysisStats } from '../../../preload/contract/channels.ts';
import { ApiContext } from '../../../renderer/src/api.ts';
import { AnalysisView } from '../../../renderer/src/features/analysis/AnalysisView.tsx';
import { createFakeApi, product } from './fake-api.ts';

afterEach(cleanup);

const STATS: AnalysisStats = {
  analysed: 40,
  winners: 12,
  roiBuckets: Array.from({ length: 26 }, (_, i) => ({
    from: (i - 5) / 10,
    to: (i - 4) / 10,
    count: i % 3,
    winners: i > 8 ? i % 3 : 0,
  })),
  points: Array.from({ length: 40 }, (_, i) => ({
    id: i + 1,
    rank: 1000 * (i + 1),
    profit: i / 4,
    roi: i / 40,
    winner: i > 27,
  })),
  verdictsByList: [
    { importId: 2, file: 'acme-march.csv', buy: 4, check: 6, skip: 10 },
    { importId: 1, file: 'a-very-long-supplier-price-list-name.csv', buy: 8, check: 2, skip: 10 },
  ],
};

function setup(stats = STATS) {
  const fake = createFakeApi([product(1, { roi: 0.5 }), product(2, { roi: 0.1 })], stats);
  const onShowWinners = vi.fn();
  render(
    <ApiContext.Provider value={fake.api}>
      <AnalysisView onShowWinners={onShowWinners} />
    </ApiContext.Provider>,
  );
  return { fake, onShowWinners };
}

describe('AnalysisView', () => {
  it('reads the winners by the targets and draws the three charts', async () => {
    const { fake } = setup();
    expect((await screen.findByTestId('winners-summary')).textContent).toMatch(
      /^12 of 40 analysed products meet your targets\./,
    );
    expect(fake.last('products.stats')).toEqual({ filters: {}, targets: { minRoi: 0.3, minProfit: 3 } });
    expect(screen.getByText(/ROI distribution/)).toBeTruthy();
    expect(screen.getByText(/Profit per unit against sales rank/)).toBeTruthy();
    expect(screen.getByText(/Verdicts per list/)).toBeTruthy();
    expect(document.querySelectorAll('.recharts-wrapper').length).toBe(3);
    // Every sampled product is a dot, every non-empty ROI band a bar.
    await waitFor(() => expect(document.querySelectorAll('.recharts-scatter-symbol').length).toBe(40));
    expect(document.querySelectorAll('.recharts-bar-rectangle').length).toBeGreaterThan(10);
  });

  it('asks again when a target changes', async () => {
    const { fake } = setup();
    await screen.findByTestId('winners-summary');
    fireEvent.change(screen.getByLabelText('ROI ≥ %'), { target: { value: '50' } });
    await waitFor(() =>
      expect(fake.last('products.stats')).toEqual({ filters: {}, targets: { minRoi: 0.5, minProfit: 3 } }),
    );
  });

  it('shows the winners in the products table, exports them, and re-analyses with the targets', async () => {
    const { fake, onShowWinners } = setup();
    await screen.findByTestId('winners-summary');
    fireEvent.click(screen.getByRole('button', { name: 'Show winners' }));
    expect(onShowWinners).toHaveBeenCalledWith({ minRoi: 0.3, minProfit: 3 });
    // Cancelling the save dialog exports nothing.
    fireEvent.click(screen.getByRole('button', { name: 'Export winners (CSV)…' }));
    await waitFor(() => expect(fake.last('app.pickSavePath')).toMatchObject({ purpose: 'export' }));
    expect(fake.calls.some((c) => c.method === 'products.export')).toBe(false);
    // A chosen path goes to the export, which main checks against what its dialog gave.
    fake.state.picked = '/home/seller/Desktop/winners.csv';
    fireEvent.click(screen.getByRole('button', { name: 'Export winners (CSV)…' }));
    await waitFor(() =>
      expect(fake.last('products.export')).toEqual({
        filters: { minRoi: 0.3, minProfit: 3 },
        path: '/home/seller/Desktop/winners.csv',
      }),
    );
    expect(
      await screen.findByText(/^Exported \d+ winners to \/home\/seller\/Downloads\/pallet-products\.csv$/),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Re-analyse all with these targets' }));
    await waitFor(() =>
      expect(fake.last('analysis.start')).toEqual({ all: true, targets: { minRoi: 0.3, minProfit: 3 } }),
    );
  });

  it('says what to do before anything is analysed', async () => {
    setup({ analysed: 0, winners: 0, roiBuckets: [], points: [], verdictsByList: [] });
    expect(await screen.findByText(/Nothing analysed yet/)).toBeTruthy();
  });

  it('draws a bar per list and verdict, oldest list first; says so when nothing is decided yet', async () => {
    setup();
    await screen.findByTestId('winners-summary');
    // Two lists × three verdicts, every count above zero.
    await waitFor(() => expect(document.querySelectorAll('.recharts-bar-rectangle').length).toBeGreaterThan(6 + 10));
    const chart = document.querySelectorAll('.recharts-wrapper')[2]!.textContent ?? '';
    // Oldest list first; a long name shortened.
    expect(chart.indexOf('a-very-long-supplier-…')).toBeGreaterThanOrEqual(0);
    expect(chart.indexOf('a-very-long-supplier-…')).toBeLessThan(chart.indexOf('acme-march.csv'));
    cleanup();
    setup({ ...STATS, verdictsByList: [] });
    expect(await screen.findByText(/No verdicts yet/)).toBeTruthy();
  });
});
