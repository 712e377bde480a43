// `products:decide` over IPC: the products the seller is looking at are decided first — a request a running decide
// job takes at once, their job before the others waiting in the queue, their calls at the scheduler's front
// (priority 0); an import's or all at the funnel's.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecrets } from '../../../main/app/secrets.ts';
import { classifyError, createHandlers } from '../../../main/ipc/handlers/index.ts';
import { createRouter } from '../../../main/ipc/router.ts';
import { createProductReader, type ProductReader } from '../../../main/products/reader.ts';
import { systemClock } from '../../../main/queue/queue.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { fakeKeyring, fakeShell, memorySecretStore } from '../../support/fake-shell.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';

let t: TestQueue;
let reader: ProductReader;
beforeEach(() => {
  t = openTestQueue({ clock: systemClock });
  reader = createProductReader(t.path);
});
afterEach(async () => {
  await reader.close();
  t.close();
});

function call(channel: string, payload?: unknown) {
  const r = createRouter({
    handlers: createHandlers({
      db: t.db,
      queue: t.queue,
      version: 't',
      reader,
      exportDir: () => join(t.dir, 'exports'),
      app: {
        settings: createMemorySettings(),
        secrets: createSecrets(fakeKeyring(), memorySecretStore().store),
        sampleDir: join(import.meta.dirname, '../../../resources/sample'),
        files: fakeShell().files,
        fileRoots: () => [join(t.dir, 'exports')],
      },
    }),
    appOrigin: 'app://pallet',
    classify: classifyError,
  });
  return r.handle(channel, payload, { url: 'app://pallet/index.html', isMainFrame: true });
}

function addProducts(...ids: number[]): void {
  const add = t.db.prepare(
    `INSERT INTO products (id, gtin14, name, cost, created_at, updated_at) VALUES (?, ?, ?, 1, 0, 0)`,
  );
  for (const id of ids) add.run(id, String(id).padStart(14, '0'), `Product ${id}`);
}
const requests = () =>
  t.db.prepare('SELECT product_id, marketplace, requested_at FROM decide_requests ORDER BY product_id').all() as {
    product_id: number;
    marketplace: string;
    requested_at: number;
  }[];

describe('products:decide', () => {
  it('queues the products in view ahead of a whole-list run, with the scheduler priority of what the seller looks at', async () => {
    addProducts(3, 7);
    const all = (await call('products:decide', { all: true })) as { ok: true; value: { jobId: number } };
    const viewed = (await call('products:decide', { ids: [7, 3] })) as { ok: true; value: { jobId: number } };
    expect(all.ok && viewed.ok).toBe(true);
    const job = (id: number) => t.queue.find(id)!;
    // The request a running decide job takes, written with the job: both carry the time the seller asked.
    const asked = requests();
    expect(asked.map((r) => [r.product_id, r.marketplace])).toEqual([
      [3, 'US'],
      [7, 'US'],
    ]);
    expect(asked[0]!.requested_at).toBe(asked[1]!.requested_at);
    expect(job(viewed.value.jobId).payload).toEqual({
      ids: [7, 3],
      marketplace: 'US',
      priority: 0,
      requestedAt: asked[0]!.requested_at,
    });
    expect(job(all.value.jobId).payload).toEqual({ all: true, priority: 1 });
    // Queued later, claimed first.
    const [first] = t.queue.claim('decide');
    expect(first!.lease.jobId).toBe(viewed.value.jobId);
  });

  it('asking again for a product already asked for keeps one request, at the later time', async () => {
    addProducts(5);
    await call('products:decide', { ids: [5] });
    const before = requests()[0]!.requested_at;
    await new Promise((r) => setTimeout(r, 5));
    await call('products:decide', { ids: [5, 5] });
    const after = requests();
    expect(after).toHaveLength(1);
    expect(after[0]!.requested_at).toBeGreaterThan(before);
    expect(t.queue.list({ kind: 'decide' })).toHaveLength(2);
  });

  it('refuses ids that are not products, naming them, and writes nothing', async () => {
    addProducts(1);
    const r = (await call('products:decide', { ids: [1, 999, 12345] })) as {
      ok: false;
      error: { code: string; message: string };
    };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('NOT_FOUND');
    expect(r.error.message).toBe('There are no products #999, #12345.');
    const one = (await call('products:decide', { ids: [42] })) as { ok: false; error: { message: string } };
    expect(one.error.message).toBe('There is no product #42.');
    expect(requests()).toEqual([]);
    expect(t.queue.list({ kind: 'decide' })).toEqual([]);
  });

  it('refuses a request that names no products, or two ways at once, saying what it wants', async () => {
    for (const bad of [{}, { ids: [] }, { ids: [1], all: true }, { importId: 0 }, { all: false }]) {
      const r = (await call('products:decide', bad)) as { ok: false; error: { code: string; message: string } };
      expect(r.ok).toBe(false);
      expect(r.error.code).toBe('INVALID_INPUT');
    }
    expect(t.queue.find(1)).toBeNull();
    expect(requests()).toEqual([]);
  });
});
