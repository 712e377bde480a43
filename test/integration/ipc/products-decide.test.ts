// `decisions:start` over IPC: the products the seller is looking at are decided first — their job before the
// others waiting in the queue, their calls at the scheduler's front (priority 0); an import's or all at the funnel's.
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

describe('products:decide', () => {
  it('queues the products in view ahead of a whole-list run, with the scheduler priority of what the seller looks at', async () => {
    const all = (await call('products:decide', { all: true })) as { ok: true; value: { jobId: number } };
    const viewed = (await call('products:decide', { ids: [7, 3] })) as { ok: true; value: { jobId: number } };
    expect(all.ok && viewed.ok).toBe(true);
    const job = (id: number) => t.queue.find(id)!;
    expect(job(viewed.value.jobId).payload).toEqual({ ids: [7, 3], priority: 0 });
    expect(job(all.value.jobId).payload).toEqual({ all: true, priority: 1 });
    // Queued later, claimed first.
    const [first] = t.queue.claim('decide');
    expect(first!.lease.jobId).toBe(viewed.value.jobId);
  });

  it('refuses a request that names no products, or two ways at once, saying what it wants', async () => {
    for (const bad of [{}, { ids: [] }, { ids: [1], all: true }, { importId: 0 }, { all: false }]) {
      const r = (await call('products:decide', bad)) as { ok: false; error: { code: string; message: string } };
      expect(r.ok).toBe(false);
      expect(r.error.code).toBe('INVALID_INPUT');
    }
    expect(t.queue.find(1)).toBeNull();
  });
});
