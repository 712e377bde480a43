/** Which character separates the decimals in a file's money columns; decided once per file. */
export type DecimalSeparator = '.' | ',';

const CURRENCY_SYMBOLS: Record<string, string> = {
  $: 'USD',
  US$: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  C$: 'CAD',
  CA$: 'CAD',
  A$: 'AUD',
  R$: 'BRL',
  '₹': 'INR',
  zł: 'PLN',
  kr: 'SEK',
  CHF: 'CHF',
  Fr: 'CHF',
};
const CURRENCY_CODES = /\b(USD|EUR|GBP|CAD|AUD|JPY|MXN|BRL|INR|PLN|SEK|CHF|CNY)\b/i;
const SYMBOLS = /US\$|CA\$|C\$|A\$|R\$|[$€£¥₹]|zł|kr|Fr\b/;

const PLAIN_POINT = /^([$€£])?(\d+(?:\.\d+)?)(?: ?([$€£]))?$/;
const PLAIN_COMMA = /^([$€£])?(\d+(?:,\d+)?)(?: ?([$€£]))?$/;

/** A parsed amount, or why the cell is not one. */
export type MoneyResult = { ok: true; value: number; currency: string | null } | { ok: false; reason: string };

/** Votes on the decimal separator from sample cells: `12,50` and `1.234,56` say comma; `12.50` and `1,234.56` say point. */
export function detectDecimalSeparator(samples: Iterable<string>): DecimalSeparator {
  let comma = 0;
  let point = 0;
  for (const raw of samples) {
    const s = raw.replace(/[^\d.,]/g, '');
    const lastComma = s.lastIndexOf(',');
    const lastPoint = s.lastIndexOf('.');
    if (lastComma >= 0 && lastPoint >= 0) {
      if (lastComma > lastPoint) comma++;
      else point++;
    }
    // With one kind of separator, three digits after it (`1,234`) may be a thousands group: no vote.
    else if (lastComma >= 0 && (s.length - lastComma - 1 !== 3 || s.startsWith('0,'))) comma++;
    else if (lastPoint >= 0 && (s.length - lastPoint - 1 !== 3 || s.startsWith('0.'))) point++;
  }
  return comma > point ? ',' : '.';
}

/** Parses a money cell: currency symbols or codes, thousands separators, the file's decimal separator, `(1.00)` negatives. */
export function parseMoney(raw: string, decimal: DecimalSeparator): MoneyResult {
  const amount = plainAmount(raw, decimal);
  if (amount === amount) return { ok: true, value: amount, currency: null };
  // `$12.50`, `€12,50`, `£12.50`: the fast path below without its regular expression.
  const first = raw.charCodeAt(0);
  const symbol = first === 36 ? 'USD' : first === 0x20ac ? 'EUR' : first === 0xa3 ? 'GBP' : null;
  if (symbol !== null) {
    const value = plainAmount(raw, decimal, 1);
    if (value === value) return { ok: true, value, currency: symbol };
  }
  // Fast path for the common shapes (`12.50`, `$12.50`, `12,50 €`): same results as the general path below.
  const plain = (decimal === '.' ? PLAIN_POINT : PLAIN_COMMA).exec(raw);
  if (plain) {
    const sym = plain[1] ?? plain[3];
    const value = Number(decimal === '.' ? plain[2] : plain[2]!.replace(',', '.'));
    // Hundreds of digits make Infinity: not an amount (the general path says so).
    if (Number.isFinite(value)) return { ok: true, value, currency: sym ? CURRENCY_SYMBOLS[sym]! : null };
  }
  let s = raw.trim();
  if (s === '') return { ok: false, reason: 'empty' };
  let currency: string | null = null;
  const code = CURRENCY_CODES.exec(s);
  if (code) {
    currency = code[1]!.toUpperCase();
    s = s.replace(CURRENCY_CODES, '');
  }
  const sym = SYMBOLS.exec(s);
  if (sym) {
    currency ??= CURRENCY_SYMBOLS[sym[0]] ?? null;
    s = s.replace(SYMBOLS, '');
  }
  s = s.replace(/[\s\u00a0\u202f']/g, '');
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  } else if (s.startsWith('+')) s = s.slice(1);
  if (s.endsWith('-')) {
    negative = !negative;
    s = s.slice(0, -1);
  }
  const thousands = decimal === ',' ? '.' : ',';
  const pattern =
    decimal === ',' ? /^(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$|^,\d+$/ : /^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^\.\d+$/;
  if (!pattern.test(s)) {
    return { ok: false, reason: `not an amount${decimal === ',' ? ' (this file uses a decimal comma)' : ''}` };
  }
  const value = Number(s.split(thousands).join('').replace(',', '.'));
  if (!Number.isFinite(value)) return { ok: false, reason: 'not an amount' };
  return { ok: true, value: negative ? -value : value, currency };
}

// Exact powers of ten (10^0 … 10^15): a mantissa of at most 15 digits divided by one is the double nearest the
// decimal, as Number() reads it (both operands exact, and IEEE division rounds correctly).
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * A cell of digits with at most one decimal separator between them (`12`, `12.50`, `0,5`) from `start` on, read
 * without a regular expression or Number() (an import reads several such cells a row); NaN for any other shape, and
 * for digits beyond a double.
 */
export function plainAmount(raw: string, decimal: DecimalSeparator, start = 0): number {
  const n = raw.length;
  if (n <= start) return NaN;
  const sep = decimal === '.' ? 46 : 44;
  let at = -1;
  let mantissa = 0;
  for (let i = start; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      continue;
    }
    if (c !== sep || at >= 0 || i === start || i === n - 1) return NaN;
    at = i;
  }
  // Up to 15 digits the mantissa is exact (< 2^53).
  if (n - start - (at < 0 ? 0 : 1) <= 15) return at < 0 ? mantissa : mantissa / POW10[n - 1 - at]!;
  const digits = start === 0 ? raw : raw.slice(start);
  const cut = at - start;
  const value = at < 0 || decimal === '.' ? Number(digits) : Number(`${digits.slice(0, cut)}.${digits.slice(cut + 1)}`);
  return Number.isFinite(value) ? value : NaN;
}

/** Parses a case-pack / pack-size cell: a whole number of units, at least 1 (`12`, `12 pcs`, `x12`, `12.0`). */
export function parsePackSize(raw: string): { ok: true; value: number } | { ok: false; reason: string } {
  // Most cells are plain digits: read without the regular expression (same answers).
  if (raw.length <= 6) {
    let value = 0;
    let i = 0;
    for (; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
    }
    if (i === raw.length && i > 0)
      return value < 1 ? { ok: false, reason: 'a pack holds at least 1 unit' } : { ok: true, value };
  }
  const m = /^\s*(?:x\s*)?(\d{1,6})(?:[.,]0+)?\s*(?:x|pcs?|pieces?|units?|ct|count|st(?:k|ück)?|pz|uds?)?\.?\s*$/i.exec(
    raw,
  );
  if (!m) return { ok: false, reason: 'not a whole number of units' };
  const value = Number(m[1]);
  if (value < 1) return { ok: false, reason: 'a pack holds at least 1 unit' };
  return { ok: true, value };
}
