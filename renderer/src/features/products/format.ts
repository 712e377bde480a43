// Number formats the tables, the breakdown and the charts share.
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** $1,234.50, or an en dash when unknown. */
export const fmtMoney = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : money.format(v);
/** 31.5 %, or an en dash when unknown. */
export const fmtPct = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`;
/** 12,345, or an en dash when unknown. */
export const fmtInt = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US');

/** How a lookup status reads on its chip. */
export const LOOKUP_LABEL: Record<string, string> = {
  pending: 'to look up',
  looking_up: 'looking up',
  found: 'found',
  not_found: 'not on Amazon',
  ambiguous: 'pick ASIN',
  retry_pending: 'retrying',
  failed: 'lookup failed',
  no_barcode: 'no barcode',
};
