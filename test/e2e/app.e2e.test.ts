import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSupplierFile } from '../../main/bench/supplier-file.ts';
import { closeBrowser, e2eUnavailable, startHarness, type Harness } from './harness.ts';
import { waitFor } from '../support/workers.ts';

const unavailable = e2eUnavailable();
if (unavailable) console.warn(`e2e in Chromium skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('Pallet in Chromium, wired to the real core', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()), 60_000);
  afterEach(async () => h.close());
  afterAll(async () => closeBrowser());

  const job = (id: number) => h.page.getByTestId(`job-${id}`);
  const go = (view: string) => h.page.getByTestId(`nav-${view}`).click();
  const lastJobId = () => Math.max(...h.app.engine.queue.list({ kind: 'import' }).map((j) => j.id));

  it('drop a CSV → preview → progress → completed; notification recorded and tray updated', async () => {
    const path = join(h.dir, 'supplier.csv');
    writeFileSync(
      path,
      'UPC,Item Description,Brand,Unit Cost\n036000291452,Widget,Acme,$2.50\n4006381333931,Gadget,Globex,1.00\nbad,Thing,,x\n',
    );
    await h.offerFile('supplier.csv', path);
    const traysBefore = h.shell.rec.trays.length;
    await h.drop(['supplier.csv']);
    const panel = h.page.getByRole('region', { name: 'Import supplier.csv' });
    await expectText(panel.getByTestId('sniffed'), 'utf-8, ","-separated');
    expect(await panel.getByLabel('Field for Item Description').inputValue()).toBe('name');
    await panel.getByRole('button', { name: 'Start import' }).click();
    await waitFor(() => h.app.engine.queue.list({ kind: 'import' }).length === 1, 'the import job');
    const id = lastJobId();
    // The price list appears in Lists with its import's progress; the job itself is in Jobs.
    await h.page
      .getByRole('region', { name: 'Price lists' })
      .getByRole('cell', { name: 'supplier.csv', exact: true })
      .waitFor();
    await go('jobs');
    await waitForAttr(job(id), 'data-status', 'completed');
    await expectText(job(id), '3 rows: 2 new, 0 updated, 0 unchanged, 0 duplicates, 1 rejected');
    // The import's notification (the lookup it starts may add its own).
    await waitFor(() => h.shell.rec.notices.some((n) => n.jobId === id), 'the notification');
    expect(h.shell.rec.notices.find((n) => n.jobId === id)).toEqual({
      title: 'Import finished',
      body: '3 rows: 2 new, 0 updated, 0 duplicates, 1 rejected.',
      jobId: id,
    });
    // The tray was refreshed by the job's events and settles back to idle.
    await waitFor(
      () => h.shell.rec.trays.length > traysBefore && h.shell.lastTray()?.tooltip === 'Pallet — idle',
      'the tray to update',
    );
  });

  it('close the window → the job keeps running → reopening shows its current state', async () => {
    const path = join(h.dir, 'big.csv');
    await writeSupplierFile(path, 150_000);
    const id = h.app.engine.queue.enqueue({ kind: 'import', payload: { path } }).id;
    await go('jobs');
    await waitForAttr(job(id), 'data-status', 'running');
    expect(h.shell.closeWindow()).toBe(false);
    expect(h.shell.rec.visible).toBe(false);
    await h.page.close();
    await waitFor(
      () => h.app.engine.queue.get(id).status === 'completed',
      'the import to finish with the window closed',
      120_000,
    );
    await h.reopen();
    await go('jobs');
    await waitForAttr(job(id), 'data-status', 'completed');
    await expectText(job(id), '150000 rows: 150000 new');
  });

  it('cancel from the window stops a running import', async () => {
    const path = join(h.dir, 'big.csv');
    await writeSupplierFile(path, 300_000);
    const id = h.app.engine.queue.enqueue({ kind: 'import', payload: { path } }).id;
    await go('jobs');
    await waitForAttr(job(id), 'data-status', 'running');
    await job(id).getByRole('button', { name: 'Cancel' }).click();
    await waitForAttr(job(id), 'data-status', 'cancelled');
    expect(h.app.engine.queue.get(id).status).toBe('cancelled');
    await job(id).getByRole('button', { name: 'Retry' }).isVisible();
  });

  it('a worker killed mid-job → the window shows the retry, then completion', async () => {
    const path = join(h.dir, 'big.csv');
    await writeSupplierFile(path, 150_000);
    const id = h.app.engine.queue.enqueue({ kind: 'import', payload: { path }, maxAttempts: 5 }).id;
    await go('jobs');
    await waitForAttr(job(id), 'data-status', 'running');
    await waitFor(() => (h.app.engine.queue.get(id).progress?.succeeded ?? 0) > 1000, 'rows to be read');
    process.kill(h.app.engine.workers[0]!.pid!, 'SIGKILL');
    await waitForAttr(job(id), 'data-status', 'retry_pending');
    await expectText(job(id), 'retrying at');
    await waitForAttr(job(id), 'data-status', 'completed', 120_000);
    expect(h.app.engine.queue.get(id).attempts).toBe(2);
  });

  it('a page on another origin, and a cross-origin iframe, are refused by the router', async () => {
    const page = await h.page.context().newPage();
    await page.goto(`${h.otherOrigin}/frame.html`);
    // The harness's transport answers with JSON text (the bridge parses it).
    const call = `window.__palletInvoke('jobs:list', undefined).then(JSON.parse)`;
    expect(await page.evaluate(call)).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'This frame may not call Pallet.' },
    });
    const frame = page.frames().find((f) => f !== page.mainFrame())!;
    await frame.waitForLoadState();
    expect(await frame.evaluate(call)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // The app's own page is allowed, and has no bridge internals beyond window.pallet's named methods.
    expect(await h.page.evaluate(call)).toMatchObject({ ok: true });
    expect(await h.page.evaluate(() => Object.keys((window as unknown as { pallet: object }).pallet).sort())).toEqual([
      'analysis',
      'app',
      'imports',
      'jobs',
      'lookups',
      'onEvent',
      'pathForFile',
      'products',
      'settings',
    ]);
  });

  it('an inline script is blocked by the CSP', async () => {
    const result = await h.page.evaluate(
      () =>
        new Promise<{ ran: boolean; violation: string | null }>((resolve) => {
          let violation: string | null = null;
          document.addEventListener('securitypolicyviolation', (e) => (violation = e.violatedDirective));
          const s = document.createElement('script');
          s.textContent = 'window.__inlineRan = true';
          document.body.append(s);
          setTimeout(
            () => resolve({ ran: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true, violation }),
            200,
          );
        }),
    );
    expect(result).toEqual({ ran: false, violation: 'script-src-elem' });
  });
});

async function waitForAttr(
  locator: ReturnType<Harness['page']['getByTestId']>,
  name: string,
  value: string,
  timeout = 60_000,
): Promise<void> {
  await locator.and(locator.page().locator(`[${name}="${value}"]`)).waitFor({ timeout });
}
async function expectText(locator: ReturnType<Harness['page']['getByTestId']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).waitFor({ timeout: 30_000 });
}
