// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProductFilters, ProductRow } from '../../../preload/contract/channels.ts';
import { ApiContext } from '../../../renderer/src/api.ts';
import { ProductsView } from '../../../renderer/src/features/products/ProductsView.tsx';
import { askedFilters, createFakeApi, product } from './fake-api.ts';

afterEach(cleanup);
beforeEach(() => localStorage.clear());
// happy-dom does no layout: the table's scroll box gets the size it has in the window.
beforeAll(() => {
  for (const [prop, px] of [
    ['clientHeight', 480],
    ['clientWidth', 1000],
  ] as const) {
    const real =
      Object.getOwnPropertyDescriptor(Element.prototype, prop) ??
      Object.getOwnPropertyDescriptor(HTMLElement.prototype, prop);
    Object.defineProperty(HTMLElement.prototype, prop, {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('grid-body') ? px : (real?.get?.call(this) ?? 0);
      },
    });
  }
});

const gated: ProductRow['verdictReasons'] = [
  {
    code: 'approval_required',
    severity: 'skip',
    text: 'You need Amazon’s approval to sell this ASIN.',
    url: 'https://sellercentral.amazon.com/hz/approvalrequest?asin=B000000002',
  },
];
function catalog() {
  return Array.from({ length: 50 }, (_, i) => {
    const id = i + 1;
    if (id === 1)
      return product(1, {
        roi: 0.5,
        verdict: 'buy',
        offers: {
          buyBoxPrice: 24.99,
          buyBoxWinner: 'fba',
          amazonOnListing: false,
          fbaOffers: 3,
          fbmOffers: 1,
          lowestFba: 24.5,
          lowestFbm: null,
        },
        restriction: { status: 'ok', approvalUrl: null },
      });
    if (id === 2)
      return product(2, {
        roi: 0.4,
        verdict: 'skip',
        verdictReasons: gated,
        restriction: { status: 'approval_required', approvalUrl: gated[0]!.url! },
      });
    return product(id, id % 3 === 0 ? { roi: 0.1 } : {});
  });
}

function Harness({ fake }: { fake: ReturnType<typeof createFakeApi> }) {
  const [filters, setFilters] = useState<ProductFilters>({});
  return (
    <ApiContext.Provider value={fake.api}>
      <ProductsView filters={filters} onFilters={setFilters} />
    </ApiContext.Provider>
  );
}
const headers = () =>
  within(screen.getByTestId('products-grid'))
    .getAllByRole('columnheader')
    .map((h) => h.textContent?.replace(/[▲▼]/g, '').trim())
    .filter((h) => h && h !== 'Selected' && h !== 'Image');

