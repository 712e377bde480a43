// Pack quantity: how many sellable units the supplier's unit and Amazon's listing each hold, and how many supplier
// units make one Amazon unit. A wrong pack is the commonest way a wholesale list lies about profit, so a pack that
// cannot be matched is always said, never assumed away.
import type { Reason } from './reasons.ts';

/** A pack count read from a title, with the words it was read from. */
export interface TitlePack {
  count: number;
  text: string;
}

const WORD_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  dozen: 12,
};
const NUM = `(\\d{1,3}|${Object.keys(WORD_NUMBERS).join('|')})`;
// Not a digit of a longer number or model code ("X200", "B12", "3.5") on the left.
const LEFT = '(?<![\\w.,/-])';
const SIZE_UNIT = '(?:g|gr|grams?|kg|mg|ml|cl|l|ltr|litres?|liters?|oz|fl\\.?\\s*oz|ounces?|lbs?|pounds?)';
/** Words naming what a "count" counts inside one package: a bottle of 30 tablets is one unit, not a 30-pack. */
const CONTENTS =
  /\b(pills?|tablets?|caplets?|capsules?|v?caps|softgels?|gumm(?:y|ies)|lozenges?|chewables?|sheets?|wipes?|tissues?|bags?|pods?|k-?cups?|servings?|diapers?|pads?|liners?|swabs?|plates?|napkins?|filters?|sticks?|strips?|labels?|envelopes?|tabs?)\b/i;
/** The most a "N count" may be and still be read as a pack (a case of 48 is common; 60 or 100 count is contents). */
export const MAX_COUNT_AS_PACK = 48;

const PATTERNS: { re: RegExp; group: number }[] = [
  // "Pack of 6", "(Pack of 2)", "Set of 3", "Case of 24", "Bundle of 2", "Lot of 4" — but not "pack of 12 oz".
  {
    re: new RegExp(`\\b(?:pack|set|case|bundle|lot|carton)\\s+of\\s+${NUM}\\b(?!\\s*-?\\s*${SIZE_UNIT}\\b)`, 'i'),
    group: 1,
  },
  // "6-Pack", "6 pk", "6pk", "2 Pack (12 oz)", "12-packs".
  { re: new RegExp(`${LEFT}${NUM}\\s*-?\\s*(?:packs?|pks?|pck)\\b`, 'i'), group: 1 },
  // "6 x 250 g", "6x250ml", "12 x 1.5 oz": N containers of a size.
  { re: new RegExp(`${LEFT}(\\d{1,3})\\s*x\\s*\\d+(?:[.,]\\d+)?\\s*${SIZE_UNIT}(?![a-z])`, 'i'), group: 1 },
  // "Twin Pack", "Double Pack", "Triple Pack".
  { re: /\b(twin|double|triple)[\s-]*pack\b/i, group: 1 },
];
const COUNT = new RegExp(`${LEFT}(\\d{1,4})\\s*-?\\s*(?:count|ct|cnt)\\b`, 'i');

function toCount(word: string): number {
  const w = word.toLowerCase();
  if (w === 'twin' || w === 'double') return 2;
  if (w === 'triple') return 3;
  return WORD_NUMBERS[w] ?? Number(w);
}

/**
 * Reads a pack count from a product title, or null when the title names none. The rules, in order (first match wins):
 * "pack/set/case/bundle/lot/carton of N"; "N-pack"/"N pk"; "N x <size>" (N containers of a size); "twin/double/triple
 * pack"; last, "N count/ct" — only when N ≤ 48 and the title names no contents word (tablets, capsules, softgels,
 * gummies, sheets, wipes, bags, pods…), because a count of pills or sheets is what one package holds, not a pack.
 * Sizes ("12 oz", "250 g", "3.5 inch"), "2 in 1", "24/7", model numbers ("X200") and "Vitamin B12" are never packs.
 */
export function parsePackFromTitle(title: string | null): TitlePack | null {
  if (title === null) return null;
  const t = title.replace(/×/g, 'x');
  for (const { re, group } of PATTERNS) {
    const m = re.exec(t);
    if (!m) continue;
    const count = toCount(m[group]!);
    if (Number.isInteger(count) && count >= 1)
      return { count, text: title.slice(m.index, m.index + m[0].length).trim() };
  }
  const m = COUNT.exec(t);
  if (m) {
    const count = Number(m[1]);
    if (count >= 1 && count <= MAX_COUNT_AS_PACK && !CONTENTS.test(t))
      return { count, text: title.slice(m.index, m.index + m[0].length).trim() };
  }
  return null;
}

