// Jobs grouped by the price list they work for: an import and its follow-ups (lookups, images, decisions,
// analysis — each queued with `parentId`) under the import's file name; every other root (sweeps, catalog imports,
// analyses started by hand) and its follow-ups under "Other jobs".
import type { ImportView, JobView } from '../../../../preload/contract/channels.ts';
import { ACTIVE_STATUSES } from '../../../../main/queue/types.ts';

/** One job in its group, with how deep it sits under the group's root (0: the root). */
export interface GroupedJob {
  job: JobView;
  depth: number;
}

export interface JobGroup {
  /** `list-<import job id>` or `other`. */
  key: string;
  title: string;
  /** The import the group is about, when it is a list's. */
  importId: number | null;
  jobs: GroupedJob[];
  /** `waiting`: queued, retrying, paused or waiting for the network; `scheduled`: not due yet (recurring sweeps). */
  counts: { running: number; waiting: number; scheduled: number; failed: number; completed: number; total: number };
}

/** The root a job hangs under: the topmost ancestor known, or the id of a parent that is not loaded (purged). */
export function rootOf(job: JobView, byId: ReadonlyMap<number, JobView>): number {
  let cur = job;
  // Bounded: a cycle cannot come from the queue (a parent is always older), but a bad row must not hang the window.
  for (let i = 0; i < 64; i++) {
    const parent = cur.parentId ?? null;
    if (parent === null) return cur.id;
    const next = byId.get(parent);
    if (!next) return parent;
    cur = next;
  }
  return cur.id;
}

/** The import job a job works for: the nearest ancestor (or itself) that `isList` says is one, else null. */
export function listOf(
  job: JobView,
  byId: ReadonlyMap<number, JobView>,
  isList: (id: number) => boolean,
): number | null {
  let cur: JobView | undefined = job;
  let id = job.id;
  for (let i = 0; i < 64; i++) {
    if (isList(id)) return id;
    const parent: number | null = cur?.parentId ?? null;
    if (parent === null || !cur) return null;
    id = parent;
    cur = byId.get(parent);
  }
  return null;
}

function countsOf(jobs: readonly GroupedJob[]): JobGroup['counts'] {
  const c = { running: 0, waiting: 0, scheduled: 0, failed: 0, completed: 0, total: jobs.length };
  for (const { job } of jobs) {
    if (job.status === 'running') c.running++;
    else if (job.status === 'failed') c.failed++;
    else if (job.status === 'completed') c.completed++;
    else if (job.status === 'scheduled') c.scheduled++;
    else if (ACTIVE_STATUSES.includes(job.status)) c.waiting++;
  }
  return c;
}

/** Orders a group's jobs as a tree: each job right after its parent, siblings oldest first. */
function asTree(jobs: readonly JobView[]): GroupedJob[] {
  const ids = new Set(jobs.map((j) => j.id));
  const children = new Map<number | null, JobView[]>();
  for (const j of [...jobs].sort((a, b) => a.id - b.id)) {
    // A job whose parent is not in the group (purged) starts a branch of its own at the top.
    const parent = j.parentId != null && ids.has(j.parentId) ? j.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), j]);
  }
  const out: GroupedJob[] = [];
  const walk = (parent: number | null, depth: number) => {
    for (const j of children.get(parent) ?? []) {
      out.push({ job: j, depth });
      walk(j.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/**
 * Groups jobs by list, newest list first, "Other jobs" last. A list's title is its file name (from `imports`), or
 * "Import #id" while the import is not listed yet.
 */
export function groupJobs(jobs: Iterable<JobView>, imports: readonly ImportView[]): JobGroup[] {
  const byId = new Map<number, JobView>();
  for (const j of jobs) byId.set(j.id, j);
  const importByJob = new Map<number, ImportView>();
  for (const i of imports) if (i.jobId !== null) importByJob.set(i.jobId, i);
  const isList = (id: number) => importByJob.has(id) || byId.get(id)?.kind === 'import';
  const lists = new Map<number, JobView[]>();
  const other: JobView[] = [];
  for (const j of byId.values()) {
    // The nearest import at or above the job: the sample's import is itself a catalog import's follow-up.
    const list = listOf(j, byId, isList);
    if (list !== null) lists.set(list, [...(lists.get(list) ?? []), j]);
    else other.push(j);
  }
  const groups: JobGroup[] = [...lists.entries()]
    .sort(([a], [b]) => b - a)
    .map(([root, list]) => {
      const imp = importByJob.get(root);
      const jobsOf = asTree(list);
      return {
        key: `list-${root}`,
        title: imp?.fileName ?? `Import #${root}`,
        importId: imp?.id ?? null,
        jobs: jobsOf,
        counts: countsOf(jobsOf),
      };
    });
  if (other.length) {
    // Newest first among the others (sweeps recur: the latest matters most), each follow-up under its parent.
    const roots = new Map<number, JobView[]>();
    for (const j of other) {
      const r = rootOf(j, byId);
      roots.set(r, [...(roots.get(r) ?? []), j]);
    }
    const jobsOf = [...roots.entries()].sort(([a], [b]) => b - a).flatMap(([, l]) => asTree(l));
    groups.push({ key: 'other', title: 'Other jobs', importId: null, jobs: jobsOf, counts: countsOf(jobsOf) });
  }
  return groups;
}
