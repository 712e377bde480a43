// What a reference catalog row may say beyond barcode → ASIN: the sales rank and category, the offers on the listing
// (FBA/FBM counts, Amazon on it, the Buy Box) and the seller's restriction, with hazmat. A Keepa export or a seller's
// own notes carry such columns; the sample data ships them so every chart has something to draw offline. Read by
// header name, each cell on its own: an unreadable cell is dropped (and counted), never the pair.
import { z } from 'zod';
import type { Db } from '../db/open.ts';

const money = z.number().finite().min(0).nullable();
const count = z.number().int().min(0).nullable();

export const referenceFactsSchema = z.object({
  salesRank: z.number().int().positive().nullable(),
  category: z.string().min(1).max(200).nullable(),
  hazmat: z.enum(['none', 'review']).nullable(),
  buyBox: money,
  buyBoxWinner: z.enum(['amazon', 'fba', 'fbm']).nullable(),
  amazonOnListing: z.boolean().nullable(),
  fbaOffers: count,
  fbmOffers: count,
  lowestFba: money,
  lowestFbm: money,
  restriction: z
    .object({
      status: z.enum(['ok', 'approval_required', 'not_eligible']),
      approvalUrl: z.string().url().startsWith('https://').nullable(),
    })
    .nullable(),
});
/** The facts one reference row gives for its ASIN; null where the file says nothing. */
export type ReferenceFacts = z.infer<typeof referenceFactsSchema>;

type Field = Exclude<keyof ReferenceFacts, 'restriction'> | 'restriction' | 'approvalUrl';

// Header names as sellers' files spell them, compared lower-case without spaces or punctuation.
const HEADERS: Record<string, Field> = {
  salesrank: 'salesRank',
  bsr: 'salesRank',
  salesrankcurrent: 'salesRank',
  category: 'category',
  rootcategory: 'category',
  salesrankcategory: 'category',
  hazmat: 'hazmat',
  dangerousgoods: 'hazmat',
  buybox: 'buyBox',
  buyboxprice: 'buyBox',
  buyboxcurrent: 'buyBox',
  buyboxwinner: 'buyBoxWinner',
  buyboxseller: 'buyBoxWinner',
  amazononlisting: 'amazonOnListing',
  amazonsells: 'amazonOnListing',
  fbaoffers: 'fbaOffers',
  fbaoffercount: 'fbaOffers',
  fbmoffers: 'fbmOffers',
  fbmoffercount: 'fbmOffers',
  lowestfba: 'lowestFba',
  lowestfbm: 'lowestFbm',
  restriction: 'restriction',
  listingrestriction: 'restriction',
  gated: 'restriction',
  approvalurl: 'approvalUrl',
  approvallink: 'approvalUrl',
};

const key = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Which column holds which fact, from the file's headers (empty when the file has none of them). */
export function factColumns(headers: readonly string[]): Partial<Record<Field, number>> {
  const out: Partial<Record<Field, number>> = {};
  headers.forEach((h, i) => {
    const f = HEADERS[key(h)];
    if (f && out[f] === undefined) out[f] = i;
  });
  return out;
}

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0']);
const RESTRICTION: Record<string, 'ok' | 'approval_required' | 'not_eligible'> = {
  ok: 'ok',
  ungated: 'ok',
  no: 'ok',
  approvalrequired: 'approval_required',
  gated: 'approval_required',
  yes: 'approval_required',
  noteligible: 'not_eligible',
  restricted: 'not_eligible',
};

/** Reads one row's facts; `bad` counts cells that were there but unreadable. Null when the row says nothing. */
export function readFacts(
  row: readonly string[],
  cols: Partial<Record<Field, number>>,
): { facts: ReferenceFacts | null; bad: number } {
  let bad = 0;
  let any = false;
  const cell = (f: Field): string | null => {
    const i = cols[f];
    const v = i === undefined ? '' : (row[i] ?? '').trim();
    return v === '' ? null : v;
  };
  const parse = <T>(f: Field, read: (v: string) => T | null): T | null => {
    const v = cell(f);
    if (v === null) return null;
    const out = read(v);
    if (out === null) bad++;
    else any = true;
    return out;
  };
  const num = (v: string) => {
    const n = Number(v.replace(/[$,\s]/g, '').replace(/^#/, ''));
    return Number.isFinite(n) && n >= 0 ? n : null;
  };
  const int = (v: string) => {
    const n = num(v);
    return n !== null && Number.isInteger(n) ? n : null;
  };
  const bool = (v: string) => (YES.has(v.toLowerCase()) ? true : NO.has(v.toLowerCase()) ? false : null);
  const oneOf =
    <T extends string>(values: readonly T[]) =>
    (v: string): T | null =>
      (values as readonly string[]).includes(v.toLowerCase()) ? (v.toLowerCase() as T) : null;
  const url = (v: string) => {
    try {
      return new URL(v).protocol === 'https:' ? v : null;
    } catch {
      return null;
    }
  };
  const rank = parse('salesRank', int);
  const status = parse('restriction', (v) => RESTRICTION[key(v)] ?? null);
  const approvalUrl = status === 'approval_required' ? parse('approvalUrl', url) : null;
  const facts: ReferenceFacts = {
    salesRank: rank !== null && rank > 0 ? rank : null,
    category: parse('category', (v) => (v.length <= 200 ? v : null)),
    hazmat: parse('hazmat', oneOf(['none', 'review'] as const)),
    buyBox: parse('buyBox', num),
    buyBoxWinner: parse('buyBoxWinner', oneOf(['amazon', 'fba', 'fbm'] as const)),
    amazonOnListing: parse('amazonOnListing', bool),
    fbaOffers: parse('fbaOffers', int),
    fbmOffers: parse('fbmOffers', int),
    lowestFba: parse('lowestFba', num),
    lowestFbm: parse('lowestFbm', num),
    restriction: status === null ? null : { status, approvalUrl },
  };
  return { facts: any ? facts : null, bad };
}

/** The facts stored for an ASIN (the most recently imported row that has any), or null. */
export function createReferenceFacts(db: Db): (asin: string) => ReferenceFacts | null {
  const get = db
    .prepare<[string], string>(
      'SELECT facts FROM reference_catalog WHERE asin = ? AND facts IS NOT NULL ORDER BY imported_at DESC LIMIT 1',
    )
    .pluck();
  return (asin) => parseFacts(get.get(asin));
}

/** A stored facts cell, or null when absent or not what Pallet writes (another version's, a hand edit). */
export function parseFacts(cell: string | null | undefined): ReferenceFacts | null {
  if (!cell) return null;
  try {
    const r = referenceFactsSchema.safeParse(JSON.parse(cell));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
