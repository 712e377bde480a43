import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppApi, ProductFilters, ProductRow, SortColumn } from '../../../../preload/contract/channels.ts';
import { call } from '../../api.ts';

export const PAGE_ROWS = 100;

/**
 * Rows of the products table, fetched a page at a time as they scroll into view and kept in a bounded cache: the
 * table never holds the whole catalog. A change of filters or sort starts over with the first page, then the count:
 * counting a million rows takes longer than reading the first hundred, and the rows need not wait for it.
 */
export function usePagedRows(
  api: AppApi,
  filters: ProductFilters,
  sort: SortColumn,
  desc: boolean,
  refreshKey: number,
) {
  const key = JSON.stringify([filters, sort, desc, refreshKey]);
  // The count and an error belong to the filters they were read for: after a change, the old ones are not shown.
  const [counted, setCounted] = useState<{ key: string; n: number } | null>(null);
  const [failed, setFailed] = useState<{ key: string; message: string } | null>(null);
  const [, setVersion] = useState(0);
  const pages = useRef(new Map<number, ProductRow[]>());
  const loading = useRef(new Map<number, Promise<void>>());
  const generation = useRef(0);
  // A change of filters or sort forgets the old rows in the very render that shows the change: reset in an effect,
  // the old rows stayed on screen until the new page came, and with the count still pending (nothing else to
  // re-render) the table never said it was busy.
  const shownKey = useRef<string | null>(null);
  if (shownKey.current !== key) {
    shownKey.current = key;
    generation.current++;
    pages.current = new Map();
    loading.current = new Map();
  }
  const total = counted?.key === key ? counted.n : null;
  const error = failed?.key === key ? failed.message : null;

  /** Makes sure the pages covering rows [from, to] are loaded (or on their way); settles once they have come. */
  const ensure = useCallback(
    (from: number, to: number): Promise<void> => {
      const gen = generation.current;
      // This generation's map: a late answer from before a reset must not clear a page the new one is reading.
      const inFlight = loading.current;
      const waits: Promise<void>[] = [];
      for (let page = Math.floor(from / PAGE_ROWS); page <= Math.floor(to / PAGE_ROWS); page++) {
        if (pages.current.has(page)) continue;
        const pending = inFlight.get(page);
        if (pending) {
          waits.push(pending);
          continue;
        }
        const load = call(api.products.page({ ...filters, sort, desc, offset: page * PAGE_ROWS, limit: PAGE_ROWS }))
          .then((rows) => {
            if (gen !== generation.current) return;
            pages.current.set(page, rows);
            // Keep memory bounded: forget the pages farthest from this one.
            if (pages.current.size > 60) {
              const far = [...pages.current.keys()]
                .sort((a, b) => Math.abs(b - page) - Math.abs(a - page))
                .slice(0, pages.current.size - 60);
              far.forEach((p) => pages.current.delete(p));
            }
            setVersion((v) => v + 1);
          })
          .catch((e: Error) => void (gen === generation.current && setFailed({ key, message: e.message })))
          .finally(() => inFlight.delete(page));
        inFlight.set(page, load);
        waits.push(load);
      }
      return Promise.all(waits).then(() => undefined);
    },
    [key],
  );

  useEffect(() => {
    const gen = generation.current;
    // The first page, then the count: a count over a million rows (on the other reader thread) took a core from the
    // page the seller waits for. A first page shorter than a page holds every match: it is the count.
    void ensure(0, 0).then(() => {
      if (gen !== generation.current) return;
      const first = pages.current.get(0);
      if (first && first.length < PAGE_ROWS) return setCounted({ key, n: first.length });
      call(api.products.count(filters))
        .then((n) => gen === generation.current && setCounted({ key, n }))
        .catch((e: Error) => gen === generation.current && setFailed({ key, message: e.message }));
    });
  }, [key]);

  const row = (index: number): ProductRow | undefined =>
    pages.current.get(Math.floor(index / PAGE_ROWS))?.[index % PAGE_ROWS];
  // Until the count arrives, the first page's rows are all there is to show (and, when fewer than a page, all there is).
  const first = pages.current.get(0);
  const known = total ?? (first ? (first.length < PAGE_ROWS ? first.length : PAGE_ROWS) : 0);
  return { total, known, error, ensure, row };
}
