import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Page } from 'playwright';
import type { Db } from '../../main/db/open.ts';
import { closeBrowser, e2eUnavailable, startHarness } from '../e2e/harness.ts';
import { percentile } from './jobs.ts';

/**
 * Fills the catalog with products `from`…`to`, a third of them found and analysed, each found one with Amazon's answers
 * and a verdict (a third each buy, check — Amazon on the listing — and skip — gated), in one SQL statement per table.
 */
export function seedCatalog(db: Db, from: number, to: number): void {
  db.exec(`
    WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
    INSERT INTO products (id, gtin14, sku, name, brand, cost, lookup_status, asin, sales_rank, quality_score, created_at, updated_at)
    SELECT i, printf('%014d', 10000000000000 + i), 'SKU-' || i, 'Product ' || i || ' ' || substr('abcdefghij', 1 + i % 10, 3), 'Brand ' || (i % 500),
           5 + (i % 20), CASE WHEN i % 3 = 0 THEN 'found' ELSE 'pending' END, CASE WHEN i % 3 = 0 THEN printf('B0%08d', i) END,
           CASE WHEN i % 3 = 0 THEN i * 3 END, 60 + i % 40, 1, 1 FROM n;
    INSERT INTO analyses (product_id, marketplace, sell_price, price_source, referral_category, referral_fee, fulfillment_fee, other_costs, unit_cost,
                          total_fees, profit, margin, roi, sales_rank, flags, reasons, fee_schedule, computed_at, verdict, verdict_reasons, decided_asin, decided_at)
    SELECT id, 'US', cost * 2.5, 'amazon', 'toys', cost * 0.375, 4.5, 0, cost, cost * 0.375 + 4.5, cost * 1.125 - 4.5, (cost * 1.125 - 4.5) / (cost * 2.5),
           (cost * 1.125 - 4.5) / cost, sales_rank, '[]', '[]', 'us-2026-01-15', 1,
           CASE id % 9 WHEN 0 THEN 'buy' WHEN 3 THEN 'check' ELSE 'skip' END,
           CASE id % 9 WHEN 0 THEN '[]'
             WHEN 3 THEN '[{"code":"amazon_on_listing","severity":"check","text":"Amazon sells this listing itself."}]'
             ELSE '[{"code":"approval_required","severity":"skip","text":"You need approval to sell this ASIN.","url":"https://sellercentral.amazon.com/hz/approvalrequest"}]' END,
           asin, 1
    FROM products WHERE id BETWEEN ${from} AND ${to} AND lookup_status = 'found';
    INSERT INTO offer_summaries (asin, marketplace, buy_box_price, buy_box_winner, amazon_on_listing, fba_offers, fbm_offers, lowest_fba, lowest_fbm, source, fetched_at)
    SELECT asin, 'US', cost * 2.5, CASE WHEN id % 9 = 3 THEN 'amazon' ELSE 'fba' END, id % 9 = 3, id % 12, id % 4, cost * 2.45, NULL, 'item_offers', 1
    FROM products WHERE id BETWEEN ${from} AND ${to} AND asin IS NOT NULL;
    INSERT INTO listing_restrictions (asin, marketplace, seller_id, status, reasons, fetched_at)
    SELECT asin, 'US', 'A1SELLER', CASE WHEN id % 9 = 6 THEN 'approval_required' ELSE 'ok' END,
           CASE WHEN id % 9 = 6 THEN '[{"code":"APPROVAL_REQUIRED","message":"Approval required","approvalUrl":"https://sellercentral.amazon.com/hz/approvalrequest"}]' ELSE '[]' END, 1
    FROM products WHERE id BETWEEN ${from} AND ${to} AND asin IS NOT NULL;
    INSERT INTO catalog_items (asin, marketplace, title, fetched_at)
    SELECT asin, 'US', name, 1 FROM products WHERE id BETWEEN ${from} AND ${to} AND asin IS NOT NULL;
  `);
}

/** What the page's long-task observer saw while `scrollThrough` wheel-scrolled and jumped through the grid. */
export interface ScrollRun {
  long: number[];
  loadTimes: number[];
  steps: number;
  scrollMs: number;
}

/**
 * Wheel-scrolls the products grid as a seller skims, then jumps (the scrollbar dragged) to six places, each waited until
 * its rows are drawn, while a long-task observer records every main-thread task over 50 ms in the page.
 */
