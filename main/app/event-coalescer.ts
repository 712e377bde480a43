/**
 * Coalesces per-key updates: the first goes out at once, later ones within `intervalMs` are merged into one trailing
 * send with the latest value (≤ 1000/intervalMs per key). `flush(key)` sends a pending value now (e.g. on completion).
 */
export function createCoalescer<T>(send: (value: T) => void, intervalMs = 100) {
  const lastSent = new Map<number, number>();
  const pending = new Map<number, { value: T; timer: NodeJS.Timeout }>();
  const emit = (key: number, value: T) => {
    lastSent.set(key, Date.now());
    send(value);
  };
  return {
    push(key: number, value: T): void {
      const p = pending.get(key);
      if (p) {
        p.value = value;
        return;
      }
      const since = Date.now() - (lastSent.get(key) ?? 0);
      if (since >= intervalMs) return emit(key, value);
      const timer = setTimeout(() => {
        const cur = pending.get(key);
        pending.delete(key);
        if (cur) emit(key, cur.value);
      }, intervalMs - since);
      pending.set(key, { value, timer });
    },
    /** Sends now, replacing anything pending for the key. */
    now(key: number, value: T): void {
      const p = pending.get(key);
      if (p) clearTimeout(p.timer);
      pending.delete(key);
      emit(key, value);
    },
    dispose(): void {
      for (const p of pending.values()) clearTimeout(p.timer);
      pending.clear();
    },
  };
}
