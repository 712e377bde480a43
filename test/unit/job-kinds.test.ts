// The job kinds registry: one entry per kind, checked by the compiler end to end. The `@ts-expect-error` lines are
// the test: `npm run typecheck` (part of `npm test`) fails if any of them stops being an error.
import { describe, expect, it } from 'vitest';
import { isJobKind, JOB_KINDS, kindConcurrency, kindLabel } from '../../main/job-kinds.ts';
import type { EnqueueInput, JobKind, JobKindSpec } from '../../main/queue/kinds.ts';
import { workerTasks } from '../../main/worker-tasks.ts';
import type { TaskTable } from '../../main/workers/runtime/task.ts';
import type { JobView } from '../../preload/contract/channels.ts';

describe('the job kinds registry', () => {
  it('gives every kind a spec, a label and a task in the worker', () => {
    const kinds = Object.keys(JOB_KINDS).sort();
    expect(Object.keys(workerTasks()).sort()).toEqual(kinds);
    for (const k of kinds) {
      expect(isJobKind(k)).toBe(true);
      expect(JOB_KINDS[k as JobKind].kind).toBe(k);
      expect(kindLabel(k)).toMatch(/^[A-Z]/);
    }
    expect(isJobKind('improt')).toBe(false);
    expect(kindLabel('from_a_newer_version')).toBe('from_a_newer_version');
    expect(kindConcurrency()).toMatchObject({ lookup: 1, pricing: 1, images: 1 });
  });

  it('refuses a worker task table that forgets a kind, and a registry that forgets one', () => {
    const { images: _images, ...withoutImages } = workerTasks();
    // @ts-expect-error `images` is a kind in JobKinds: a table without its task does not compile.
    const table: TaskTable = withoutImages;
    const { pricing: _pricing, ...specs } = JOB_KINDS;
    // @ts-expect-error `pricing` is a kind in JobKinds: a registry without its spec does not compile.
    const registry: { [K in JobKind]: JobKindSpec<K> } = specs;
    expect(Object.keys(table)).not.toContain('images');
    expect(Object.keys(registry)).not.toContain('pricing');
  });

  it("types each kind's payload where it is enqueued", () => {
    const ok: EnqueueInput[] = [
      { kind: 'import', payload: { path: '/tmp/list.csv' } },
      { kind: 'lookup', payload: { scope: 'ids', ids: [1, 2] } },
      { kind: 'analysis', payload: { all: true } },
    ];
    // @ts-expect-error no such kind
    const misspelt: EnqueueInput = { kind: 'improt', payload: { path: '/tmp/list.csv' } };
    // @ts-expect-error an import needs the file's path
    const noPath: EnqueueInput = { kind: 'import', payload: {} };
    // @ts-expect-error a lookup's scope is pending, all or ids
    const badScope: EnqueueInput = { kind: 'lookup', payload: { scope: 'everything' } };
    expect([...ok, misspelt, noPath, badScope]).toHaveLength(6);
    // The schemas say the same at run time, for payloads that come from outside the compiler's reach.
    expect(JOB_KINDS.import.payload.safeParse({}).success).toBe(false);
    expect(JOB_KINDS.lookup.payload.safeParse({ scope: 'everything' }).success).toBe(false);
    for (const input of ok) expect(JOB_KINDS[input.kind].payload.safeParse(input.payload).success).toBe(true);
  });

  it("types a job's result by its kind in the window's view", () => {
    const view = { kind: 'lookup', result: null } as unknown as JobView;
    if (view.kind === 'import' && view.result) {
      const rows: number = view.result.rows;
      // @ts-expect-error an import's result has no `looked` (a lookup's has)
      const looked: number = view.result.looked;
      expect([rows, looked]).toBeDefined();
    }
    expect(view.kind).toBe('lookup');
  });
});
