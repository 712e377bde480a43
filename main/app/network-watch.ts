import type { NetworkPort } from '../ports.ts';
import type { Queue } from '../queue/queue.ts';

/**
 * Brings jobs waiting for the network back: at once when the OS says it is online again, and by probing with backoff
 * (15 s doubling to 5 min) — a job that finds the network still down just waits again, spending nothing.
 */
export function createNetworkWatch(opts: { queue: Queue; network?: NetworkPort; minMs?: number; maxMs?: number }) {
  const min = opts.minMs ?? 15_000;
  const max = opts.maxMs ?? 300_000;
  let delay = min;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const waiting = () => opts.queue.counts().waiting_network > 0;
  const probe = () => {
    timer = null;
    if (stopped) return;
    if (waiting()) {
      opts.queue.resumeWaitingNetwork();
      delay = Math.min(max, delay * 2);
    } else delay = min;
    timer = setTimeout(probe, delay);
    timer.unref();
  };
  const onEvent = (e: { type: string }) => {
    // A fresh wait starts the probing from its shortest step.
    if (e.type === 'waiting_network' && timer && delay > min) {
      clearTimeout(timer);
      delay = min;
      timer = setTimeout(probe, delay);
      timer.unref();
    }
  };

  return {
    start(): void {
      stopped = false;
      opts.network?.onChange((online) => {
        if (online && !stopped) {
          delay = min;
          opts.queue.resumeWaitingNetwork();
        }
      });
      opts.queue.events.on('event', onEvent);
      timer = setTimeout(probe, delay);
      timer.unref();
    },
    stop(): void {
      stopped = true;
      opts.queue.events.off('event', onEvent);
      if (timer) clearTimeout(timer);
    },
  };
}
