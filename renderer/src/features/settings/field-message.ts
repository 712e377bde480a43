// The router's refusal of a setting (zod's words, main/ipc/input-errors.ts) as it reads beside the field it concerns:
// no "→ at key" trailer (the field is right there) and the bounds in plain words.

/** The server's message for one field, shortened for showing next to that field. */
export function fieldMessage(raw: string): string {
  const text = raw
    .split('\n')
    .filter((line) => !/^\s*→ at /.test(line))
    .map((line) => line.replace(/^\s*✖\s*/, '').trim())
    .filter(Boolean)
    .join(' ');
  const plain = text
    .replace(/Too big: expected number to be <=\s*(\S+)/, 'Too big: at most $1.')
    .replace(/Too big: expected number to be <\s*(\S+)/, 'Too big: below $1.')
    .replace(/Too small: expected number to be >=\s*(\S+)/, 'Too small: at least $1.')
    .replace(/Too small: expected number to be >\s*(\S+)/, 'Too small: above $1.')
    .replace(/Invalid input: expected int, received number/, 'A whole number is needed.');
  // A sentence, as the other notes beside a field are.
  const sentence = plain.charAt(0).toUpperCase() + plain.slice(1);
  return /[.!?]$/.test(sentence) || sentence === '' ? sentence : `${sentence}.`;
}
