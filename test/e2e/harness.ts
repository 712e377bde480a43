import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { build } from 'vite';
import type { AppEvent } from '../../preload/contract/channels.ts';
import { EVENT_CHANNEL } from '../../preload/contract/channels.ts';
import { createApp, type PalletApp } from '../../main/app/create-app.ts';
import { createImageResolver, IMAGE_SCHEME, imageStoreDir, serveImage } from '../../main/images/serve.ts';
import { CONTENT_SECURITY_POLICY } from '../../main/security/app-protocol.ts';
import { createNodeLauncher } from '../../main/workers/node-launcher.ts';
import { spApiSecrets } from '../../main/lookups/providers.ts';
import type { NetworkPort, SecretsPort } from '../../main/ports.ts';
import { fakeShell, type FakeShell } from '../support/fake-shell.ts';
import { tempDbPath } from '../support/temp-db.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RENDERER = join(ROOT, 'dist/renderer');
export const CHROMIUM = process.env.PALLET_CHROMIUM ?? '/usr/bin/chromium';

/** Why the e2e suite cannot run here, or null when it can. */
export function e2eUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt install chromium, or set PALLET_CHROMIUM)`;
  if (!existsSync(join(RENDERER, 'index.html'))) return 'the renderer is not built (npm run build)';
  return null;
}

let bridgeCode: Promise<string> | null = null;
/** The real buildApi, bundled for the page. */
function bridge(): Promise<string> {
  bridgeCode ??= build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      lib: { entry: join(ROOT, 'test/e2e/bridge-entry.ts'), formats: ['iife'], name: 'PalletBridge' },
      minify: false,
    },
  }).then((out) => {
    const r = (Array.isArray(out) ? out[0] : out) as { output: { code?: string }[] };
    return r.output[0]!.code!;
  });
  return bridgeCode;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

/** Serves a folder on 127.0.0.1 with the app's production CSP header. */
async function serve(root: string, extra: Record<string, string> = {}): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (extra[path]) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(extra[path]);
      return;
    }
    const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
    if (!file.startsWith(root)) return void res.writeHead(404).end();
    try {
      const body = await readFile(file);
      res
        .writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-security-policy': CONTENT_SECURITY_POLICY,
        })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export interface Harness {
  page: Page;
  app: PalletApp;
  shell: FakeShell;
  origin: string;
  /** Another origin: `/frame.html` there holds a cross-origin iframe; both try to call Pallet. */
  otherOrigin: string;
  dir: string;
  /** Makes `name` a file the user can drop, standing for the real file at `path`. */
  offerFile(name: string, path: string): Promise<void>;
  /** Drops files onto the window as the OS would. */
  drop(names: string[]): Promise<void>;
  /** What the native open and save dialogs answer from now on: a path, or null for "cancelled". */
  answerPicker(path: string | null): void;
  /** The titles of the dialogs shown so far. */
  readonly picked: string[];
  /** Closes and reopens the window: a fresh renderer over the same running core. */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

let browser: Promise<Browser> | null = null;
/** One Chromium per test file. */
export function launchBrowser(): Promise<Browser> {
  browser ??= chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  return browser;
}
export async function closeBrowser(): Promise<void> {
  if (browser) await (await browser).close();
  browser = null;
}

/**
 * The built renderer in real Chromium, wired to the real main-process core (router, queue, worker processes) through
 * the real buildApi; only Electron's plumbing (window, tray, notifications, contextBridge transport) is faked.
 */
export async function startHarness(opts: { secrets?: SecretsPort; network?: NetworkPort } = {}): Promise<Harness> {
  const tmp = tempDbPath();
  const { server, origin } = await serve(RENDERER);
  const otherPages: Record<string, string> = { '/probe.html': '<!doctype html><p>probe</p>' };
  const other = await serve(RENDERER, otherPages);
  // A page on another origin with a cross-origin iframe (localhost vs 127.0.0.1): both try to call Pallet.
  otherPages['/frame.html'] =
    `<!doctype html><iframe src="${other.origin.replace('127.0.0.1', 'localhost')}/probe.html"></iframe>`;
  const shell = fakeShell();
  let page!: Page;
  const pending: AppEvent[] = [];
  // The fake window forwards what main sends to the page, as webContents.send would.
  const window = {
    ...shell.ports.window,
    send(e: AppEvent) {
      shell.ports.window.send(e);
      pending.push(e);
      if (page) void flush();
    },
  };
  // The native dialogs answer what the test set, as a user picking that file would.
  let pickerAnswer: string | null = null;
  const picked: string[] = [];
  const dialog = {
    ...shell.ports.dialog,
    pickFile: async (o: { title: string }) => (picked.push(o.title), pickerAnswer),
    pickSavePath: async (o: { title: string }) => (picked.push(o.title), pickerAnswer),
  };
  const flush = async () => {
    const batch = pending.splice(0);
    await page
      .evaluate(
        ([ch, events]) =>
          events.forEach((e) =>
            (window as unknown as { __palletDispatch?: (c: string, p: unknown) => void }).__palletDispatch?.(
              ch as string,
              e,
            ),
          ),
        [EVENT_CHANNEL, batch] as const,
      )
      .catch(() => {});
  };
  const pallet = await createApp({
    dbPath: tmp.path,
    launcher: createNodeLauncher(),
    ports: { ...shell.ports, window, dialog },
    appOrigin: origin,
    version: 'e2e',
    workers: 1,
    settings: () => ({ closeToTray: true, notifications: true }),
    engine: {
      queue: { backoff: { baseMs: 200, maxMs: 1000 } },
      supervisor: { restartBaseMs: 20, restartMaxMs: 200 },
      network: opts.network,
      ...(opts.secrets ? { secrets: () => spApiSecrets(opts.secrets!) } : {}),
    },
    secrets: opts.secrets,
    files: shell.files,
    log: () => {},
  });
  const context = await (await launchBrowser()).newContext();
  await context.addInitScript({ content: await bridge() });
  // The image scheme Electron's protocol.handle serves in the app, answered here by the same handler over the same
  // database and store (the workers keep images beside the database).
  const images = createImageResolver({ db: () => pallet.engine.db, root: () => imageStoreDir(tmp.dir) });
  await context.route(
    (u) => u.protocol === `${IMAGE_SCHEME}:`,
    async (route) => {
      const res = await serveImage(route.request().url(), images);
      await route.fulfill({
        status: res.status,
        headers: Object.fromEntries(res.headers),
        body: Buffer.from(await res.arrayBuffer()),
      });
    },
  );
  // The answer crosses as one JSON string, parsed by the bridge: Playwright's serializer walked every value of an
  // object answer (~0.6 ms a products row, 60 ms a page), far slower than the structured clone Electron's IPC uses.
  await context.exposeBinding('__palletInvoke', async (source, channel: unknown, payload: unknown) =>
    JSON.stringify(
      await pallet.router.handle(channel, payload, {
        url: source.frame.url(),
        isMainFrame: source.frame === source.page.mainFrame(),
      }),
    ),
  );
  const files: Record<string, string> = {};
  const open = async () => {
    page = await context.newPage();
    await page.goto(`${origin}/index.html`);
    await page.evaluate(
      (f) => ((window as unknown as { __palletFiles: Record<string, string> }).__palletFiles = f),
      files,
    );
  };
  await open();
  return {
    get page() {
      return page;
    },
    app: pallet,
    shell,
    origin,
    otherOrigin: other.origin,
    dir: tmp.dir,
    answerPicker: (path) => void (pickerAnswer = path),
    picked,
    async offerFile(name, path) {
      files[name] = path;
      await page.evaluate(
        (f) => ((window as unknown as { __palletFiles: Record<string, string> }).__palletFiles = f),
        files,
      );
    },
    async drop(names) {
      const dt = await page.evaluateHandle((ns) => {
        const d = new DataTransfer();
        for (const n of ns) d.items.add(new File(['(content read by Pallet from disk)'], n, { type: 'text/csv' }));
        return d;
      }, names);
      const target = page.getByTestId('drop-root');
      await target.dispatchEvent('dragover', { dataTransfer: dt });
      await target.dispatchEvent('drop', { dataTransfer: dt });
    },
    async reopen() {
      await page.close();
      await open();
    },
    async close() {
      await context.close();
      // As quitting does (the reader's threads too: a thread left listening holds the process forever).
      await pallet.close();
      server.close();
      other.server.close();
      tmp.cleanup();
    },
  };
}
