import type { ProductRow } from '../../../../preload/contract/channels.ts';

type Verdict = NonNullable<ProductRow['verdict']>;

/** Text and mark per verdict: colour is never the only signal. */
export const VERDICT_LABEL: Record<Verdict, string> = { buy: 'Buy', check: 'Check', skip: 'Skip' };
const MARK: Record<Verdict, string> = { buy: '✓', check: '!', skip: '✕' };

/** The reasons as one line of plain text (the hover title, and what a screen reader hears with the badge). */
export const reasonsText = (reasons: ProductRow['verdictReasons']) =>
  reasons.length ? reasons.map((r) => r.text).join(' · ') : 'No reason against it.';

/** A verdict as a coloured badge with a mark and its word; its reasons show on hover (and in the details). */
export function VerdictBadge({ verdict, reasons }: { verdict: Verdict; reasons: ProductRow['verdictReasons'] }) {
  return (
    <span className={`verdict verdict-${verdict}`} title={reasonsText(reasons)} data-verdict={verdict}>
      <span aria-hidden="true">{MARK[verdict]}</span> {VERDICT_LABEL[verdict]}
      {reasons.length > 0 && <span className="verdict-count">{reasons.length}</span>}
    </span>
  );
}
