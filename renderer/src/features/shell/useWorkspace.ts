import { useEffect, useState } from 'react';
import type { ImportView, JobView } from '../../../../preload/contract/channels.ts';
import { call, useApi } from '../../api.ts';

/** What the sidebar and top bar count, live. */
export interface Workspace {
  jobs: ReadonlyMap<number, JobView>;
  imports: ImportView[];
  products: number | null;
  online: boolean;
  waitingNetwork: number;
  /** The queue-wide pause, as last announced (null: not announced since the window opened). */
  paused: boolean | null;
}

/** Jobs, imports, product count and network state from the existing channels, refreshed by pushed events. */
export function useWorkspace(): Workspace {
  const api = useApi();
  const [jobs, setJobs] = useState<Map<number, JobView>>(new Map());
  const [imports, setImports] = useState<ImportView[]>([]);
  const [products, setProducts] = useState<number | null>(null);
  const [status, setStatus] = useState({ online: true, waitingNetwork: 0 });
  const [paused, setPaused] = useState<boolean | null>(null);
  useEffect(() => {
    let live = true;
    const ignore = () => {};
    const loadImports = () =>
      call(api.imports.list())
        .then((l) => live && setImports(l))
        .catch(ignore);
    const loadCount = () =>
      call(api.products.count({}))
        .then((n) => live && setProducts(n))
        .catch(ignore);
    const loadStatus = () =>
      call(api.app.status())
        .then((s) => live && setStatus(s))
        .catch(ignore);
    call(api.jobs.list({ limit: 200 }))
      .then((l) => live && setJobs((cur) => new Map([...l.map((j) => [j.id, j] as const), ...cur])))
      .catch(ignore);
    loadImports();
    loadCount();
    loadStatus();
    // Progress events come 10 a second: the counts are read again only when a job changes status.
    const seen = new Map<number, string>();
    const off = api.onEvent((e) => {
      if (e.type === 'job') {
        setJobs((cur) => new Map(cur).set(e.job.id, e.job));
        if (seen.get(e.job.id) === e.job.status) return;
        seen.set(e.job.id, e.job.status);
        loadStatus();
        if (e.job.kind === 'import' || e.job.kind === 'import_undo') loadImports();
        if (e.job.finishedAt !== null) loadCount();
      }
      if (e.type === 'queue') setPaused(e.paused);
      if (e.type === 'network') setStatus((s) => ({ ...s, online: e.online }));
    });
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return { jobs, imports, products, paused, ...status };
}