describe('ProductsView: decisions, columns, presets, drawer', () => {
  it('shows verdict badges with their reasons, the Buy Box and offers, and the ASIN as an https Amazon link', async () => {
    render(<Harness fake={createFakeApi(catalog())} />);
    await screen.findByText('Product 1');
    const grid = screen.getByTestId('products-grid');
    const skip = within(grid).getByText('Skip').closest('.verdict')!;
    expect(skip.getAttribute('title')).toBe('You need Amazon’s approval to sell this ASIN.');
    expect(within(grid).getByText('Buy')).toBeTruthy();
    expect(within(grid).getByText('$24.99')).toBeTruthy();
    expect(within(grid).getByText('3 / 1')).toBeTruthy();
    const link = within(grid).getByRole('link', { name: /B000000001 on Amazon/ });
    expect(link.getAttribute('href')).toBe('https://www.amazon.com/dp/B000000001');
    // Keyboard: the active row's verdict and reasons are read out and shown under the table.
    act(() => grid.focus());
    fireEvent.keyDown(grid, { key: 'j' });
    expect(screen.getByText(/You need Amazon’s approval/, { selector: '#active-reasons' })).toBeTruthy();
  });

  it('the verdict, ungated and no-Amazon filters ask the API with them', async () => {
    const fake = createFakeApi(catalog());
    render(<Harness fake={fake} />);
    await screen.findByText('Product 1');
    const verdicts = screen.getByRole('group', { name: 'Verdict' });
    fireEvent.click(within(verdicts).getByRole('button', { name: 'Skip' }));
    fireEvent.click(within(verdicts).getByRole('button', { name: 'Buy' }));
    await waitFor(() => expect(askedFilters(fake)).toEqual({ verdict: ['buy', 'skip'] }));
    fireEvent.click(screen.getByLabelText('Ungated only'));
    fireEvent.click(screen.getByLabelText('No Amazon on listing'));
    await waitFor(() =>
      expect(askedFilters(fake)).toEqual({ verdict: ['buy', 'skip'], ungated: true, noAmazon: true }),
    );
    expect(await screen.findByText('1 products')).toBeTruthy();
    // A typed filter keeps them (the debounced fields used to rebuild the filters from their own keys only).
    fireEvent.change(screen.getByLabelText('ROI ≥ %'), { target: { value: '20' } });
    await waitFor(() =>
      expect(askedFilters(fake)).toEqual({
        verdict: ['buy', 'skip'],
        ungated: true,
        noAmazon: true,
        minRoi: 0.2,
      }),
    );
  });

  it('the column chooser hides, shows and moves columns by keyboard, kept across a remount', async () => {
    const fake = createFakeApi(catalog());
    const { unmount } = render(<Harness fake={fake} />);
    await screen.findByText('Product 1');
    expect(headers()).toEqual([
      'Product',
      'Brand',
      'ASIN',
      'Verdict',
      'Cost',
      'Buy Box',
      'FBA/FBM',
      'AMZ',
      'Profit',
      'ROI',
      'Rank',
    ]);
    const button = screen.getByRole('button', { name: /^Columns/ });
    fireEvent.click(button);
    const menu = screen.getByRole('dialog', { name: 'Columns' });
    expect(document.activeElement).toBe(within(menu).getAllByRole('checkbox')[0]);
    fireEvent.click(within(menu).getByLabelText('Brand'));
    fireEvent.click(within(menu).getByLabelText('Listing restriction'));
    fireEvent.click(within(menu).getByRole('button', { name: 'Move ROI up' }));
    // The moved entry keeps the focus, so pressing again moves it further.
    expect(document.activeElement).toBe(within(menu).getByRole('button', { name: 'Move ROI up' }));
    fireEvent.keyDown(menu, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Columns' })).toBeNull();
    expect(document.activeElement).toBe(button);
    const after = [
      'Product',
      'ASIN',
      'Verdict',
      'Cost',
      'Buy Box',
      'FBA/FBM',
      'AMZ',
      'Gating',
      'ROI',
      'Profit',
      'Rank',
    ];
    expect(headers()).toEqual(after);
    unmount();
    render(<Harness fake={fake} />);
    await screen.findByText('Product 1');
    expect(headers()).toEqual(after);
    // Reset brings the defaults back.
    fireEvent.click(screen.getByRole('button', { name: /^Columns/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Reset to default' }));
    expect(headers()).toContain('Brand');
  });

  it('a damaged stored layout falls back to the defaults', async () => {
    localStorage.setItem('pallet.products.columns.v1', '{"order":"nope"');
    render(<Harness fake={createFakeApi(catalog())} />);
    await screen.findByText('Product 1');
    expect(headers()).toContain('Verdict');
  });

  it('presets: Winners applies verdict buy; current filters saved under a name come back after a remount', async () => {
    const fake = createFakeApi(catalog());
    const { unmount } = render(<Harness fake={fake} />);
    await screen.findByText('Product 1');
    const preset = screen.getByLabelText('Preset');
    fireEvent.change(preset, { target: { value: 'Winners' } });
    await waitFor(() => expect(askedFilters(fake)).toEqual({ verdict: ['buy'] }));
    expect(screen.getByRole('button', { name: 'Buy' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.change(screen.getByLabelText('Preset'), { target: { value: 'Ungated ROI ≥ 30%' } });
    await waitFor(() => expect(askedFilters(fake)).toEqual({ ungated: true, minRoi: 0.3 }));
    // The filter bar shows the preset's values.
    expect((screen.getByLabelText('ROI ≥ %') as HTMLInputElement).value).toBe('30');
    fireEvent.change(screen.getByLabelText('Brand'), { target: { value: 'Acme' } });
    await waitFor(() => expect(askedFilters(fake)).toMatchObject({ brand: 'Acme' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save current filters as…' }));
    fireEvent.change(screen.getByLabelText('Preset name'), { target: { value: 'Winners' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('alert').textContent).toMatch(/built-in preset/);
    fireEvent.change(screen.getByLabelText('Preset name'), { target: { value: 'Acme ungated' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((screen.getByLabelText('Preset') as HTMLSelectElement).value).toBe('Acme ungated');
    unmount();
    render(<Harness fake={fake} />);
    await screen.findByText('Product 1');
    fireEvent.change(screen.getByLabelText('Preset'), { target: { value: 'Acme ungated' } });
    await waitFor(() => expect(askedFilters(fake)).toEqual({ ungated: true, minRoi: 0.3, brand: 'Acme' }));
  });

  it('the drawer shows the verdict reasons with the approval link, offers and restrictions; Esc gives the row back', async () => {
    const fake = createFakeApi(catalog());
    render(<Harness fake={fake} />);
    await screen.findByText('Product 2');
    const grid = screen.getByTestId('products-grid');
    act(() => grid.focus());
    fireEvent.keyDown(grid, { key: 'j' });
    fireEvent.keyDown(grid, { key: 'Enter' });
    const drawer = await screen.findByRole('region', { name: 'Details of Product 2' });
    await waitFor(() => expect(fake.last('products.detail')).toEqual({ id: 2 }));
    const why = within(drawer).getByRole('list', { name: 'Why Skip' });
    expect(why.textContent).toMatch(/approval to sell this ASIN/);
    expect(within(why).getByRole('link', { name: 'Request approval' }).getAttribute('href')).toBe(gated[0]!.url);
    expect(within(drawer).getByRole('link', { name: 'Request approval on Seller Central' })).toBeTruthy();
    expect(within(drawer).getByText('Referral fee')).toBeTruthy();
    // "Check again" asks for this product alone (main gives it the front of the queue and the scheduler).
    fireEvent.click(within(drawer).getByRole('button', { name: 'Check again with Amazon' }));
    await waitFor(() => expect(fake.last('products.decide')).toEqual({ ids: [2] }));
    expect(await within(drawer).findByText(/Asked Amazon \(job #12\)/)).toBeTruthy();
    fireEvent.keyDown(drawer, { key: 'Escape' });
    expect(screen.queryByRole('region', { name: 'Details of Product 2' })).toBeNull();
    expect(document.activeElement).toBe(grid);
  });
});
