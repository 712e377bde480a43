// `jobs:detail` through the real app (router, engine, a worker process): a job's attempts, its log tail from the
// queue and from the task's ctx.log, its errors, what it waits for, and the window's follow-up links (parentId).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type PalletApp } from '../../../main/app/create-app.ts';
import { createMemorySettings } from '../../../main/settings/store.ts';
import { FINISHED_STATUSES } from '../../../main/queue/types.ts';
import { createNodeLauncher } from '../../../main/workers/node-launcher.ts';
import type { JobDetailView, JobView } from '../../../preload/contract/channels.ts';
import { fakeShell } from '../../support/fake-shell.ts';
import { tempDbPath } from '../../support/temp-db.ts';
import { waitFor } from '../../support/workers.ts';

let tmp: ReturnType<typeof tempDbPath>;
let app: PalletApp;
const sender = { url: 'app://pallet/index.html', isMainFrame: true };

beforeEach(async () => {
  tmp = tempDbPath();
  const shell = fakeShell();
  app = await createApp({
    dbPath: tmp.path,
    launcher: createNodeLauncher(),
    ports: shell.ports,
    files: shell.files,
    appOrigin: 'app://pallet',
    version: 't',
    workers: 1,
    settings: () => ({ closeToTray: true, notifications: false }),
    settingsStore: createMemorySettings(),
    log: () => {},
  });
});
afterEach(async () => {
  await app.close();
  tmp.cleanup();
});

async function detail(id: number, logLimit?: number): Promise<JobDetailView> {
  const r = await app.router.handle('jobs:detail', logLimit ? { id, logLimit } : { id }, sender);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as JobDetailView;
}

describe('jobs:detail', () => {
  it('shows a finished import’s attempts, the task’s own warning, the queue’s lines and its error count', async () => {
    const { queue } = app.engine;
    // No cost column: the import warns (ctx.log) and rejects both rows (job_errors).
    const path = tmp.file('no-cost.csv', 'UPC,Name,Brand\n036000291452,Widget,Acme\n4006381333931,Gadget,Globex\n');
    const job = queue.enqueue({ kind: 'import', payload: { path, lookupAfter: false, imagesAfter: false } });
    await waitFor(() => FINISHED_STATUSES.includes(queue.get(job.id).status), 'the import to finish', 60_000);
    let d = await detail(job.id);
    // Lines are written a moment later (batched off the event loop's way).
    for (let i = 0; i < 100 && !d.log.some((l) => l.message === 'Completed.'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      d = await detail(job.id);
    }
    expect(d.job).toMatchObject({ id: job.id, kind: 'import', status: 'completed', attempts: 1, parentId: null });
    expect(d.job.startedAt).toBeGreaterThan(0);
    expect(d.waitingFor).toBeNull();
    expect(d.errorCount).toBe(2);
    expect(d.log.map((l) => [l.level, l.message])).toEqual([
      ['info', `Attempt 1 of ${d.job.maxAttempts} started.`],
      ['warn', 'No cost column was recognised: every row would be rejected. Map the column that holds your cost.'],
      ['info', 'Completed.'],
    ]);
    expect((await detail(job.id, 1)).log.map((l) => l.message)).toEqual(['Completed.']);
  });

  it('says a job waits for the paused queue, and that a follow-up names its parent', async () => {
    await app.router.handle('queue:pause', undefined, sender);
    const root = app.engine.queue.enqueue({ kind: 'noop' });
    const child = app.engine.queue.enqueue({ kind: 'noop', parentId: root.id });
    const d = await detail(child.id);
    expect(d.waitingFor).toMatchObject({ reason: 'queue_paused' });
    expect(d.job.parentId).toBe(root.id);
    const list = await app.router.handle('jobs:list', { limit: 10 }, sender);
    const views = (list as { value: JobView[] }).value;
    expect(views.find((j) => j.id === child.id)?.parentId).toBe(root.id);
    expect(views.find((j) => j.id === root.id)?.parentId).toBeNull();
  });

  it('refuses an unknown job and a bad log limit with clear messages', async () => {
    expect(await app.router.handle('jobs:detail', { id: 424242 }, sender)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No job with id 424242.' },
    });
    const bad = await app.router.handle('jobs:detail', { id: 1, logLimit: 0 }, sender);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.code).toBe('INVALID_INPUT');
    expect(!bad.ok && bad.error.message).toMatch(/logLimit/);
  });
});
