const ASCII = /^[\x20-\x7e]*$/;

/** Folds text for matching: accents, case, punctuation and runs of spaces do not make two products different. */
export function foldText(text: string): string {
  // Most cells are plain ASCII: skip Unicode normalization for them (same result, several times faster).
  if (ASCII.test(text))
    return text
      .toLowerCase()
      .replace(/&/g, ' and ')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The dedupe key of a product without a barcode: folded brand and name, or null when either is missing. */
export function nameBrandKey(name: string | null, brand: string | null): string | null {
  if (!name || !brand) return null;
  const n = foldText(name);
  const b = foldText(brand);
  return n && b ? `${b}|${n}` : null;
}