export async function scrollThrough(
  page: Page,
  opts: { wheelSteps: number; stepsPerJump: number; log?: (l: string) => void },
): Promise<ScrollRun> {
  await page.evaluate(() => {
    const w = window as unknown as { __long: number[]; __longAt: number[] };
    w.__long = [];
    w.__longAt = [];
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => (w.__long.push(e.duration), w.__longAt.push(e.startTime))),
    ).observe({ type: 'longtask', buffered: false });
  });
  const grid = page.getByTestId('products-grid');
  const box = (await grid.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const t0 = performance.now();
  let steps = 0;
  // Steady wheel scrolling, as a seller skims.
  for (let i = 0; i < opts.wheelSteps; i++, steps++) {
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(16);
  }
  // Jumps (the scrollbar dragged), each waited until its rows are drawn.
  const loadTimes: number[] = [];
  const marks: [number, number][] = [];
  for (const fraction of [0.25, 0.5, 0.75, 0.999, 0.1, 0.6]) {
    marks.push([fraction, await page.evaluate(() => Math.round(performance.now()))]);
    const j0 = performance.now();
    await grid.evaluate((el, f) => (el.scrollTop = f * (el.scrollHeight - el.clientHeight)), fraction);
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="products-grid"] .loading').length === 0 &&
        document.querySelectorAll('[data-testid="products-grid"] [role="row"]').length > 0,
    );
    loadTimes.push(performance.now() - j0);
    for (let i = 0; i < opts.stepsPerJump; i++, steps++) {
      await page.mouse.wheel(0, i % 2 ? -900 : 700);
      await page.waitForTimeout(16);
    }
  }
  const scrollMs = performance.now() - t0;
  await page.waitForTimeout(200);
  const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
  if (process.env.PALLET_BENCH_DEBUG)
    opts.log?.(
      `long tasks at ${JSON.stringify(await page.evaluate(() => (window as unknown as { __longAt: number[] }).__longAt.map((t, i) => [Math.round(t), Math.round((window as unknown as { __long: number[] }).__long[i]!)])))}, now ${await page.evaluate(() => Math.round(performance.now()))}, marks ${JSON.stringify(marks)}`,
    );
  return { long, loadTimes, steps, scrollMs };
}

/**
 * The products table over a million-row catalog in real Chromium (the built renderer, the real core): wheel-scrolls
 * and jumps through it while a long-task observer records every main-thread task over 50 ms in the page. Also times
 * the reader thread's pages (deep offsets, a sort on a computed column) and the main process's event-loop lag.
 */
export async function runTableBench(
  opts: {
    rows?: number;
    wheelSteps?: number;
    stepsPerJump?: number;
    settleMs?: number;
    log?: (l: string) => void;
  } = {},
) {
  const rows = opts.rows ?? 1_000_000;
  const wheelSteps = opts.wheelSteps ?? 300;
  const stepsPerJump = opts.stepsPerJump ?? 40;
  const log = opts.log ?? (() => {});
  const why = e2eUnavailable();
  if (why) throw new Error(`the table bench needs the e2e setup: ${why}`);
  const h = await startHarness();
  try {
    log(`seeding ${rows} products`);
    seedCatalog(h.app.engine.db, 1, rows);
    const time = async (f: () => Promise<unknown>) => {
      const t = performance.now();
      await f();
      return Math.round((performance.now() - t) * 10) / 10;
    };
    const reader = h.app.reader;
    const pageAt = (offset: number, sort: 'id' | 'roi' = 'id') =>
      time(() => reader.page({ offset, limit: 100, sort, desc: sort === 'roi' }));
    await pageAt(0);
    const deep = { start: await pageAt(0), middle: await pageAt(Math.floor(rows / 2)), end: await pageAt(rows - 100) };
    const sortedMiddle = await pageAt(Math.floor(rows / 2), 'roi');
    const countMs = await time(() => reader.count({ minRoi: 0.3 }));

    // A fresh window over the seeded catalog.
    await h.reopen();
    const page = h.page;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByTestId('nav-products').click();
    await page.getByText(`${rows.toLocaleString('en-US')} products`).waitFor({ timeout: 60_000 });
    await page.getByText('Product 1 ').first().waitFor();
    // Measure scrolling, not start-up: let the window settle first.
    await page.waitForTimeout(opts.settleMs ?? 1500);
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    log('scrolling');
    const { long, loadTimes, steps, scrollMs } = await scrollThrough(page, { wheelSteps, stepsPerJump, log });
    lag.disable();
    const domRows = await page.evaluate(
      () => document.querySelectorAll('[data-testid="products-grid"] [role="row"]').length,
    );
    return {
      table_rows: rows,
      scroll_steps: steps,
      scroll_seconds: Math.round(scrollMs / 100) / 10,
      long_tasks_over_50ms: long.length,
      longest_task_ms: long.length ? Math.round(Math.max(...long)) : 0,
      dom_rows: domRows,
      jump_to_rows_drawn_p50_ms: Math.round(percentile(loadTimes, 50)),
      jump_to_rows_drawn_max_ms: Math.round(Math.max(...loadTimes)),
      page_query_ms_offset_0: deep.start,
      page_query_ms_offset_middle: deep.middle,
      page_query_ms_offset_end: deep.end,
      page_query_ms_sorted_roi_middle: sortedMiddle,
      count_query_ms_filtered: countMs,
      main_loop_lag_p99_ms: Math.round((lag.percentile(99) / 1e6) * 10) / 10,
    };
  } finally {
    await h.close();
    await closeBrowser();
  }
}
