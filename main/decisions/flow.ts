// The plumbing of the decide pipeline's concurrent stages: a condition every stage waits on and every state change
// signals, and the offers pool that hands the scarce getItemOffersBatch call its 20 most promising ASINs.
import { offersOrder, type OffersCandidate } from './funnel.ts';

/** A condition variable: `wait` resolves at the next `notify` (or when the signal aborts). */
export function createCondition() {
  let waiters: (() => void)[] = [];
  return {
    /** Wakes every waiter; each re-checks what it waits for. */
    notify(): void {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    },
    /** Resolves at the next notify, or at once when the signal is (or becomes) aborted. */
    wait(signal: AbortSignal): Promise<void> {
      if (signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          resolve();
        };
        signal.addEventListener('abort', done, { once: true });
        waiters.push(done);
      });
    },
  };
}
export type Condition = ReturnType<typeof createCondition>;

/** One ASIN waiting for its offers, with what ranks it and whoever waits for the answer. */
export interface PoolEntry<T> extends OffersCandidate {
  waiting: T[];
}

/**
 * ASINs that passed the first cut, waiting for getItemOffersBatch. An ASIN is held once however many products wait on
 * it (a batch with an ASIN twice is refused); `take` gives the best `n` by expected monthly profit (offersOrder).
 */
export function createOffersPool<T>() {
  const byAsin = new Map<string, PoolEntry<T>>();
  /** Adds a waiter for an ASIN; a better profit estimate for an ASIN already held replaces the old one. */
  function add(c: OffersCandidate, who: T): void {
    const e = byAsin.get(c.asin);
    if (!e) {
      byAsin.set(c.asin, { asin: c.asin, profit: c.profit, estSalesMid: c.estSalesMid, waiting: [who] });
      return;
    }
    e.waiting.push(who);
    if ((c.profit ?? -Infinity) > (e.profit ?? -Infinity)) {
      e.profit = c.profit;
      e.estSalesMid = c.estSalesMid;
    }
  }
  return {
    add,
    get size(): number {
      return byAsin.size;
    },
    /** Removes and returns the `n` most promising ASINs, best first. */
    take(n: number): PoolEntry<T>[] {
      const best = offersOrder([...byAsin.values()]).slice(0, n);
      for (const e of best) byAsin.delete(e.asin);
      return best;
    },
    /** Removes and returns one ASIN's entry (a product the seller asked for moves to the front lane with its waiters). */
    remove(asin: string): PoolEntry<T> | undefined {
      const e = byAsin.get(asin);
      byAsin.delete(asin);
      return e;
    },
    /** Takes in an entry removed from another pool, merging waiters with one already held. */
    put(entry: PoolEntry<T>): void {
      for (const who of entry.waiting) add(entry, who);
    },
  };
}
