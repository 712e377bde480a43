import { foldText } from '../catalog/keys.ts';

// Words in a product's category (supplier or Amazon browse node) → the referral category they belong to.
// Checked in order: the first rule whose words all occur wins. Unknown categories fall back to "Everything Else".
const RULES: readonly [words: string[], category: string][] = [
  [['video', 'game', 'console'], 'Video Game Consoles'],
  [['video', 'game'], 'Video Games and Gaming Accessories'],
  [['book'], 'Media - Books, DVD, Music, Software, Video'],
  [['dvd'], 'Media - Books, DVD, Music, Software, Video'],
  [['music'], 'Media - Books, DVD, Music, Software, Video'],
  [['software'], 'Media - Books, DVD, Music, Software, Video'],
  [['toy'], 'Toys and Games'],
  [['game'], 'Toys and Games'],
  [['baby'], 'Baby Products'],
  [['beauty'], 'Beauty, Health and Personal Care'],
  [['health'], 'Beauty, Health and Personal Care'],
  [['personal', 'care'], 'Beauty, Health and Personal Care'],
  [['grocery'], 'Grocery and Gourmet'],
  [['gourmet'], 'Grocery and Gourmet'],
  [['food'], 'Grocery and Gourmet'],
  [['kitchen'], 'Home and Kitchen'],
  [['home', 'improvement'], 'Tools and Home Improvement'],
  [['tool'], 'Tools and Home Improvement'],
  [['home'], 'Home and Kitchen'],
  [['furniture'], 'Furniture'],
  [['mattress'], 'Mattresses'],
  [['garden'], 'Lawn and Garden'],
  [['patio'], 'Lawn and Garden'],
  [['sport'], 'Sports and Outdoors'],
  [['outdoor'], 'Sports and Outdoors'],
  [['office'], 'Office Products'],
  [['pet'], 'Pet Products'],
  [['automotive'], 'Automotive and Powersports'],
  [['car'], 'Automotive and Powersports'],
  [['tire'], 'Tires'],
  [['computer'], 'Computers'],
  [['electronics', 'accessor'], 'Electronics Accessories'],
  [['cell', 'phone'], 'Electronics Accessories'],
  [['electronic'], 'Consumer Electronics'],
  [['camera'], 'Consumer Electronics'],
  [['appliance'], 'Appliances - Compact'],
  [['jewel'], 'Jewelry'],
  [['watch'], 'Watches'],
  [['shoe'], 'Footwear'],
  [['footwear'], 'Footwear'],
  [['clothing'], 'Clothing and Accessories'],
  [['apparel'], 'Clothing and Accessories'],
  [['luggage'], 'Backpacks, Handbags, and Luggage'],
  [['handbag'], 'Backpacks, Handbags, and Luggage'],
  [['backpack'], 'Backpacks, Handbags, and Luggage'],
  [['eyewear'], 'Eyewear'],
  [['musical', 'instrument'], 'Musical Instruments and AV Production'],
  [['industrial'], 'Business, Industrial, and Scientific Supplies'],
  [['scientific'], 'Business, Industrial, and Scientific Supplies'],
];

const cache = new WeakMap<readonly string[], Map<string, { name: string; note: string | null }>>();

/**
 * The referral category for a product category, or the fallback with the reason it was needed. Memoized per known
 * list: a catalog has few distinct categories and this runs once per analysed product.
 */
export function referralCategory(
  category: string | null,
  known: readonly string[],
): { name: string; note: string | null } {
  let memo = cache.get(known);
  if (!memo) cache.set(known, (memo = new Map()));
  const key = category ?? '';
  let hit = memo.get(key);
  if (!hit) {
    hit = resolveCategory(category, known);
    if (memo.size < 10_000) memo.set(key, hit);
  }
  return hit;
}

function resolveCategory(category: string | null, known: readonly string[]): { name: string; note: string | null } {
  if (!category) return { name: 'Everything Else', note: 'No category: the "Everything Else" referral rate is used.' };
  const folded = foldText(category);
  const exact = known.find((k) => foldText(k) === folded);
  if (exact) return { name: exact, note: null };
  const words = folded.split(' ');
  const has = (w: string) => words.some((x) => x.startsWith(w));
  for (const [need, name] of RULES) if (need.every(has) && known.includes(name)) return { name, note: null };
  return {
    name: 'Everything Else',
    note: `Category "${category}" is not in the referral fee table: the "Everything Else" rate is used.`,
  };
}
