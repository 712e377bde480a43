// The products table's columns: what each shows, how wide it is, what it sorts on. The chooser (ColumnChooser.tsx)
// picks which of them show, in which order; the view lays them out from this list.
import type { ReactNode } from 'react';
import type { ProductRow, SortColumn } from '../../../../preload/contract/channels.ts';
import { fmtInt, fmtMoney, fmtPct, LOOKUP_LABEL } from './format.ts';
import { VerdictBadge } from './VerdictBadge.tsx';

export interface Column {
  id: string;
  label: string;
  /** The chooser's name when the header is terse (e.g. an icon column). */
  title?: string;
  sort?: SortColumn;
  /** CSS grid track. */
  width: string;
  /** Its least width in px (the table scrolls sideways below the sum). */
  min: number;
  numeric?: boolean;
  cell(r: ProductRow): ReactNode;
}

/** Amazon's product page for an ASIN (opened in the browser: main lets https links through its checked helper). */
export const amazonUrl = (asin: string) => `https://www.amazon.com/dp/${encodeURIComponent(asin)}`;

const stop = (e: { stopPropagation(): void }) => e.stopPropagation();

/** The ASIN as a link to its Amazon page; not in the tab order inside the grid (rows are walked with J/K). */
export function AsinLink({ asin, tabbable = false }: { asin: string; tabbable?: boolean }) {
  return (
    <a
      href={amazonUrl(asin)}
      target="_blank"
      rel="noreferrer"
      className="asin"
      onClick={stop}
      tabIndex={tabbable ? undefined : -1}
      aria-label={`${asin} on Amazon (opens in the browser)`}
    >
      {asin}
    </a>
  );
}

const RESTRICTION_LABEL: Record<string, string> = {
  ok: 'ungated',
  approval_required: 'approval',
  not_eligible: 'not eligible',
  asin_not_found: 'no listing',
};
const restrictionChip = (s: string) => (s === 'ok' ? 'found' : s === 'approval_required' ? 'ambiguous' : 'failed');

