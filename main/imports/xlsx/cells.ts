// How a cell's stored value becomes the text the CSV path would have seen: the validator reads strings only.

/**
 * A number as text without exponent or float noise: integers in full digits (a UPC stored as a number must reach
 * the validator as its digits, so the lost leading zero is restored by check digit as for CSV); other numbers at
 * Excel's 15 significant digits (2.5 → "2.5", 0.1 + 0.2 → "0.3").
 */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return '';
  // Safe integers (UPCs, quantities: the hot path) print the same digits without a BigInt.
  if (Number.isSafeInteger(n)) return String(n);
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
  const rounded = Number(n.toPrecision(15));
  const s = String(rounded);
  if (!s.includes('e')) return s;
  // Tiny or huge non-integers: plain decimals, trailing zeros cut.
  return rounded.toFixed(20).replace(/\.?0+$/, '');
}

const DAY_MS = 86_400_000;
// Days from 1899-12-30 (Excel's day 0 once its fake 1900-02-29 is accounted for) to 1970-01-01.
const EPOCH_1900 = 25_569;
// Days between the 1900 and 1904 date systems.
const OFFSET_1904 = 1_462;

/** An Excel date serial as an ISO date (`2024-03-05`), with the time (`2024-03-05T14:30:00`) when it has one. */
export function serialToIso(serial: number, date1904: boolean): string {
  if (!Number.isFinite(serial) || serial < 0) return numberText(serial);
  let days = date1904 ? serial + OFFSET_1904 : serial;
  // Excel counts 1900-02-29, which never was: serials before it are one day early.
  if (!date1904 && days < 61) days += 1;
  const ms = Math.round((days - EPOCH_1900) * DAY_MS);
  const iso = new Date(ms).toISOString();
  return ms % DAY_MS === 0 ? iso.slice(0, 10) : iso.slice(0, 19);
}

// Built-in number formats that show dates or times (ECMA-376 §18.8.30, plus the East Asian ids Excel reads as dates).
const BUILTIN_DATES = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58,
]);

/** Whether a number format shows a date or time: built-in date ids, or a custom code with date letters. */
export function isDateFormat(id: number, code: string | undefined): boolean {
  if (BUILTIN_DATES.has(id)) return true;
  if (code === undefined) return false;
  // Quoted text, escaped characters and [colour]/[$-locale] sections hold letters that are not date parts.
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?!h\]|m\]|s\])[^\]]*\]/gi, '');
  if (/general/i.test(bare)) return false;
  return /[dmyhs]/i.test(bare);
}

/**
 * Column index (0-based) of a cell reference such as `AB12` — or of the one in `ref[from, to)`, read in place; -1 when
 * it has no letters.
 */
export function columnIndex(ref: string, from = 0, to = ref.length): number {
  let col = 0;
  let i = from;
  for (; i < to; i++) {
    const c = ref.charCodeAt(i);
    const upper = c >= 97 ? c - 32 : c;
    if (upper < 65 || upper > 90) break;
    col = col * 26 + (upper - 64);
  }
  return i === from ? -1 : col - 1;
}
