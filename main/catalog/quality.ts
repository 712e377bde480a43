/** The parts of a product the quality score looks at. */
export interface QualityInput {
  name: string | null;
  brand: string | null;
  category: string | null;
  gtin14: string | null;
  imageUrl: string | null;
  price: number | null;
  sku: string | null;
  mpn: string | null;
  packSize: number | null;
  description: string | null;
  attributeCount: number;
}

/**
 * Quality 0–100 with the seed weights: basic info 30 (name 15, brand 10, category 5), barcode 20, images 20,
 * attributes 30 (price, SKU or MPN, case pack, description, three or more extra attributes: 6 each).
 */
export function qualityScore(p: QualityInput): number {
  let score = 0;
  if (p.name) score += 15;
  if (p.brand) score += 10;
  if (p.category) score += 5;
  if (p.gtin14) score += 20;
  if (p.imageUrl) score += 20;
  if (p.price !== null) score += 6;
  if (p.sku || p.mpn) score += 6;
  if (p.packSize !== null) score += 6;
  if (p.description) score += 6;
  if (p.attributeCount >= 3) score += 6;
  return score;
}
