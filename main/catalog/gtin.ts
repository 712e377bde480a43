/** A barcode turned into GTIN-14, or the reason it cannot be. */
export type GtinResult =
  | { ok: true; gtin14: string; format: 'GTIN-14' | 'EAN-13' | 'UPC-A' | 'EAN-8' | 'UPC-E' | 'ISBN-10' }
  | { ok: false; reason: string };

/** GS1 mod-10 check digit of a digit string without its check digit. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  // Weights alternate 3,1,3,… from the right, so leading zeros never change the result.
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (body.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit is the GS1 check digit of the others. */
export function hasValidCheckDigit(digits: string): boolean {
  // Same sum as gs1CheckDigit over all but the last digit, without slicing (this runs once per imported row).
  let sum = 0;
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += (digits.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(digits.length - 1) - 48;
}

/** Expands an 8-digit UPC-E (number system 0/1, six digits, check digit) to its 12-digit UPC-A. */
export function expandUpcE(upce: string): string | null {
  if (!/^[01]\d{7}$/.test(upce)) return null;
  const ns = upce[0]!;
  const d = upce.slice(1, 7);
  const check = upce[7]!;
  const last = d[5]!;
  let body: string;
  if (last <= '2') body = `${d[0]}${d[1]}${last}0000${d[2]}${d[3]}${d[4]}`;
  else if (last === '3') body = `${d[0]}${d[1]}${d[2]}00000${d[3]}${d[4]}`;
  else if (last === '4') body = `${d[0]}${d[1]}${d[2]}${d[3]}00000${d[4]}`;
  else body = `${d[0]}${d[1]}${d[2]}${d[3]}${d[4]}0000${last}`;
  return `${ns}${body}${check}`;
}

function isbn10Valid(isbn: string): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (isbn[i] === 'X' ? 10 : isbn.charCodeAt(i) - 48) * (10 - i);
  return sum % 11 === 0;
}

const CLEAN = /^\d{12,14}$/;
const NONZERO = /[1-9]/;
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?E[+-]?\d+$/i;

/**
 * Normalizes a barcode cell to GTIN-14 with check-digit validation. Accepts UPC-A, EAN-13, EAN-8, GTIN-14,
 * UPC-E and ISBN-10; restores leading zeros a spreadsheet dropped only when the check digit validates; never guesses.
 */
export function normalizeGtin(raw: string): GtinResult {
  // Fast path: a clean 12–14 digit code, the shape of almost every cell.
  if (CLEAN.test(raw) && NONZERO.test(raw)) {
    if (!hasValidCheckDigit(raw))
      return { ok: false, reason: 'check digit does not match (a typo, or digits missing)' };
    return {
      ok: true,
      gtin14: raw.padStart(14, '0'),
      format: raw.length === 12 ? 'UPC-A' : raw.length === 13 ? 'EAN-13' : 'GTIN-14',
    };
  }
  // Spreadsheet and export debris: a text-marking apostrophe, `|` wrappers, spaces, dashes, a trailing `.0`.
  let s = raw
    .trim()
    .replace(/^'/, '')
    .replace(/^\|+|\|+$/g, '')
    .replace(/[\s\u00a0-]/g, '');
  if (s === '') return { ok: false, reason: 'empty' };
  if (SCIENTIFIC.test(s)) {
    return {
      ok: false,
      reason: `scientific notation: the spreadsheet rounded the barcode and its digits are lost. Re-export the column formatted as text.`,
    };
  }
  s = s.replace(/\.0+$/, '');
  if (/^\d{9}x$/.test(s)) s = s.toUpperCase();
  if (/^\d{9}[\dX]$/.test(s) && s.endsWith('X')) {
    if (!isbn10Valid(s)) return { ok: false, reason: 'not a valid ISBN-10 (check character)' };
    const body = `978${s.slice(0, 9)}`;
    return { ok: true, gtin14: `0${body}${gs1CheckDigit(body)}`, format: 'ISBN-10' };
  }
  if (!/^\d+$/.test(s)) return { ok: false, reason: 'has characters other than digits' };
  if (/^0+$/.test(s)) return { ok: false, reason: 'all zeros is not a barcode' };
  if (s.length > 14) {
    // GTIN-14 padded further with zeros by some exports; anything else is too long.
    const trimmed = s.replace(/^0+/, '');
    if (trimmed.length > 14) return { ok: false, reason: `${s.length} digits; a GTIN has at most 14` };
    s = trimmed;
  }
  if (s.length === 10 && isbn10Valid(s) && !hasValidCheckDigit(s)) {
    const body = `978${s.slice(0, 9)}`;
    return { ok: true, gtin14: `0${body}${gs1CheckDigit(body)}`, format: 'ISBN-10' };
  }
  if (s.length === 8) {
    // An 8-digit code starting with 0 or 1 is a UPC-E (EAN-8 reserves prefix 0 for in-store numbers); else EAN-8.
    const upca = expandUpcE(s);
    if (upca && hasValidCheckDigit(upca)) return { ok: true, gtin14: `00${upca}`, format: 'UPC-E' };
    if (hasValidCheckDigit(s)) return { ok: true, gtin14: s.padStart(14, '0'), format: 'EAN-8' };
    return { ok: false, reason: 'check digit does not match (not a valid EAN-8 or UPC-E)' };
  }
  if (s.length < 7) return { ok: false, reason: `only ${s.length} digits; a barcode has 8 to 14` };
  if (!hasValidCheckDigit(s)) {
    return { ok: false, reason: 'check digit does not match (a typo, or digits missing)' };
  }
  // Leading zeros never change a GS1 check digit, so a valid short code is restored by padding.
  const format = s.length <= 8 ? 'EAN-8' : s.length <= 12 ? 'UPC-A' : s.length === 13 ? 'EAN-13' : 'GTIN-14';
  return { ok: true, gtin14: s.padStart(14, '0'), format };
}

/** The familiar form of a GTIN-14 for display and provider lookups: UPC-A (12), EAN-13 or GTIN-14. */
export function displayGtin(gtin14: string): string {
  if (gtin14.startsWith('00')) return gtin14.slice(2);
  if (gtin14.startsWith('0')) return gtin14.slice(1);
  return gtin14;
}
