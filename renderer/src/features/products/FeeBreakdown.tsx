import { useState, type ReactNode } from 'react';
import type { ProductRow } from '../../../../preload/contract/channels.ts';
import { call, useApi } from '../../api.ts';
import { fmtInt, fmtMoney, fmtPct, LOOKUP_LABEL } from './format.ts';

/** One product: where its profit goes (price, each fee, cost) and, when the barcode matched several listings, the pick. */
export function FeeBreakdown({
  product,
  onChanged,
  onClose,
  lead,
  children,
}: {
  product: ProductRow;
  /** Shown above the fees (the drawer's verdict), and below them (offers, restrictions, history). */
  lead?: ReactNode;
  children?: ReactNode;
  onChanged(): void;
  /** Closes the details (Esc does too); absent where the details cannot be closed. */
  onClose?: () => void;
}) {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const a = product.analysis;
  const choose = (asin: string) =>
    call(api.lookups.choose({ productId: product.id, asin }))
      .then(onChanged)
      .catch((e: Error) => setError(e.message));
  return (
    <section className="card breakdown" aria-label={`Details of ${product.name ?? `product ${product.id}`}`}>
      <div className="drawer-head">
        <h3>{product.name ?? product.sku ?? `Product ${product.id}`}</h3>
        {onClose && (
          <button type="button" className="ghost" onClick={onClose} aria-keyshortcuts="Escape">
            Close
          </button>
        )}
      </div>
      <p className="hint">
        {product.brand ?? 'No brand'} ·{' '}
        {product.gtin14 ? `barcode ${product.gtin14.replace(/^0+(?=\d{12})/, '')}` : 'no barcode'} · lookup:{' '}
        {LOOKUP_LABEL[product.lookupStatus] ?? product.lookupStatus}
        {product.asin && ` · ASIN ${product.asin}`}
      </p>
      {error && <p role="alert">{error}</p>}
      {lead}
      {product.lookupStatus === 'ambiguous' && product.candidates && (
        <fieldset className="candidates">
          <legend>This barcode matches several Amazon listings: which one is it?</legend>
          {product.candidates.map((c) => (
            <button key={c.asin} type="button" onClick={() => choose(c.asin)}>
              {c.asin} — {c.title ?? 'untitled'}
              {c.brand ? ` (${c.brand})` : ''}
            </button>
          ))}
        </fieldset>
      )}
      {a ? (
        <table className="fees">
          <caption>Fees per unit, {a.priceSource ? `${a.priceSource} price` : 'price unknown'}</caption>
          <tbody>
            <tr>
              <th scope="row">Sell price</th>
              <td>{fmtMoney(a.sellPrice)}</td>
            </tr>
            <tr>
              <th scope="row">Referral fee</th>
              <td>−{fmtMoney(a.referralFee)}</td>
            </tr>
            <tr>
              <th scope="row">FBA fee{a.sizeTier ? ` (${a.sizeTier})` : ''}</th>
              <td>−{fmtMoney(a.fulfillmentFee)}</td>
            </tr>
            <tr>
              <th scope="row">Storage</th>
              <td>−{fmtMoney(a.storageFee)}</td>
            </tr>
            <tr>
              <th scope="row">Other costs</th>
              <td>−{fmtMoney(a.otherCosts)}</td>
            </tr>
            <tr>
              <th scope="row">Total fees</th>
              <td>
                −{fmtMoney(a.totalFees)}
                {a.apiTotalFees !== null && (
                  <span className="hint"> (Amazon’s estimate {fmtMoney(a.apiTotalFees)})</span>
                )}
              </td>
            </tr>
            <tr>
              <th scope="row">Unit cost</th>
              <td>−{fmtMoney(product.cost)}</td>
            </tr>
            <tr className="total">
              <th scope="row">Profit</th>
              <td>{fmtMoney(a.profit)}</td>
            </tr>
            <tr>
              <th scope="row">Margin · ROI</th>
              <td>
                {fmtPct(a.margin)} · {fmtPct(a.roi)}
              </td>
            </tr>
            <tr>
              <th scope="row">Sales rank · est. sales/month</th>
              <td>
                {fmtInt(product.salesRank)} · {fmtInt(a.estSales)}
              </td>
            </tr>
          </tbody>
        </table>
      ) : (
        <p className="hint">Not analysed yet: it needs an Amazon match (or a price) first.</p>
      )}
      {a && a.reasons.length > 0 && (
        <ul className="reasons">
          {a.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {children}
    </section>
  );
}
