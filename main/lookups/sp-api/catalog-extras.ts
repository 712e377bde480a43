// What searchCatalogItems gives beyond title and size, read defensively: pack quantity, variations, every sales rank
// and dangerous-goods hints. Amazon's `attributes` are free-form JSON per product type, so each field is read on its
// own and a malformed one is skipped; it never costs the match.
import type { CatalogMatch, SalesRank } from '../provider.ts';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string | undefined => (typeof x === 'string' && x.trim() !== '' ? x.trim() : undefined);

/** The entry of a per-marketplace list for this marketplace, else the first. */
function forMarketplace(x: unknown, marketplaceId: string, key = 'marketplaceId'): Obj | undefined {
  const entries = list(x).filter(isObj);
  return entries.find((e) => e[key] === marketplaceId) ?? entries[0];
}

/** An attribute's entries for this marketplace (entries without a marketplace apply everywhere). */
function attribute(attributes: Obj, name: string, marketplaceId: string): Obj[] {
  return list(attributes[name])
    .filter(isObj)
    .filter((e) => e.marketplace_id === undefined || e.marketplace_id === marketplaceId);
}

/** A whole number ≥ 1 from a number or a numeric string. */
function count(x: unknown): number | undefined {
  const n = typeof x === 'number' ? x : typeof x === 'string' && /^\s*\d+\s*$/.test(x) ? Number(x) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : undefined;
}

/** Every display-group and classification rank for the marketplace; malformed entries are skipped. */
export function salesRanksOf(raw: unknown, marketplaceId: string): SalesRank[] {
  const mp = forMarketplace(raw, marketplaceId);
  if (!mp) return [];
  const out: SalesRank[] = [];
  const read = (entries: unknown, kind: SalesRank['kind'], idKey: string) => {
    for (const e of list(entries).filter(isObj)) {
      const rank = e.rank;
      const id = str(e[idKey]) ?? '';
      if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1) continue;
      out.push({ kind, id, title: str(e.title) ?? null, rank });
    }
  };
  read(mp.displayGroupRanks, 'group', 'websiteDisplayGroup');
  read(mp.classificationRanks, 'classification', 'classificationId');
  return out;
}

/** Regulations a supplier declares for dangerous goods; "not_applicable" and "unknown" say nothing. */
const DG_REGULATIONS = new Set(['ghs', 'storage', 'transportation', 'waste', 'other']);
const NO_GHS_CLASS = new Set(['none', 'not_applicable']);

/** Dangerous-goods hints in the attributes (supplier_declared_dg_hz_regulation, hazmat, ghs, SDS, lithium cells). */
export function hazmatHints(attributes: Obj, marketplaceId: string): string[] {
  const reasons: string[] = [];
  const attr = (name: string) => attribute(attributes, name, marketplaceId);
  for (const e of attr('supplier_declared_dg_hz_regulation')) {
    const v = str(e.value)?.toLowerCase();
    if (v && DG_REGULATIONS.has(v)) reasons.push(`declared dangerous-goods regulation: ${v}`);
  }
  for (const e of attr('hazmat')) {
    const v = str(e.value);
    if (v) reasons.push(`hazmat ${str(e.aspect) ?? 'declaration'}: ${v}`);
  }
  for (const e of attr('ghs'))
    for (const c of list(e.classification).filter(isObj)) {
      const v = str(c.class)?.toLowerCase();
      if (v && !NO_GHS_CLASS.has(v)) reasons.push(`GHS class: ${v}`);
    }
  for (const e of attr('ghs_chemical_h_code')) {
    const v = str(e.value);
    if (v) reasons.push(`GHS hazard code: ${v}`);
  }
  if (attr('safety_data_sheet_url').some((e) => str(e.value))) reasons.push('a safety data sheet is filed');
  for (const e of attr('battery'))
    for (const c of list(e.cell_composition).filter(isObj)) {
      const v = str(c.value)?.toLowerCase();
      if (v?.includes('lithium')) reasons.push(`battery cells: ${v}`);
    }
  if (attr('lithium_battery').length > 0) reasons.push('lithium battery declared');
  for (const name of ['number_of_lithium_ion_cells', 'number_of_lithium_metal_cells'])
    if (attr(name).some((e) => count(e.value))) reasons.push(`${name.replaceAll('_', ' ')} declared`);
  return [...new Set(reasons)];
}

/** The optional CatalogMatch fields from an item's attributes, relationships and sales ranks. */
export function catalogExtras(
  item: { attributes?: unknown; relationships?: unknown; salesRanks?: unknown },
  marketplaceId: string,
): Partial<CatalogMatch> {
  const out: Partial<CatalogMatch> = {};
  if (isObj(item.attributes)) {
    const first = (name: string) => attribute(item.attributes as Obj, name, marketplaceId)[0]?.value;
    const packageQuantity = count(first('item_package_quantity'));
    if (packageQuantity) out.packageQuantity = packageQuantity;
    const numberOfItems = count(first('number_of_items'));
    if (numberOfItems) out.numberOfItems = numberOfItems;
    const reasons = hazmatHints(item.attributes, marketplaceId);
    out.hazmat = { status: reasons.length > 0 ? 'review' : 'none', reasons };
  }
  const rel = forMarketplace(item.relationships, marketplaceId);
  for (const r of list(rel?.relationships).filter(isObj)) {
    if (r.type !== 'VARIATION') continue;
    const parent = list(r.parentAsins).map(str).find(Boolean);
    if (parent) out.parentAsin = parent;
    if (list(r.childAsins).some((c) => str(c))) out.isVariationParent = true;
    const theme = isObj(r.variationTheme) ? str(r.variationTheme.theme) : undefined;
    if (theme) out.variationTheme = theme;
  }
  if (out.parentAsin || out.variationTheme) out.isVariationParent ??= false;
  const ranks = salesRanksOf(item.salesRanks, marketplaceId);
  if (ranks.length > 0) out.salesRanks = ranks;
  return out;
}
