import { afterEach, describe, expect, it } from 'vitest';
import { createScheduler } from '../../../main/lookups/scheduler.ts';
import { createLwaAuth } from '../../../main/lookups/sp-api/auth.ts';
import { createSpApiProvider } from '../../../main/lookups/sp-api/catalog.ts';
import { CREDENTIALS, startSpApiDouble, type DoubleItem, type SpApiDouble } from '../../support/spapi-double.ts';

// What the same searchCatalogItems call now brings besides the ASIN: pack quantity, variations, every rank, hazmat.
let api: SpApiDouble;
afterEach(async () => api?.close());

const signal = new AbortController().signal;
async function lookup(items: DoubleItem[], gtins: string[]) {
  api = await startSpApiDouble({ items });
  const scheduler = createScheduler();
  const provider = createSpApiProvider({
    auth: createLwaAuth({ credentials: CREDENTIALS, tokenUrl: api.tokenUrl }),
    limiter: scheduler.limiter('searchCatalogItems', 0),
    marketplace: 'US',
    endpoint: api.endpoint,
  });
  return provider.lookup(gtins, signal);
}

describe('catalog details from searchCatalogItems', () => {
  it('reads pack quantity, variation, all ranks and dangerous-goods hints', async () => {
    const [answer] = await lookup(
      [
        {
          asin: 'B0CHILD001',
          identifiers: [{ type: 'UPC', value: '036000291452' }],
          rank: 1200,
          salesRanks: [
            { classificationId: '166064011', title: 'Puzzles', rank: 33 },
            { classificationId: '251920011', title: 'Jigsaw Puzzles', rank: 7 },
          ],
          packageQuantity: 6,
          numberOfItems: 12,
          parentAsin: 'B0PARENT01',
          variationTheme: 'SIZE_NAME/COLOR_NAME',
          hazmat: { regulation: 'transportation', unNumber: 'UN3481', lithium: true },
        },
        {
          asin: 'B0PARENT01',
          identifiers: [{ type: 'UPC', value: '036000291452' }],
          childAsins: ['B0CHILD001'],
          variationTheme: 'SIZE_NAME/COLOR_NAME',
        },
      ],
      ['00036000291452'],
    );
    const [child, parent] = answer!.matches;
    expect(child).toMatchObject({
      asin: 'B0CHILD001',
      salesRank: 1200,
      packageQuantity: 6,
      numberOfItems: 12,
      parentAsin: 'B0PARENT01',
      variationTheme: 'SIZE_NAME/COLOR_NAME',
      isVariationParent: false,
      salesRanks: [
        { kind: 'group', id: 'toy_display_on_website', title: 'Toys & Games', rank: 1200 },
        { kind: 'classification', id: '166064011', title: 'Puzzles', rank: 33 },
        { kind: 'classification', id: '251920011', title: 'Jigsaw Puzzles', rank: 7 },
      ],
    });
    expect(child!.hazmat?.status).toBe('review');
    expect(child!.hazmat?.reasons).toEqual(
      expect.arrayContaining([
        'declared dangerous-goods regulation: transportation',
        'hazmat united_nations_regulatory_id: UN3481',
        'battery cells: lithium_ion',
      ]),
    );
    expect(parent).toMatchObject({
      asin: 'B0PARENT01',
      isVariationParent: true,
      hazmat: { status: 'none', reasons: [] },
    });
    expect(parent!.salesRank).toBeNull();
    expect(parent!.parentAsin).toBeUndefined();
  });

  it('a GHS class alone is enough for review; "not_applicable" is not', async () => {
    const [answer] = await lookup(
      [
        { asin: 'B0AEROSOL1', identifiers: [{ type: 'UPC', value: '036000291452' }], hazmat: { ghs: ['flammable'] } },
        { asin: 'B0PLAIN001', identifiers: [{ type: 'UPC', value: '036000291452' }], hazmat: { ghs: ['none'] } },
      ],
      ['00036000291452'],
    );
    expect(answer!.matches.map((m) => [m.asin, m.hazmat])).toEqual([
      ['B0AEROSOL1', { status: 'review', reasons: ['GHS class: flammable'] }],
      ['B0PLAIN001', { status: 'none', reasons: [] }],
    ]);
  });

  it('skips malformed optional fields and keeps the match', async () => {
    const [answer] = await lookup(
      [
        {
          asin: 'B0ODDITEM1',
          title: 'Odd item',
          identifiers: [{ type: 'UPC', value: '036000291452' }],
          rank: 55,
          rawAttributes: {
            item_package_quantity: [{ value: 'lots' }],
            number_of_items: 'twelve',
            hazmat: 5,
            ghs: [{ classification: 'flammable' }],
            supplier_declared_dg_hz_regulation: [null, { value: 42 }, { value: 'ghs' }],
          },
        },
      ],
      ['00036000291452'],
    );
    expect(answer!.error).toBeUndefined();
    const [m] = answer!.matches;
    expect(m).toMatchObject({ asin: 'B0ODDITEM1', title: 'Odd item', salesRank: 55 });
    expect(m!.packageQuantity).toBeUndefined();
    expect(m!.numberOfItems).toBeUndefined();
    // The one readable declaration still counts.
    expect(m!.hazmat).toEqual({ status: 'review', reasons: ['declared dangerous-goods regulation: ghs'] });
  });
});
