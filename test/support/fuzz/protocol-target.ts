// The worker protocol, both directions: any value is a well-formed message or null, never a throw.
import fc from 'fast-check';
import { parseFromWorker, parseToWorker } from '../../../main/workers/protocol.ts';
import { anyValue, badValue } from './bad-values.ts';
import { crash, defineTarget, describe, OK } from './target.ts';

/** Each message type with the fields it carries. */
const FIELDS: Record<string, string[]> = {
  run: ['job'],
  cancel: ['jobId', 'reason'],
  secrets: ['values'],
  shutdown: [],
  ready: ['protocolVersion', 'kinds', 'pid'],
  progress: ['jobId', 'progress'],
  checkpoint: ['jobId', 'state'],
  done: ['jobId', 'result'],
  error: ['jobId', 'code', 'message', 'retryable'],
  stopped: ['jobId'],
  waiting_network: ['jobId', 'message'],
  heartbeat: ['running'],
  log: ['level', 'message', 'jobId'],
};
const plausible = fc.oneof(
  badValue,
  fc.integer(),
  fc.string({ maxLength: 10 }),
  fc.boolean(),
  fc.constantFrom('cancel', 'pause', 'yield', 'info', 'error', 'debug'),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.record({ id: fc.integer(), kind: fc.string(), attempt: fc.integer(), leaseToken: fc.string() }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string(), badValue), { maxKeys: 3 }),
  fc.record({ done: fc.oneof(fc.integer(), badValue), total: fc.oneof(fc.integer(), badValue), note: badValue }),
);
/** Messages of a known type with each of its fields present or not, right or wrong; or any value at all. */
const message = fc.oneof(
  ...Object.entries(FIELDS).map(([type, fields]) =>
    fc.record(Object.fromEntries(fields.map((f) => [f, plausible])), { requiredKeys: [] }).map((m) => ({ ...m, type })),
  ),
  anyValue,
);

const isInt = (v: unknown) => Number.isInteger(v);
const count = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** A progress update as the queue stores it: counts, a total or null, a note or null. */
const isProgress = (p: unknown): boolean => {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return false;
  const u = p as Record<string, unknown>;
  return (
    ['done', 'succeeded', 'failed', 'skipped'].every((k) => u[k] === undefined || count(u[k])) &&
    (u.total === undefined || u.total === null || count(u.total)) &&
    (u.note === undefined || u.note === null || typeof u.note === 'string')
  );
};

/** What a parsed message must hold, checked independently of the parser: the fields its type promises. */
function wellFormed(m: Record<string, unknown>): boolean {
  switch (m.type) {
    case 'progress':
      return isInt(m.jobId) && isProgress(m.progress);
    case 'error':
      return isInt(m.jobId) && typeof m.code === 'string' && typeof m.message === 'string';
    case 'log':
      return typeof m.message === 'string';
    case 'heartbeat':
      return Array.isArray(m.running) && m.running.every(isInt);
    default:
      return typeof m.type === 'string';
  }
}

export const protocolTarget = defineTarget<unknown>({
  name: 'protocol',
  arbitrary: message,
  async open() {
    return {
      async check(raw) {
        for (const [name, parse] of [
          ['parseFromWorker', parseFromWorker],
          ['parseToWorker', parseToWorker],
        ] as const) {
          let m;
          try {
            m = parse(raw);
          } catch (err) {
            return crash(`${name} threw: ${describe(err)}`);
          }
          if (m !== null && !wellFormed(m as unknown as Record<string, unknown>))
            return crash(`${name} let through a malformed ${fc.stringify(m).slice(0, 200)}`);
        }
        return OK;
      },
      async close() {},
    };
  },
});