export type SupplierUnitSource = 'column' | 'title' | 'default';
export type AmazonUnitSource = 'package_quantity' | 'number_of_items' | 'title';

/** How many sellable units one unit of the supplier's list holds. */
export interface SupplierUnit {
  count: number;
  source: SupplierUnitSource;
}
/** How many sellable units one Amazon listing unit holds. */
export interface AmazonUnit {
  count: number;
  source: AmazonUnitSource;
}

function positiveInt(n: number | null): n is number {
  return n !== null && Number.isInteger(n) && n >= 1;
}

/** The supplier's unit: the file's pack column wins over the product name; 1 when neither says. */
export function supplierUnit(p: { packSize: number | null; name: string | null }): SupplierUnit {
  if (positiveInt(p.packSize)) return { count: p.packSize, source: 'column' };
  const fromTitle = parsePackFromTitle(p.name);
  if (fromTitle) return { count: fromTitle.count, source: 'title' };
  return { count: 1, source: 'default' };
}

/** Amazon's unit: item_package_quantity, then number_of_items, then the title; null when nothing says. */
export function amazonUnit(item: {
  packageQuantity: number | null;
  numberOfItems: number | null;
  title: string | null;
}): AmazonUnit | null {
  if (positiveInt(item.packageQuantity)) return { count: item.packageQuantity, source: 'package_quantity' };
  if (positiveInt(item.numberOfItems)) return { count: item.numberOfItems, source: 'number_of_items' };
  const fromTitle = parsePackFromTitle(item.title);
  return fromTitle ? { count: fromTitle.count, source: 'title' } : null;
}

/** How the two units relate: cost per Amazon unit = supplier cost × multiplier; null when they do not fit. */
export interface PackMatch {
  multiplier: number | null;
  reason: Reason | null;
}

function unitWords(n: number): string {
  return n === 1 ? 'a single' : `a ${n}-pack`;
}

const SUPPLIER_SOURCE: Record<SupplierUnitSource, string> = {
  column: "the supplier's unit",
  title: "the supplier's unit (from its name)",
  default: "the supplier's unit (no pack given, taken as 1)",
};

/**
 * Matches the supplier's unit to Amazon's. Amazon = k × supplier → multiplier k (buy k to make one); supplier = k ×
 * Amazon → multiplier 1/k (split a case); anything else, or an Amazon unit unknown while the supplier's is a pack, →
 * multiplier null with a pack_mismatch reason for a person to check.
 */
export function matchPack(supplier: SupplierUnit, amazon: AmazonUnit | null): PackMatch {
  const s = supplier.count;
  if (!positiveInt(s)) throw new Error(`The supplier's pack count must be a whole number of at least 1 (got ${s}).`);
  if (amazon === null) {
    if (s > 1)
      return {
        multiplier: null,
        reason: {
          code: 'pack_mismatch',
          severity: 'check',
          text: `Amazon's listing does not say how many units it holds; ${SUPPLIER_SOURCE[supplier.source]} is ${unitWords(s)}: check the listing's pack before buying.`,
        },
      };
    return {
      multiplier: 1,
      reason: {
        code: 'pack_assumed',
        severity: 'info',
        text: "Amazon's listing does not say how many units it holds; taken as one supplier unit per Amazon unit.",
      },
    };
  }
  const a = amazon.count;
  if (!positiveInt(a)) throw new Error(`Amazon's pack count must be a whole number of at least 1 (got ${a}).`);
  if (a === s) return { multiplier: 1, reason: null };
  if (a % s === 0) {
    const k = a / s;
    return {
      multiplier: k,
      reason: {
        code: 'pack_multiple',
        severity: 'info',
        text: `Amazon sells ${unitWords(a)}; ${SUPPLIER_SOURCE[supplier.source]} is ${unitWords(s)}: ${k} supplier units make one Amazon unit (cost × ${k}).`,
      },
    };
  }
  if (s % a === 0) {
    const k = s / a;
    return {
      multiplier: 1 / k,
      reason: {
        code: 'case_split',
        severity: 'info',
        text: `Amazon sells ${unitWords(a)}; ${SUPPLIER_SOURCE[supplier.source]} is ${unitWords(s)}: each supplier unit splits into ${k} Amazon units (cost ÷ ${k}).`,
      },
    };
  }
  return {
    multiplier: null,
    reason: {
      code: 'pack_mismatch',
      severity: 'check',
      text: `Amazon sells ${unitWords(a)}; ${SUPPLIER_SOURCE[supplier.source]} is ${s}: no whole number of supplier units makes one Amazon unit.`,
    },
  };
}