/** Every column the table can show, in its default order. */
export const COLUMNS: Column[] = [
  {
    id: 'image',
    label: '',
    title: 'Image',
    width: '32px',
    min: 32,
    // The stored thumbnail only: Amazon's image address is remote, and the CSP lets images in from Pallet's store alone.
    cell: (r) =>
      r.thumbnail ? (
        <img className="thumb" src={r.thumbnail} alt="" loading="lazy" width={24} height={24} />
      ) : (
        <span className="thumb thumb-none" aria-hidden="true" />
      ),
  },
  {
    id: 'name',
    label: 'Product',
    sort: 'name',
    width: 'minmax(140px, 3fr)',
    min: 140,
    cell: (r) => (
      <span className="cell-name" title={r.name ?? ''}>
        {r.name ?? r.sku ?? `#${r.id}`}
      </span>
    ),
  },
  { id: 'brand', label: 'Brand', sort: 'brand', width: 'minmax(72px, 1fr)', min: 72, cell: (r) => r.brand ?? '–' },
  {
    id: 'barcode',
    sort: 'barcode',
    label: 'Barcode',
    width: '112px',
    min: 112,
    cell: (r) => r.gtin14?.replace(/^0+(?=\d{12})/, '') ?? '–',
  },
  {
    id: 'asin',
    label: 'ASIN',
    sort: 'asin',
    width: '100px',
    min: 100,
    cell: (r) => (r.asin ? <AsinLink asin={r.asin} /> : '–'),
  },
  {
    id: 'lookup',
    sort: 'lookup',
    label: 'Lookup',
    width: '104px',
    min: 104,
    cell: (r) => (
      <span className={`chip chip-${r.lookupStatus}`}>{LOOKUP_LABEL[r.lookupStatus] ?? r.lookupStatus}</span>
    ),
  },
  {
    id: 'verdict',
    label: 'Verdict',
    sort: 'verdict',
    width: '112px',
    min: 112,
    // Before a verdict, where the product stands on the way to one (to look up, not on Amazon, pick ASIN…).
    cell: (r) =>
      r.verdict ? (
        <VerdictBadge verdict={r.verdict} reasons={r.verdictReasons} />
      ) : (
        <span className={`chip chip-${r.lookupStatus}`}>{LOOKUP_LABEL[r.lookupStatus] ?? r.lookupStatus}</span>
      ),
  },
  { id: 'cost', label: 'Cost', sort: 'cost', width: '68px', min: 68, numeric: true, cell: (r) => fmtMoney(r.cost) },
  {
    id: 'buyBox',
    label: 'Buy Box',
    sort: 'buyBox',
    width: '72px',
    min: 72,
    numeric: true,
    cell: (r) => fmtMoney(r.offers?.buyBoxPrice),
  },
  {
    id: 'price',
    sort: 'price',
    label: 'Price',
    title: 'Sell price (used for fees)',
    width: '68px',
    min: 68,
    numeric: true,
    cell: (r) => fmtMoney(r.analysis?.sellPrice),
  },
  {
    id: 'offers',
    label: 'FBA/FBM',
    title: 'FBA / FBM offers',
    sort: 'offers',
    width: '72px',
    min: 72,
    numeric: true,
    cell: (r) => (r.offers ? `${fmtInt(r.offers.fbaOffers)} / ${fmtInt(r.offers.fbmOffers)}` : '–'),
  },
  {
    id: 'amazon',
    sort: 'amazon',
    label: 'AMZ',
    title: 'Amazon on listing',
    width: '48px',
    min: 48,
    cell: (r) =>
      r.offers?.amazonOnListing === true ? (
        <span className="amz amz-yes">yes</span>
      ) : r.offers?.amazonOnListing === false ? (
        <span className="amz">no</span>
      ) : (
        '–'
      ),
  },
  {
    id: 'restriction',
    sort: 'restriction',
    label: 'Gating',
    title: 'Listing restriction',
    width: '92px',
    min: 92,
    cell: (r) =>
      r.restriction ? (
        <span className={`chip chip-${restrictionChip(r.restriction.status)}`}>
          {RESTRICTION_LABEL[r.restriction.status] ?? r.restriction.status}
        </span>
      ) : (
        '–'
      ),
  },
  {
    id: 'pack',
    sort: 'pack',
    label: 'Pack',
    title: 'Pack multiplier',
    width: '48px',
    min: 48,
    numeric: true,
    cell: (r) => (r.packMultiplier && r.packMultiplier !== 1 ? `×${r.packMultiplier}` : '–'),
  },
  {
    id: 'fees',
    label: 'Fees',
    title: 'Amazon fees and costs per unit (referral, FBA, storage, other)',
    sort: 'fees',
    width: '68px',
    min: 68,
    numeric: true,
    cell: (r) => fmtMoney(r.analysis?.totalFees),
  },
  {
    id: 'profit',
    label: 'Profit',
    sort: 'profit',
    width: '68px',
    min: 68,
    numeric: true,
    cell: (r) => fmtMoney(r.analysis?.profit),
  },
  { id: 'roi', label: 'ROI', sort: 'roi', width: '68px', min: 68, numeric: true, cell: (r) => fmtPct(r.analysis?.roi) },
  {
    id: 'margin',
    label: 'Margin',
    title: 'Profit as a share of the sell price',
    sort: 'margin',
    width: '64px',
    min: 64,
    numeric: true,
    cell: (r) => fmtPct(r.analysis?.margin),
  },
  { id: 'rank', label: 'Rank', sort: 'rank', width: '76px', min: 76, numeric: true, cell: (r) => fmtInt(r.salesRank) },
  {
    id: 'sales',
    sort: 'sales',
    label: 'Sales/mo',
    title: 'Estimated monthly sales',
    width: '68px',
    min: 68,
    numeric: true,
    cell: (r) => fmtInt(r.analysis?.estSales),
  },
];

/** Shown until the user chooses: what a seller scans first (the rest one click away in the chooser). */
export const DEFAULT_HIDDEN = ['barcode', 'lookup', 'price', 'restriction', 'pack', 'sales', 'fees', 'margin'];

export const COLUMN_BY_ID = new Map(COLUMNS.map((c) => [c.id, c]));
