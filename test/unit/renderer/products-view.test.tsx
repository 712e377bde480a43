// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProductFilters } from '../../../preload/contract/channels.ts';
import { ApiContext } from '../../../renderer/src/api.ts';
import { ProductsView } from '../../../renderer/src/features/products/ProductsView.tsx';
import { SearchBox } from '../../../renderer/src/features/shell/SearchBox.tsx';
import { askedFilters, createFakeApi, product } from './fake-api.ts';

afterEach(cleanup);

// happy-dom does no layout: give the table's scroll box the size it has in the window (480 px tall), so the
// virtualizer has a viewport to fill.
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

function catalog() {
  const rows = Array.from({ length: 1000 }, (_, i) =>
    i % 4 === 0 ? product(i + 1, { roi: (i % 9) / 10 }) : product(i + 1),
  );
  rows[2] = product(3, {
    lookupStatus: 'ambiguous',
    candidates: [
      { asin: 'B0GADGET01', title: 'Gadget', brand: null },
      { asin: 'B0GADGET02', title: 'Gadget 2-pack', brand: null },
    ],
  });
  return rows;
}

function Harness({ fake }: { fake: ReturnType<typeof createFakeApi> }) {
  const [filters, setFilters] = useState<ProductFilters>({});
  return (
    <ApiContext.Provider value={fake.api}>
      <SearchBox value={filters} onChange={setFilters} />
      <ProductsView filters={filters} onFilters={setFilters} />
    </ApiContext.Provider>
  );
}

