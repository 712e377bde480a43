import { useEffect, useState } from 'react';
import type { ProductDetail, ProductRow } from '../../../../preload/contract/channels.ts';
import { call, useApi } from '../../api.ts';
import { AsinLink } from './columns.tsx';
import { FeeBreakdown } from './FeeBreakdown.tsx';
import { fmtInt, fmtMoney, fmtPct } from './format.ts';
import { VERDICT_LABEL, VerdictBadge } from './VerdictBadge.tsx';

const RESTRICTION_TEXT: Record<string, string> = {
  ok: 'You can list this ASIN.',
  approval_required: 'Amazon asks for approval before you list this ASIN.',
  not_eligible: 'You cannot list this ASIN.',
  asin_not_found: 'Amazon does not know this ASIN in this marketplace.',
};
const WINNER: Record<string, string> = { amazon: 'Amazon', fba: 'an FBA seller', fbm: 'a merchant (FBM)' };
const date = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });

/**
 * The detail drawer: the row as the table has it at once (fees, verdict), then everything else read for this product
 * through `products:detail` — candidate ASINs, offers, restrictions with the approval link, costs by supplier.
 */
export function ProductDrawer({
  product,
  onChanged,
  onClose,
}: {
  product: ProductRow;
  onChanged(): void;
  onClose(): void;
}) {
  const api = useApi();
  const [detail, setDetail] = useState<ProductDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setDetail(null);
    setError(null);
    call(api.products.detail({ id: product.id }))
      .then((d) => live && setDetail(d))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [api, product.id]);
  const [asked, setAsked] = useState<string | null>(null);
  // The product in view goes first: its job ahead of the queue, its calls ahead of the funnel's (priority 0).
  const decideNow = () =>
    call(api.products.decide({ ids: [product.id] }))
      .then((r) => setAsked(`Asked Amazon (job #${r.jobId}); the verdict updates when it is in.`))
      .catch((e: Error) => setAsked(e.message));
  const p = detail?.product ?? product;
  const decision = detail?.decision ?? null;
  const asin = decision?.verdict?.asin ?? p.asin;
  const answers = asin ? decision?.asins[asin] : undefined;
  const offers = answers?.offers ?? null;
  const restriction = answers?.restriction ?? null;
  const approval = restriction?.reasons.find((r) => r.approvalUrl)?.approvalUrl ?? p.restriction?.approvalUrl ?? null;

  const lead = (
    <>
      {(p.thumbnail || asin) && (
        <div className="drawer-id">
          {p.thumbnail && <img className="thumb-lg" src={p.thumbnail} alt="" width={64} height={64} />}
          {asin && (
            <p>
              <AsinLink asin={asin} tabbable />
            </p>
          )}
        </div>
      )}
      <section aria-label="Verdict" className="drawer-section">
        <h4>Verdict</h4>
        {p.verdict ? (
          <>
            <p>
              <VerdictBadge verdict={p.verdict} reasons={p.verdictReasons} />
              {p.packMultiplier && p.packMultiplier !== 1 ? (
                <span className="hint"> · {p.packMultiplier} supplier units per Amazon unit</span>
              ) : null}
            </p>
            {p.verdictReasons.length ? (
              <ul className="verdict-reasons" aria-label={`Why ${VERDICT_LABEL[p.verdict]}`}>
                {p.verdictReasons.map((r) => (
                  <li key={`${r.code}:${r.text}`} className={`sev-${r.severity}`}>
                    <span className="visually-hidden">{r.severity}: </span>
                    {r.text}
                    {r.url?.startsWith('https://') && (
                      <>
                        {' '}
                        <a href={r.url} target="_blank" rel="noreferrer">
                          {r.code === 'approval_required' ? 'Request approval' : 'Open'}
                        </a>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="hint">Nothing speaks against buying it.</p>
            )}
          </>
        ) : (
          <p className="hint">Not decided yet: it needs offers and restrictions from Amazon first.</p>
        )}
        <p>
          <button type="button" onClick={decideNow}>
            {p.verdict ? 'Check again with Amazon' : 'Decide now'}
          </button>{' '}
          <span role="status" className="hint">
            {asked}
          </span>
        </p>
      </section>
    </>
  );
  return (
    <FeeBreakdown product={p} onChanged={onChanged} onClose={onClose} lead={lead}>
      {error && <p role="alert">{error}</p>}
      {detail?.decisionError && <p role="alert">{detail.decisionError}</p>}
      <section aria-label="Offers" className="drawer-section">
        <h4>Offers</h4>
        {offers ? (
          <table className="fees">
            <tbody>
              <tr>
                <th scope="row">Buy Box</th>
                <td>
                  {fmtMoney(offers.buyBoxPrice)}
                  {offers.buyBoxWinner && <span className="hint"> ({WINNER[offers.buyBoxWinner]})</span>}
                </td>
              </tr>
              <tr>
                <th scope="row">FBA offers · lowest</th>
                <td>
                  {fmtInt(offers.fbaOffers)} · {fmtMoney(offers.lowestFba)}
                </td>
              </tr>
              <tr>
                <th scope="row">FBM offers · lowest</th>
                <td>
                  {fmtInt(offers.fbmOffers)} · {fmtMoney(offers.lowestFbm)}
                </td>
              </tr>
              <tr>
                <th scope="row">Amazon on listing</th>
                <td>{offers.amazonOnListing === null ? 'unknown' : offers.amazonOnListing ? 'yes' : 'no'}</td>
              </tr>
            </tbody>
          </table>
        ) : (
          <p className="hint">{detail ? 'No offers read yet.' : 'Loading…'}</p>
        )}
      </section>
      <section aria-label="Restrictions" className="drawer-section">
        <h4>Restrictions</h4>
        {restriction || p.restriction ? (
          <>
            <p>{RESTRICTION_TEXT[(restriction ?? p.restriction)!.status]}</p>
            {restriction?.reasons
              .filter((r) => r.message)
              .map((r, i) => (
                <p key={i} className="hint">
                  {r.message}
                </p>
              ))}
            {approval?.startsWith('https://') && (
              <p>
                <a href={approval} target="_blank" rel="noreferrer">
                  Request approval on Seller Central
                </a>
              </p>
            )}
          </>
        ) : (
          <p className="hint">{detail ? 'Not asked yet.' : 'Loading…'}</p>
        )}
      </section>
      {decision && decision.candidates.length > 0 && (
        <section aria-label="Candidate ASINs" className="drawer-section">
          <h4>Candidate ASINs</h4>
          <table className="fees">
            <thead>
              <tr>
                <th scope="col">ASIN</th>
                <th scope="col">Verdict</th>
                <th scope="col">ROI</th>
              </tr>
            </thead>
            <tbody>
              {decision.candidates.map((c) => (
                <tr key={c.asin}>
                  <th scope="row">
                    <AsinLink asin={c.asin} tabbable />
                    {c.chosen && <span className="hint"> (used)</span>}
                    <div className="hint">{decision.asins[c.asin]?.catalog?.title ?? ''}</div>
                  </th>
                  <td>{c.verdict ? VERDICT_LABEL[c.verdict] : '–'}</td>
                  <td>{fmtPct(c.roi)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section aria-label="Cost by supplier" className="drawer-section">
        <h4>Cost by supplier</h4>
        {detail?.costHistory.length ? (
          <table className="fees">
            <thead>
              <tr>
                <th scope="col">List</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {detail.costHistory.map((c) => (
                <tr key={`${c.importId}`}>
                  <th scope="row">
                    {c.supplier}
                    <div className="hint">
                      {date.format(c.at)} · {c.fileName}
                    </div>
                  </th>
                  <td>{fmtMoney(c.cost)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="hint">{detail ? 'No supplier list names this product yet.' : 'Loading…'}</p>
        )}
      </section>
    </FeeBreakdown>
  );
}
