// The same scenarios as test/e2e, through the real Electron binary with Playwright's _electron.launch. The binary
// cannot be downloaded on every machine: without it this suite is skipped and says why.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The Electron binary if it was downloaded (electron ≥ 45 fetches it at first use), else null. */
function electronBinary(): string | null {
  if (process.env.PALLET_ELECTRON && existsSync(process.env.PALLET_ELECTRON)) return process.env.PALLET_ELECTRON;
  const pkg = join(ROOT, 'node_modules/electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const binary = electronBinary();
if (!binary)
  console.warn(
    'Real-Electron suite skipped: no Electron binary on this machine (it cannot be downloaded here; set PALLET_ELECTRON to one).',
  );

describe.skipIf(!binary)('Pallet in real Electron', () => {
  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pallet-electron-'));
    app = await electron.launch({
      executablePath: binary!,
      args: [ROOT],
      env: { ...process.env, PALLET_DATA_DIR: dataDir },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exposes only the contract on window.pallet', async () => {
    expect(await page.evaluate(() => Object.keys((window as unknown as { pallet: object }).pallet).sort())).toEqual([
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
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
  });

  it('imports a CSV through the bridge and shows the finished job', async () => {
    const csv = join(dataDir, 'supplier.csv');
    writeFileSync(csv, 'UPC,Name,Brand,Cost\n036000291452,Widget,Acme,2.50\n');
    const r = await page.evaluate(
      (path) =>
        (
          window as unknown as {
            pallet: { imports: { start(i: { path: string }): Promise<{ ok: boolean; value: { jobId: number } }> } };
          }
        ).pallet.imports.start({ path }),
      csv,
    );
    expect(r.ok).toBe(true);
    await page
      .getByTestId(`job-${r.value.jobId}`)
      .and(page.locator('[data-status="completed"]'))
      .waitFor({ timeout: 60_000 });
  });

  it('refuses navigation away, new windows and inline scripts', async () => {
    const before = page.url();
    await page.evaluate(() => void (window.location.href = 'https://example.com/'));
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    await page.evaluate(() => void window.open('https://example.com/'));
    await page.waitForTimeout(500);
    expect(app.windows()).toHaveLength(1);
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(ran).toBe(false);
  });
});
