// The rule a fuzzed error message must meet, in one place for the tests and the fuzz bench: a person reading it learns
// what was wrong and where, and sees neither a stack trace nor a value JavaScript printed by accident.

/** Longest message counted as clear: longer ones are dumps, not sentences. */
export const MAX_CLEAR_CHARS = 2000;

/**
 * Why `message` is unclear, or null when it is clear. Unclear: not a string, empty, longer than MAX_CLEAR_CHARS, a
 * stack trace (`at fn (file:1:2)` lines or an `Error:` prefix), "undefined" or "[object" in it, an "expected X,
 * received X" contradiction, or — when `names` is given — naming none of them (the field or thing that was wrong).
 */
export function unclearReason(message: unknown, names: readonly string[] = []): string | null {
  if (typeof message !== 'string') return `not a string: ${typeof message}`;
  const m = message.trim();
  if (m === '') return 'empty';
  if (m.length > MAX_CLEAR_CHARS) return `too long (${m.length} characters)`;
  if (/^\s*at .+:\d+:\d+\)?$/m.test(m) || /^\w*Error: /.test(m)) return 'a stack trace or raw error';
  if (/\bundefined\b/.test(m)) return 'says "undefined"';
  if (m.includes('[object')) return 'says "[object …]"';
  const contradiction = /expected (\w+), received (\w+)/.exec(m);
  if (contradiction && contradiction[1] === contradiction[2]) return `contradicts itself ("${contradiction[0]}")`;
  // A long name may be shown shortened around an ellipsis (main/files/write-errors.ts): its start names it.
  const named = (n: string) => m.includes(n) || (n.length > 160 && m.includes(`${n.slice(0, 80)}…`));
  if (names.length > 0 && !names.some(named)) return `names none of ${JSON.stringify(names)}`;
  return null;
}
