// How the router words a refused IPC input. zod's defaults read badly to a person for a few shapes the renderer can
// send: a union says only "Invalid input", a missing field says "received undefined", Infinity "expected number,
// received number". These say what is wrong and where, and never quote the value (a payload may carry credentials).
import { z } from 'zod';

/** Longest message the renderer gets for one refused input: a payload with thousands of bad keys stays readable. */
export const MAX_INPUT_ERROR_CHARS = 1000;

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Per-parse error map: plain words for missing fields, calls that take no input, and non-finite numbers. */
export const inputErrorMap: z.core.$ZodErrorMap = (iss) => {
  if (iss.code !== 'invalid_type') return undefined;
  if (iss.expected === 'undefined') return `this call takes no input (received ${kindOf(iss.input)})`;
  if (iss.input === undefined) return `missing (expected ${iss.expected})`;
  if (iss.expected === 'number' && typeof iss.input === 'number')
    return `expected a finite number, received ${String(iss.input)}`;
  return undefined;
};

type Issue = z.core.$ZodIssue;
const depth = (issues: Issue[]) => Math.max(0, ...issues.map((i) => i.path.length));

/** Replaces each union failure by the problems of the alternative the caller most likely meant (fewest, deepest). */
function flatten(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((iss): Issue[] => {
    const path = [...prefix, ...iss.path];
    if (iss.code === 'invalid_union' && iss.errors.length > 0) {
      const best = [...iss.errors].sort((a, b) => a.length - b.length || depth(b) - depth(a))[0]!;
      return flatten(best, path);
    }
    return [{ ...iss, path }];
  });
}

/** The message for an input the channel's schema refused: each problem with the field it concerns, bounded. */
export function describeInvalidInput(error: z.ZodError): string {
  const seen = new Set<string>();
  const issues = flatten(error.issues).filter((i) => {
    const key = `${i.code}:${i.path.map(String).join('.')}`;
    return !seen.has(key) && seen.add(key);
  });
  let text = z.prettifyError(new z.ZodError(issues));
  if (text.length > MAX_INPUT_ERROR_CHARS) text = `${text.slice(0, MAX_INPUT_ERROR_CHARS)}… (message cut)`;
  return text;
}
