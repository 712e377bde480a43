// The funnel: which products get the scarce offers call, and in what order.
import { describe, expect, it } from 'vitest';
import { firstCut, offersOrder, type FirstCutInput } from '../../../main/decisions/funnel.ts';

const ok = (): FirstCutInput => ({
  asin: 'B000000001',
  restriction: 'ok',
  hazmat: 'none',
  roi: 0.4,
  profit: 5,
  packMultiplier: 1,
});
const opts = { minRoi: 0.3 };

describe('firstCut', () => {
  it('a product that may be a buy gets its offers', () => {
    expect(firstCut(ok(), opts)).toEqual({ fetchOffers: true, reasons: [] });
  });
  it.each<[string, Partial<FirstCutInput>, string]>([
    ['no ASIN', { asin: null }, 'no_asin'],
    ['not eligible', { restriction: 'not_eligible' }, 'not_eligible'],
    ['ASIN unknown to Amazon', { restriction: 'asin_not_found' }, 'asin_not_found'],
    ['refused by FBA', { hazmat: 'ineligible' }, 'hazmat_ineligible'],
    ['ROI far below target at the Buy Box', { roi: 0.19 }, 'roi_below_target'],
    ['a loss at the Buy Box', { roi: 0.3, profit: -0.5 }, 'profit_below_target'],
  ])('%s: no offers call', (_, change, code) => {
    const cut = firstCut({ ...ok(), ...change }, opts);
    expect(cut.fetchOffers).toBe(false);
    expect(cut.reasons.map((r) => r.code)).toEqual([code]);
    expect(cut.reasons[0]!.severity).toBe('skip');
  });
  it.each<[string, Partial<FirstCutInput>]>([
    ['gated: the seller may apply', { restriction: 'approval_required' }],
    ['restrictions not known yet', { restriction: null }],
    ['ROI a little below target (within the slack)', { roi: 0.21 }],
    ['no price yet: offers may give one', { roi: null, profit: null }],
    ['a mismatched pack: the figures cannot be trusted to cut on', { roi: -0.5, profit: -3, packMultiplier: null }],
    ['hazmat review', { hazmat: 'review' }],
  ])('%s: offers are fetched', (_, change) => {
    expect(firstCut({ ...ok(), ...change }, opts).fetchOffers).toBe(true);
  });
  it('the slack can be set', () => {
    expect(firstCut({ ...ok(), roi: 0.25 }, { minRoi: 0.3, roiSlack: 0 }).fetchOffers).toBe(false);
    expect(firstCut({ ...ok(), roi: 0.1 }, { minRoi: 0.3, roiSlack: 0.25 }).fetchOffers).toBe(true);
  });
});

describe('offersOrder', () => {
  it('highest expected monthly profit first, unknown sales after by profit, unknown profit last', () => {
    const list = [
      { asin: 'B00000000A', profit: 10, estSalesMid: 5 }, // 50
      { asin: 'B00000000B', profit: null, estSalesMid: 500 },
      { asin: 'B00000000C', profit: 2, estSalesMid: 100 }, // 200
      { asin: 'B00000000D', profit: 30, estSalesMid: null },
      { asin: 'B00000000E', profit: 8, estSalesMid: null },
      { asin: 'B00000000F', profit: -1, estSalesMid: 10 }, // -10
    ];
    expect(offersOrder(list).map((x) => x.asin)).toEqual([
      'B00000000C',
      'B00000000A',
      'B00000000F',
      'B00000000D',
      'B00000000E',
      'B00000000B',
    ]);
    expect(list[0]!.asin).toBe('B00000000A'); // the input is not reordered
  });
  it('each ASIN once, its best entry kept (a batch may not hold an ASIN twice); ties keep input order', () => {
    const out = offersOrder([
      { asin: 'B000000001', profit: 1, estSalesMid: 10, id: 1 },
      { asin: 'B000000002', profit: 1, estSalesMid: 10, id: 2 },
      { asin: 'B000000001', profit: 5, estSalesMid: 10, id: 3 },
    ]);
    expect(out.map((x) => x.id)).toEqual([3, 2]);
  });
});
