// The local reference catalog's facts as the answers SP-API would give: an item-offers summary and a listing
// restriction, saved in the same tables (offer_summaries, listing_restrictions) so the verdict, the products table,
// the drawer and the charts read them exactly as they read Amazon's. Used by the decide job without credentials only.
import type { ReferenceFacts } from '../lookups/reference-facts.ts';
import type { ListingRestriction, OfferSummary } from './store.ts';

/** The seller id reference restrictions are saved under: never a real Merchant Token, so never read as Amazon's. */
export const REFERENCE_SELLER = 'reference-catalog';

/** The offers the reference row gives, or null when it says nothing of offers or the Buy Box. */
export function referenceOffers(
  f: ReferenceFacts,
  asin: string,
  marketplace: string,
  fetchedAt: number,
): OfferSummary | null {
  const known = [f.buyBox, f.buyBoxWinner, f.amazonOnListing, f.fbaOffers, f.fbmOffers, f.lowestFba, f.lowestFbm];
  if (known.every((v) => v === null)) return null;
  return {
    asin,
    marketplace,
    buyBoxPrice: f.buyBox,
    buyBoxWinner: f.buyBoxWinner,
    // Amazon holding the Buy Box means Amazon is on the listing, whatever the column says.
    amazonOnListing: f.buyBoxWinner === 'amazon' ? true : f.amazonOnListing,
    fbaOffers: f.fbaOffers,
    fbmOffers: f.fbmOffers,
    lowestFba: f.lowestFba,
    lowestFbm: f.lowestFbm,
    // Channels and counts, as getItemOffersBatch gives them (competitive pricing gives no channels).
    source: 'item_offers',
    fetchedAt,
  };
}

/** The restriction the reference row gives (with its approval link when gated), or null. */
export function referenceRestriction(
  f: ReferenceFacts,
  asin: string,
  marketplace: string,
  fetchedAt: number,
): ListingRestriction | null {
  const r = f.restriction;
  if (!r) return null;
  // No message: the verdict quotes a restriction's message as "Amazon says", and this one is not Amazon's word.
  return {
    asin,
    marketplace,
    sellerId: REFERENCE_SELLER,
    status: r.status,
    reasons:
      r.status === 'ok'
        ? []
        : [{ code: r.status.toUpperCase(), message: '', ...(r.approvalUrl ? { approvalUrl: r.approvalUrl } : {}) }],
    fetchedAt,
  };
}
