import { describe, expect, it } from 'vitest';
import { factColumns, parseFacts, readFacts } from '../../../main/lookups/reference-facts.ts';
import { referenceOffers, referenceRestriction, REFERENCE_SELLER } from '../../../main/decisions/reference.ts';

const HEADERS = ['UPC', 'ASIN', 'Sales Rank', 'Category', 'Buy Box', 'Buy Box Seller', 'FBA Offers', 'FBM Offers'];
const MORE = ['Amazon On Listing', 'Restriction', 'Approval URL', 'Hazmat'];

describe('reference catalog facts', () => {
  it('finds the fact columns by their usual names, whatever the spacing and case', () => {
    expect(factColumns(['upc', 'asin', 'BSR', 'root category', 'buy_box_price', 'GATED', 'approval-link'])).toEqual({
      salesRank: 2,
      category: 3,
      buyBox: 4,
      restriction: 5,
      approvalUrl: 6,
    });
    expect(factColumns(['UPC', 'ASIN', 'Title'])).toEqual({});
  });

  it('reads a row: rank, offers, a gated restriction with its https approval link, hazmat', () => {
    const cols = factColumns([...HEADERS, ...MORE]);
    const url = 'https://sellercentral.amazon.com/hz/approvalrequest?asin=B0SAMP0003';
    const { facts, bad } = readFacts(
      [
        '1',
        'B0SAMP0003',
        '12,000',
        'Office Products',
        '$31.99',
        'FBA',
        '2',
        '0',
        'no',
        'Approval required',
        url,
        'none',
      ],
      cols,
    );
    expect(bad).toBe(0);
    expect(facts).toEqual({
      salesRank: 12000,
      category: 'Office Products',
      hazmat: 'none',
      buyBox: 31.99,
      buyBoxWinner: 'fba',
      amazonOnListing: false,
      fbaOffers: 2,
      fbmOffers: 0,
      lowestFba: null,
      lowestFbm: null,
      restriction: { status: 'approval_required', approvalUrl: url },
    });
    // What is written is what is read back.
    expect(parseFacts(JSON.stringify(facts))).toEqual(facts);
  });

  it('drops and counts unreadable cells, keeps the rest; a row with no facts gives null', () => {
    const cols = factColumns([...HEADERS, ...MORE]);
    const { facts, bad } = readFacts(
      [
        '1',
        'B0SAMP0003',
        'top',
        'Toys',
        '-3',
        'someone',
        '2.5',
        '1',
        'maybe',
        'gated',
        'http://evil.example/x',
        'boom',
      ],
      cols,
    );
    expect(bad).toBe(7);
    expect(facts).toMatchObject({
      salesRank: null,
      category: 'Toys',
      buyBox: null,
      buyBoxWinner: null,
      fbaOffers: null,
      fbmOffers: 1,
      amazonOnListing: null,
      hazmat: null,
      // Gated, but a link that is not https is never kept: the window opens approval links in the browser.
      restriction: { status: 'approval_required', approvalUrl: null },
    });
    expect(readFacts(['1', 'B0SAMP0003', '', '', '', '', '', '', '', '', '', ''], cols)).toEqual({
      facts: null,
      bad: 0,
    });
  });

  it('a stored cell that is not what Pallet writes reads as no facts', () => {
    expect(parseFacts('not json')).toBeNull();
    expect(parseFacts(JSON.stringify({ salesRank: -1 }))).toBeNull();
    expect(parseFacts(null)).toBeNull();
  });

  it('becomes an item-offers summary and a reference-seller restriction; nothing when the row says nothing of them', () => {
    const cols = factColumns([...HEADERS, ...MORE]);
    const { facts } = readFacts(
      ['1', 'B0SAMP0002', '3400', 'Home', '13.99', 'amazon', '9', '3', 'no', 'ok', '', ''],
      cols,
    );
    expect(referenceOffers(facts!, 'B0SAMP0002', 'US', 5)).toEqual({
      asin: 'B0SAMP0002',
      marketplace: 'US',
      buyBoxPrice: 13.99,
      buyBoxWinner: 'amazon',
      // Amazon holding the Buy Box is Amazon on the listing.
      amazonOnListing: true,
      fbaOffers: 9,
      fbmOffers: 3,
      lowestFba: null,
      lowestFbm: null,
      source: 'item_offers',
      fetchedAt: 5,
    });
    expect(referenceRestriction(facts!, 'B0SAMP0002', 'US', 5)).toEqual({
      asin: 'B0SAMP0002',
      marketplace: 'US',
      sellerId: REFERENCE_SELLER,
      status: 'ok',
      reasons: [],
      fetchedAt: 5,
    });
    const rankOnly = readFacts(['1', 'B0SAMP0002', '3400', '', '', '', '', '', '', '', '', ''], cols).facts!;
    expect(referenceOffers(rankOnly, 'B0SAMP0002', 'US', 5)).toBeNull();
    expect(referenceRestriction(rankOnly, 'B0SAMP0002', 'US', 5)).toBeNull();
  });
});
