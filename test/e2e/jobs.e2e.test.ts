// The Jobs view in Chromium over the real core (router, queue, worker process): jobs grouped under the list they
// work for, a job's detail (attempts, errors, log tail, what it waits for), retry and cancel from the detail, and no
// serious or critical axe violation with the detail open, light and dark.
import { AxeBuilder } from '@axe-core/playwright';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FINISHED_STATUSES } from '../../main/queue/types.ts';
import { waitFor } from '../support/workers.ts';
import { closeBrowser, e2eUnavailable, startHarness, type Harness } from './harness.ts';

const unavailable = e2eUnavailable();

/** Serious or critical axe violations on the page as it is, in light and in dark. */
async function axeSerious(page: Page, what: string): Promise<string[]> {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const r = await new AxeBuilder({ page }).analyze();
    for (const v of r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
      found.push(`${scheme} ${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}

describe.skipIf(unavailable !== null)('the Jobs view: groups by list, a job’s detail, actions from it', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()), 60_000);
  afterEach(async () => h.close());
  afterAll(async () => closeBrowser());

  const jobsView = () => h.page.locator('#view-jobs');

  it('a dropped list’s import and its follow-ups sit under the file name; the detail shows attempts, errors and log', async () => {
    const page = h.page;
    const path = join(h.dir, 'acme-prices.csv');
    writeFileSync(
      path,
      'UPC,Item Description,Brand,Unit Cost\n036000291452,Widget,Acme,$2.50\n4006381333931,Gadget,Globex,1.00\nbad,Thing,,x\n',
    );
    await h.offerFile('acme-prices.csv', path);
    await h.drop(['acme-prices.csv']);
    await page
      .getByRole('region', { name: 'Import acme-prices.csv' })
      .getByRole('button', { name: 'Start import' })
      .click();
    const q = h.app.engine.queue;
    await waitFor(() => q.list({ kind: 'import' }).length === 1, 'the import job');
    const importId = q.list({ kind: 'import' })[0]!.id;
    await waitFor(
      () => q.list({ kind: 'lookup' }).some((j) => j.parentId === importId && FINISHED_STATUSES.includes(j.status)),
      'the lookup the import queued',
      60_000,
    );
    const lookupId = q.list({ kind: 'lookup' }).find((j) => j.parentId === importId)!.id;

    await page.getByTestId('nav-jobs').click();
    const group = jobsView().getByTestId(`job-group-list-${importId}`);
    await group.getByRole('button', { name: /acme-prices\.csv/ }).waitFor();
    await group.getByTestId(`job-${lookupId}`).waitFor();
    expect(await group.getByTestId(`job-${importId}`).getAttribute('data-depth')).toBe('0');
    expect(await group.getByTestId(`job-${lookupId}`).getAttribute('data-depth')).toBe('1');
    await expect.poll(() => group.getByTestId(`job-group-list-${importId}-summary`).textContent()).toMatch(/done/);
    // The sweep (a root of its own) is not under the list.
    const sweeps = q.list({ kind: 'lookup' }).filter((j) => j.parentId === null);
    for (const s of sweeps) expect(await group.getByTestId(`job-${s.id}`).count()).toBe(0);

    // Keyboard: the group heading folds and unfolds; Enter on a job's Details opens its detail.
    const toggle = group.getByRole('button', { name: /acme-prices\.csv/ });
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await group.getByRole('button', { name: `Details of Import #${importId}` }).focus();
    await page.keyboard.press('Enter');
    const detail = jobsView().getByTestId('job-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('job-attempts').textContent()).toBe('1 of 5');
    await detail.getByRole('heading', { name: 'Errors (1)' }).waitFor();
    await detail
      .getByRole('list', { name: `Errors of Import #${importId}` })
      .getByText(/^Row 4: /)
      .waitFor();
    const log = detail.getByRole('list', { name: `Log of Import #${importId}` });
    await log.getByText('Attempt 1 of 5 started.').waitFor();
    await log.getByText('Completed.').waitFor();
    expect(await axeSerious(page, 'list group, detail with errors and log')).toEqual([]);
    // Esc closes it and gives focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      `Details of Import #${importId}`,
    );
  }, 120_000);

  it('retry and cancel from a failed job’s detail; it says what it waits for; axe clean with it open', async () => {
    const page = h.page;
    const q = h.app.engine.queue;
    // An import of a file that is gone fails for good on its first attempt.
    const id = q.enqueue({ kind: 'import', payload: { path: join(h.dir, 'gone.csv') }, maxAttempts: 1 }).id;
    await waitFor(() => q.get(id).status === 'failed', 'the import to fail');
    await page.getByTestId('nav-jobs').click();
    await jobsView()
      .getByRole('button', { name: `Details of Import #${id}` })
      .click();
    const detail = jobsView().getByTestId('job-detail');
    await detail.getByTestId('job-last-error').waitFor();
    expect(await detail.getByTestId('job-last-error').textContent()).toMatch(/gone\.csv/);
    expect(await detail.getByTestId('job-attempts').textContent()).toBe('1 of 1');
    await detail
      .getByRole('list', { name: `Log of Import #${id}` })
      .getByText(/^Failed: .*gone\.csv/)
      .waitFor();

    // With the queue paused the retried job stays queued, and the detail says why.
    q.pauseAll();
    await detail.getByRole('button', { name: 'Retry' }).click();
    await waitFor(() => q.get(id).status === 'queued', 'the retried job to be queued');
    expect(q.get(id).attempts).toBe(0);
    const wait = detail.getByTestId('job-wait');
    await wait.waitFor();
    expect(await wait.getAttribute('data-reason')).toBe('queue_paused');
    expect(await wait.textContent()).toMatch(/^Waiting for the queue to resume\./);

    expect(await axeSerious(page, 'failed job detail, waiting')).toEqual([]);

    await detail.getByRole('button', { name: 'Cancel job' }).click();
    await waitFor(() => q.get(id).status === 'cancelled', 'the job to be cancelled');
    await detail.getByText('cancelled', { exact: true }).waitFor();
    await detail.getByRole('button', { name: 'Retry' }).waitFor();
    expect(await detail.getByTestId('job-wait').count()).toBe(0);
    q.resumeAll();
  }, 120_000);
});
