/**
 * Quality 0–100 with the seed weights: basic info 30 (name 15, brand 10, category 5), barcode 20, images 20,
 * attributes 30 (price, SKU or MPN, case pack, description, three or more extra attributes: 6 each).
 * Plain arguments rather than an object: this runs once per imported row.
 */
export function qualityScore(
  name: string | null,
  brand: string | null,
  category: string | null,
  gtin14: string | null,
  imageUrl: string | null,
  price: number | null,
  skuOrMpn: string | null,
  packSize: number | null,
  description: string | null,
  attributeCount: number,
): number {
  return (
    (name ? 15 : 0) +
    (brand ? 10 : 0) +
    (category ? 5 : 0) +
    (gtin14 ? 20 : 0) +
    (imageUrl ? 20 : 0) +
    (price !== null ? 6 : 0) +
    (skuOrMpn ? 6 : 0) +
    (packSize !== null ? 6 : 0) +
    (description ? 6 : 0) +
    (attributeCount >= 3 ? 6 : 0)
  );
}
