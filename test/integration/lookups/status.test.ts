import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNetworkWatch } from '../../../main/app/network-watch.ts';
import { classifyError, createHandlers } from '../../../main/ipc/handlers/index.ts';
import { chooseAsin, NotACandidateError, ProductNotFoundError } from '../../../main/lookups/status.ts';
import { createRouter } from '../../../main/ipc/router.ts';
import { systemClock } from '../../../main/queue/queue.ts';
import { openTestQueue, type TestQueue } from '../../support/temp-db.ts';
import { fakeKeyring, fakeShell, memorySecretStore } from '../../support/fake-shell.ts';
import { createSecrets } from '../../../main/app/secrets.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { createProductReader, type ProductReader } from '../../../main/products/reader.ts';
import { waitFor } from '../../support/workers.ts';

let t: TestQueue;
beforeEach(() => {
  t = openTestQueue({ clock: systemClock });
  const add = t.db.prepare(
    `INSERT INTO products (id, gtin14, name, cost, lookup_status, lookup_attempts, potential_asins, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?, 0, 0)`,
  );
  add.run(
    1,
    '00036000291452',
    'Widget',
    'ambiguous',
    1,
    JSON.stringify([{ asin: 'B0GADGET01' }, { asin: 'B0GADGET02' }]),
  );
  add.run(2, '04006381333931', 'Gadget', 'failed', 3, null);
  add.run(3, '00000096385074', 'Thing', 'failed', 3, null);
});
let reader: ProductReader;
beforeEach(() => void (reader = createProductReader(t.path)));
afterEach(async () => {
  await reader.close();
  t.close();
});

const router = () =>
  createRouter({
    handlers: createHandlers({
      db: t.db,
      queue: t.queue,
      version: 't',
      reader,
      exportDir: () => t.dir,
      app: {
        settings: createMemorySettings(),
        secrets: createSecrets(fakeKeyring(), memorySecretStore().store),
        sampleDir: t.dir,
        files: fakeShell().files,
        fileRoots: () => [t.dir],
      },
    }),
    appOrigin: 'app://pallet',
    classify: classifyError,
  });
const call = (channel: string, payload?: unknown) =>
  router().handle(channel, payload, { url: 'app://pallet/index.html', isMainFrame: true });

describe('lookup actions from the window', () => {
  it('picks an ASIN among the candidates of an ambiguous product, and refuses one that is not', async () => {
    expect(await call('lookups:choose', { productId: 1, asin: 'B0NOTACAND' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringMatching(/not one of the candidates/) },
    });
    expect(await call('lookups:choose', { productId: 9, asin: 'B0GADGET01' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await call('lookups:choose', { productId: 1, asin: 'B0GADGET02' })).toEqual({
      ok: true,
      value: { ok: true },
    });
    expect(t.db.prepare('SELECT lookup_status, asin FROM products WHERE id = 1').get()).toEqual({
      lookup_status: 'found',
      asin: 'B0GADGET02',
    });
  });

  it('says why a choice fails by the type of error: a missing product, an ASIN not among the candidates', async () => {
    expect(() => chooseAsin(t.db, 9, 'B0GADGET01')).toThrow(ProductNotFoundError);
    expect(() => chooseAsin(t.db, 1, 'B0NOTACAND')).toThrow(NotACandidateError);
    // Anything else is not the user's doing: no CONFLICT for it, whatever its message says.
    t.db.prepare(`UPDATE products SET potential_asins = 'no product json' WHERE id = 1`).run();
    expect(await call('lookups:choose', { productId: 1, asin: 'B0GADGET01' })).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });

  it('retries chosen products or every failed one with fresh attempts, and queues one sweep for them', async () => {
    expect(await call('lookups:retry', { productIds: [2] })).toEqual({ ok: true, value: { count: 1 } });
    expect(t.db.prepare('SELECT lookup_status, lookup_attempts FROM products WHERE id = 2').get()).toEqual({
      lookup_status: 'pending',
      lookup_attempts: 0,
    });
    expect(await call('lookups:retry', { failed: true })).toEqual({ ok: true, value: { count: 1 } });
    expect(t.queue.list({ kind: 'lookup' })).toHaveLength(1);
    expect(await call('lookups:status')).toMatchObject({
      ok: true,
      value: { total: 3, counts: { pending: 2, ambiguous: 1 } },
    });
    expect(await call('lookups:retry', { productIds: [] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });
});

describe('analysis from the window', () => {
  it('re-analyses everything in one action, split across both workers; chosen products in one job', async () => {
    expect(await call('analysis:start', { all: true, targets: { minRoi: 0.3 } })).toMatchObject({
      ok: true,
      value: { jobIds: [expect.any(Number), expect.any(Number)] },
    });
    expect(t.queue.list({ kind: 'analysis' }).map((j) => (j.payload as { shard: unknown }).shard)).toEqual([
      { count: 2, index: 1 },
      { count: 2, index: 0 },
    ]);
    expect(await call('analysis:start', { ids: [1, 2] })).toMatchObject({
      ok: true,
      value: { jobIds: [expect.any(Number)] },
    });
    expect(await call('analysis:start', { all: false })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('network watch', () => {
  it('brings a job waiting for the network back by probing, and at once on the OS online signal', async () => {
    let online: (v: boolean) => void = () => {};
    const watch = createNetworkWatch({
      queue: t.queue,
      network: { isOnline: () => false, onChange: (l) => void (online = l) },
      minMs: 50,
      maxMs: 200,
    });
    watch.start();
    try {
      const job = t.queue.enqueue({ kind: 'lookup', payload: {} });
      const [c] = t.queue.claim('lookup');
      t.queue.waitForNetwork(c!.lease);
      expect(t.queue.get(job.id).status).toBe('waiting_network');
      await waitFor(() => t.queue.get(job.id).status === 'queued', 'a probe to bring the job back', 5_000);
      expect(t.queue.get(job.id).attempts).toBe(0);
      const [again] = t.queue.claim('lookup');
      t.queue.waitForNetwork(again!.lease);
      online(true);
      expect(t.queue.get(job.id).status).toBe('queued');
    } finally {
      watch.stop();
    }
  });
});
