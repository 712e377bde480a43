// A fuzz target: an input generator and a check of one input, shared by the property tests (a few hundred runs in
// `npm test`) and the fuzz bench (`npm run bench -- fuzz`, many more).
import fc from 'fast-check';

/** How one input fared: fine, the code threw or broke a promise (crash), or its error message was unclear. */
export type Verdict = { ok: true; skipped?: boolean } | { ok: false; kind: 'crash' | 'unclear'; detail: string };

export const OK: Verdict = { ok: true };
/** The generated input happened to be valid: nothing to judge. */
export const SKIPPED: Verdict = { ok: true, skipped: true };
export const crash = (detail: string): Verdict => ({ ok: false, kind: 'crash', detail });
export const unclear = (detail: string): Verdict => ({ ok: false, kind: 'unclear', detail });

/** The description of an error, for a crash verdict. */
export const describe = (err: unknown): string =>
  err instanceof Error ? `${err.name}: ${err.message}` : `thrown non-error ${String(err)}`;

export interface FuzzSession<T> {
  check(input: T): Promise<Verdict>;
  close(): Promise<void>;
}

export interface FuzzTarget<T> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  open(): Promise<FuzzSession<T>>;
}

/** Defines a target with its input type checked against its check. */
export const defineTarget = <T>(t: FuzzTarget<T>): FuzzTarget<T> => t;

/**
 * The seed of the property runs in `npm test`: fixed, so a CI run fails only for a change, never for a case drawn
 * at random that day (the fuzz bench draws new seeds and prints them; PALLET_FUZZ_SEED replays one here).
 */
const TEST_SEED = Number(process.env.PALLET_FUZZ_SEED) || 20261203;

/** Runs a target as a property: the first bad verdict fails it, shrunk to a small counterexample. */
export async function assertTarget<T>(target: FuzzTarget<T>, numRuns: number, seed = TEST_SEED): Promise<void> {
  const session = await target.open();
  try {
    await fc.assert(
      fc.asyncProperty(target.arbitrary, async (input) => {
        const v = await session.check(input);
        if (!v.ok) throw new Error(`${target.name}: ${v.kind}: ${v.detail}`);
      }),
      { numRuns, seed },
    );
  } finally {
    await session.close();
  }
}

export interface Tally {
  cases: number;
  skipped: number;
  crashes: number;
  unclear: number;
  /** The first few bad verdicts, for the log. */
  examples: string[];
}

/** Runs a target over `numRuns` inputs and counts every verdict (no stop at the first failure, no shrinking). */
export async function tallyTarget<T>(target: FuzzTarget<T>, numRuns: number, seed?: number): Promise<Tally> {
  const t: Tally = { cases: 0, skipped: 0, crashes: 0, unclear: 0, examples: [] };
  const session = await target.open();
  try {
    await fc.assert(
      fc.asyncProperty(target.arbitrary, async (input) => {
        let v: Verdict;
        try {
          v = await session.check(input);
        } catch (err) {
          v = crash(`the check itself threw: ${describe(err)}`);
        }
        t.cases++;
        if (v.ok) {
          if (v.skipped) t.skipped++;
          return;
        }
        if (v.kind === 'crash') t.crashes++;
        else t.unclear++;
        if (t.examples.length < 5) t.examples.push(`${target.name}: ${v.kind}: ${v.detail}`);
      }),
      { numRuns, seed },
    );
  } finally {
    await session.close();
  }
  return t;
}