describe('ProductsView', () => {
  it('shows the count and only the rows in view, paged through the API', async () => {
    const fake = createFakeApi(catalog());
    render(<Harness fake={fake} />);
    expect(await screen.findByText('1,000 products')).toBeTruthy();
    await screen.findByText('Product 1');
    const grid = screen.getByTestId('products-grid');
    // The header row is row 1 of the grid.
    expect(grid.getAttribute('aria-rowcount')).toBe('1001');
    // Virtualized: a window of rows is in the DOM, not the catalog; pages are asked with a bounded limit.
    expect(within(grid).getAllByRole('row').length).toBeLessThan(60);
    const pages = fake.calls
      .filter((c) => c.method === 'products.page')
      .map((c) => c.input as { offset: number; limit: number });
    expect(pages[0]).toMatchObject({ offset: 0, limit: 100 });
  });

  it('filters by search text, lookup status chips and ROI, asking SQLite (the API) for each', async () => {
    const fake = createFakeApi(catalog());
    render(<Harness fake={fake} />);
    await screen.findByText('1,000 products');
    fireEvent.change(screen.getByLabelText('Search products'), { target: { value: 'Product 99' } });
    await waitFor(() => expect(askedFilters(fake)).toEqual({ search: 'Product 99' }));
    expect(await screen.findByText('11 products')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Search products'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('ROI ≥ %'), { target: { value: '30' } });
    await waitFor(() => expect(askedFilters(fake)).toEqual({ minRoi: 0.3 }));
    fireEvent.click(screen.getByRole('button', { name: 'found' }));
    await waitFor(() => expect(askedFilters(fake)).toEqual({ minRoi: 0.3, lookup: ['found'] }));
    expect(screen.getByRole('button', { name: 'found' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.change(await screen.findByLabelText('Import'), { target: { value: '4' } });
    await waitFor(() => expect(askedFilters(fake)).toEqual({ minRoi: 0.3, lookup: ['found'], importId: 4 }));
  });

  it('sorts by a column, ROI descending first, and says so to screen readers', async () => {
    const fake = createFakeApi(catalog());
    render(<Harness fake={fake} />);
    await screen.findByText('Product 1');
    fireEvent.click(screen.getByRole('button', { name: 'ROI' }));
    await waitFor(() => expect(fake.last('products.page')).toMatchObject({ sort: 'roi', desc: true, offset: 0 }));
    expect(screen.getByRole('columnheader', { name: /ROI/ }).getAttribute('aria-sort')).toBe('descending');
  });

  it('opens the fee breakdown, and lets the seller pick the ASIN of an ambiguous match', async () => {
    const fake = createFakeApi(catalog());
    render(<Harness fake={fake} />);
    fireEvent.click(await screen.findByText('Product 1'));
    const details = await screen.findByRole('region', { name: 'Details of Product 1' });
    expect(within(details).getByText('Referral fee')).toBeTruthy();
    expect(within(details).getByText('−$3.00')).toBeTruthy();
    fireEvent.click(screen.getByText('Product 3'));
    fireEvent.click(await screen.findByRole('button', { name: /B0GADGET02/ }));
    await waitFor(() => expect(fake.last('lookups.choose')).toEqual({ productId: 3, asin: 'B0GADGET02' }));
  });

  it('retries the lookup of selected products, or of every failed one', async () => {
    const fake = createFakeApi(catalog());
    render(<Harness fake={fake} />);
    await screen.findByText('Product 2');
    fireEvent.click(screen.getByLabelText('Select Product 2'));
    fireEvent.click(screen.getByLabelText('Select Product 6'));
    fireEvent.click(screen.getByRole('button', { name: 'Retry lookup (2)' }));
    await waitFor(() => expect(fake.last('lookups.retry')).toEqual({ productIds: [2, 6] }));
    expect(await screen.findByText('2 products will be looked up again.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry all failed lookups' }));
    await waitFor(() => expect(fake.last('lookups.retry')).toEqual({ failed: true }));
  });

  it('exports just the selected products through the save dialog, and checks them with Amazon again', async () => {
    const fake = createFakeApi(catalog());
    fake.state.picked = '/home/seller/Desktop/two.csv';
    render(<Harness fake={fake} />);
    await screen.findByText('Product 2');
    fireEvent.click(screen.getByLabelText('Select Product 2'));
    fireEvent.click(screen.getByLabelText('Select Product 6'));
    fireEvent.click(screen.getByRole('button', { name: 'Export selected (2)' }));
    await waitFor(() =>
      expect(fake.last('products.export')).toEqual({ filters: { ids: [2, 6] }, path: '/home/seller/Desktop/two.csv' }),
    );
    expect(fake.last('app.pickSavePath')).toMatchObject({ purpose: 'export' });
    fireEvent.click(screen.getByRole('button', { name: 'Check with Amazon (2)' }));
    await waitFor(() => expect(fake.last('products.decide')).toEqual({ ids: [2, 6] }));
    expect(await screen.findByText(/2 products will be checked with Amazon again/)).toBeTruthy();
  });

  it('moves through rows with the keyboard and opens one with Enter', async () => {
    const fake = createFakeApi(catalog());
    render(<Harness fake={fake} />);
    await screen.findByText('Product 1');
    const grid = screen.getByTestId('products-grid');
    act(() => grid.focus());
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'Enter' });
    expect(await screen.findByRole('region', { name: 'Details of Product 3' })).toBeTruthy();
    // J and K move as ↓ and ↑ do; Esc closes the details.
    fireEvent.keyDown(grid, { key: 'j' });
    fireEvent.keyDown(grid, { key: 'j' });
    fireEvent.keyDown(grid, { key: 'k' });
    fireEvent.keyDown(grid, { key: 'Enter' });
    expect(await screen.findByRole('region', { name: 'Details of Product 4' })).toBeTruthy();
    fireEvent.keyDown(grid, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('region', { name: /^Details of/ })).toBeNull());
  });

  it('says what to do when there are no products', async () => {
    const fake = createFakeApi([]);
    render(<Harness fake={fake} />);
    expect(await screen.findByText(/No products yet: drop a supplier CSV/)).toBeTruthy();
  });
  it('says it is busy and drops the old rows at once on every filter change, even while the count is still on its way', async () => {
    const fake = createFakeApi(catalog());
    render(<Harness fake={fake} />);
    await screen.findByText('1,000 products');
    const grid = screen.getByTestId('products-grid');
    await waitFor(() => expect(grid.getAttribute('aria-busy')).toBe('false'));
    // From here counts never answer (a count over a million rows can take a second) and pages wait to be released.
    const realPage = fake.api.products.page;
    const held: (() => void)[] = [];
    const products: Pick<typeof fake.api.products, 'count' | 'page'> = {
      count: () => new Promise(() => {}),
      page: (q) => new Promise((resolve) => held.push(() => void realPage(q).then(resolve))),
    };
    Object.assign(fake.api.products, products);
    for (const text of ['Product 99', 'Product 98']) {
      fireEvent.change(screen.getByLabelText('Search products'), { target: { value: text } });
      // The second change comes while the first one's count is still pending: it must show busy all the same.
      await waitFor(() => expect(grid.getAttribute('aria-busy')).toBe('true'));
      expect(within(grid).queryByText('Product 1')).toBeNull();
      await waitFor(() => expect(held.length).toBeGreaterThan(0));
      act(() => held.splice(0).forEach((release) => release()));
      await waitFor(() => expect(grid.getAttribute('aria-busy')).toBe('false'));
      expect(within(grid).getAllByText(new RegExp(text)).length).toBeGreaterThan(0);
    }
  });
});
