/** Folds text for matching: accents, case, punctuation and runs of spaces do not make two products different. */
export function foldText(text: string): string {
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
