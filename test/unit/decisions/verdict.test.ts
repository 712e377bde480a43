// The verdict: every reason code from its own input, the precedence skip > check > buy, and the choice of candidate.
import { describe, expect, it } from 'vitest';
import { REASON_CODES, type ReasonCode } from '../../../main/decisions/reasons.ts';
import {
  chooseCandidate,
  decide,
  DEFAULT_THRESHOLDS,
  hazmatFrom,
  thresholdsFromSettings,
  type Candidate,
  type DecisionThresholds,
  type VerdictInput,
} from '../../../main/decisions/verdict.ts';
import { defaultSettings } from '../../../main/settings/schema.ts';

/** A product that is a clean buy: every answer known and good. */
function good(): VerdictInput {
  return {
    numbers: {
      profit: 6,
      roi: 0.6,
      margin: 0.25,
      salesRank: 5000,
      estSalesMid: 120,
      sellPrice: 24.99,
      buyBoxPrice: 24.99,
    },
    pack: { multiplier: 1, reason: null },
    restriction: { status: 'ok' },
    offers: {
      amazonOnListing: false,
      fbaOffers: 4,
      fbmOffers: 1,
      lowestFba: 24.99,
      lowestFbm: 26,
      buyBoxWinner: 'fba',
    },
    hazmat: 'none',
  };
}

type Change = (i: VerdictInput) => void;
const CASES: [ReasonCode, 'skip' | 'check' | 'info', Change, RegExp, Partial<DecisionThresholds>?][] = [
  [
    'not_eligible',
    'skip',
    (i) => (i.restriction = { status: 'not_eligible', message: 'Brand restricted' }),
    /not allowed.*"Brand restricted"/,
  ],
  ['asin_not_found', 'skip', (i) => (i.restriction = { status: 'asin_not_found' }), /does not know this ASIN/],
  [
    'approval_required',
    'check',
    (i) =>
      (i.restriction = {
        status: 'approval_required',
        approvalUrl: 'https://sellercentral.amazon.com/hz/approvalrequest?asin=B000000001',
      }),
    /Gated/,
  ],
  ['restriction_unknown', 'check', (i) => (i.restriction = null), /Not checked yet/],
  ['amazon_on_listing', 'skip', (i) => (i.offers!.amazonOnListing = true), /^Amazon sells on this listing\.$/],
  [
    'too_many_fba_offers',
    'skip',
    (i) => ((i.offers!.fbaOffers = 23), (i.numbers.estSalesMid = 40)),
    /^23 FBA offers for about 40 sales a month: about 1\.7 a month each if you join \(target 3\)\.$/,
  ],
  ['offers_unknown', 'check', (i) => (i.offers = null), /Offers not fetched/],
  ['no_buy_box', 'check', (i) => (i.numbers.buyBoxPrice = null), /No Buy Box right now; figured at \$24\.99/],
  [
    'price_unknown',
    'skip',
    (i) => (
      (i.numbers.buyBoxPrice = null),
      (i.numbers.sellPrice = null),
      (i.offers!.lowestFba = null),
      (i.offers!.lowestFbm = null)
    ),
    /No price/,
  ],
  ['cost_unknown', 'check', (i) => ((i.numbers.roi = null), (i.numbers.profit = null)), /No supplier cost/],
  ['roi_below_target', 'skip', (i) => (i.numbers.roi = 0.18), /^ROI 18% is below your 30% target\.$/],
  [
    'profit_below_target',
    'skip',
    (i) => (i.numbers.profit = 1.5),
    /^Profit \$1\.50 a unit is below your \$3\.00 target\.$/,
  ],
  [
    'rank_above_target',
    'skip',
    (i) => (i.numbers.salesRank = 250000),
    /250,000 is worse than your 100,000 limit/,
    { maxRank: 100000 },
  ],
  ['rank_unknown', 'check', (i) => (i.numbers.salesRank = null), /No sales rank/],
  [
    'pack_mismatch',
    'check',
    (i) =>
      (i.pack = {
        multiplier: null,
        reason: { code: 'pack_mismatch', severity: 'check', text: 'Amazon sells a 4-pack; …' },
      }),
    /4-pack/,
  ],
  [
    'pack_multiple',
    'info',
    (i) => (i.pack = { multiplier: 2, reason: { code: 'pack_multiple', severity: 'info', text: 'cost × 2' } }),
    /cost × 2/,
  ],
  [
    'case_split',
    'info',
    (i) => (i.pack = { multiplier: 0.25, reason: { code: 'case_split', severity: 'info', text: 'cost ÷ 4' } }),
    /cost ÷ 4/,
  ],
  [
    'pack_assumed',
    'info',
    (i) => (i.pack = { multiplier: 1, reason: { code: 'pack_assumed', severity: 'info', text: 'taken as one' } }),
    /taken as one/,
  ],
  ['hazmat_review', 'check', (i) => (i.hazmat = 'review'), /hazmat/],
  ['hazmat_ineligible', 'skip', (i) => (i.hazmat = 'ineligible'), /will not take/],
  ['hazmat_unknown', 'check', (i) => (i.hazmat = null), /not checked yet/],
];

describe('decide', () => {
  it('a product with every answer known and good is a buy with no reasons', () => {
    expect(decide(good())).toEqual({ verdict: 'buy', reasons: [] });
  });

  it.each(CASES)('%s alone → %s', (code, severity, change, text, thresholds) => {
    const input = good();
    change(input);
    const d = decide(input, { ...DEFAULT_THRESHOLDS, ...thresholds });
    expect(d.reasons.map((r) => r.code)).toEqual([code]);
    expect(d.reasons[0]!.severity).toBe(severity);
    expect(d.reasons[0]!.text).toMatch(text);
    expect(d.verdict).toBe(severity === 'info' ? 'buy' : severity);
  });

  it('covers every reason code the verdict can give (no_asin belongs to the funnel)', () => {
    const covered = new Set(CASES.map((c) => c[0]));
    expect(REASON_CODES.filter((c) => !covered.has(c))).toEqual(['no_asin']);
  });

  it('the approval reason carries Amazon’s approval link', () => {
    const i = good();
    i.restriction = {
      status: 'approval_required',
      message: 'Approval required',
      approvalUrl: 'https://example.test/approve',
    };
    expect(decide(i).reasons[0]).toMatchObject({
      url: 'https://example.test/approve',
      text: expect.stringMatching(/"Approval required"/),
    });
  });

  it('any skip beats any number of checks; checks beat notes', () => {
    const i = good();
    i.restriction = { status: 'approval_required' };
    i.hazmat = 'review';
    i.numbers.buyBoxPrice = null;
    expect(decide(i).verdict).toBe('check');
    i.numbers.roi = 0.1;
    const d = decide(i);
    expect(d.verdict).toBe('skip');
    expect(d.reasons.map((r) => r.code)).toEqual([
      'approval_required',
      'no_buy_box',
      'roi_below_target',
      'hazmat_review',
    ]);
  });

  it('Amazon holding the Buy Box counts as Amazon on the listing; with avoid off it is a note', () => {
    const i = good();
    i.offers!.amazonOnListing = null;
    i.offers!.buyBoxWinner = 'amazon';
    expect(decide(i).reasons).toEqual([
      { code: 'amazon_on_listing', severity: 'skip', text: 'Amazon sells on this listing and holds the Buy Box.' },
    ]);
    expect(decide(i, { ...DEFAULT_THRESHOLDS, avoidAmazonOnListing: false })).toMatchObject({
      verdict: 'buy',
      reasons: [{ code: 'amazon_on_listing', severity: 'info' }],
    });
  });

  it('unknowns are checks by default and notes when the seller says so', () => {
    const i = good();
    i.restriction = null;
    i.offers = null;
    i.hazmat = null;
    i.numbers.salesRank = null;
    expect(decide(i).verdict).toBe('check');
    const relaxed = decide(i, { ...DEFAULT_THRESHOLDS, unknownIsCheck: false });
    expect(relaxed.verdict).toBe('buy');
    expect(relaxed.reasons.map((r) => r.code)).toEqual([
      'restriction_unknown',
      'rank_unknown',
      'offers_unknown',
      'hazmat_unknown',
    ]);
  });

  it('a price comes from the offers when there is no Buy Box: check, not skip; no offers yet: check', () => {
    const i = good();
    i.numbers.buyBoxPrice = null;
    i.numbers.sellPrice = null;
    i.numbers.roi = null;
    i.numbers.profit = null;
    i.offers!.lowestFba = 19.5;
    expect(decide(i)).toMatchObject({
      verdict: 'check',
      reasons: [{ code: 'price_unknown', text: expect.stringMatching(/\$19\.50/) }],
    });
    i.offers = null;
    expect(decide(i).reasons[0]).toMatchObject({ code: 'price_unknown', severity: 'check' });
  });

  it('with a mismatched pack, low ROI and profit only warn: the figures assume one unit', () => {
    const i = good();
    i.pack = { multiplier: null, reason: { code: 'pack_mismatch', severity: 'check', text: 'mismatch' } };
    i.numbers.roi = 0.1;
    i.numbers.profit = 1;
    const d = decide(i);
    expect(d.verdict).toBe('check');
    expect(d.reasons.find((r) => r.code === 'roi_below_target')).toMatchObject({
      severity: 'check',
      text: expect.stringMatching(/pack does not match/),
    });
  });

  it('the FBA crowding rule: at the limit passes, below it skips, 0 turns it off, no sales no judgement', () => {
    const i = good();
    i.offers!.fbaOffers = 9;
    i.numbers.estSalesMid = 30; // 30 / 10 = 3 a month each: exactly the target
    expect(decide(i).verdict).toBe('buy');
    i.numbers.estSalesMid = 29;
    expect(decide(i).verdict).toBe('skip');
    expect(decide(i, { ...DEFAULT_THRESHOLDS, minSalesPerFbaOffer: 0 }).verdict).toBe('buy');
    i.numbers.estSalesMid = null;
    expect(decide(i).verdict).toBe('buy');
  });

  it('the thresholds come from the settings, whose defaults match DEFAULT_THRESHOLDS', () => {
    expect(thresholdsFromSettings(defaultSettings())).toEqual(DEFAULT_THRESHOLDS);
    expect(
      thresholdsFromSettings({ ...defaultSettings(), targetMinRoi: 0.5, decisionAvoidAmazonOnListing: false }),
    ).toMatchObject({
      minRoi: 0.5,
      avoidAmazonOnListing: false,
    });
  });
});

describe('hazmatFrom', () => {
  it('eligibility wins over the catalog hints; the hints stand in when eligibility is unknown', () => {
    expect(hazmatFrom({ status: 'eligible' }, { status: 'review' })).toBe('none');
    expect(hazmatFrom({ status: 'review' }, { status: 'none' })).toBe('review');
    expect(hazmatFrom({ status: 'ineligible' }, null)).toBe('ineligible');
    expect(hazmatFrom(null, { status: 'review' })).toBe('review');
    expect(hazmatFrom(null, { status: 'none' })).toBe('none');
    expect(hazmatFrom(null, null)).toBeNull();
  });
});

describe('chooseCandidate', () => {
  const c = (
    asin: string,
    verdict: Candidate['verdict'],
    profit: number | null,
    estSales: number | null,
  ): Candidate => ({
    asin,
    verdict,
    profit,
    roi: profit === null ? null : profit / 10,
    estSales,
  });

  it('buy beats check beats skip, whatever the profit', () => {
    const list = [c('B000000003', 'skip', 50, 100), c('B000000002', 'check', 20, 100), c('B000000001', 'buy', 2, 10)];
    expect(chooseCandidate(list)).toEqual({ chosen: list[2], by: 'best' });
    expect(chooseCandidate(list.slice(0, 2)).chosen?.asin).toBe('B000000002');
  });

  it('within a verdict, the highest expected monthly profit; unknown sales after, by profit', () => {
    const list = [
      c('B00000000A', 'buy', 10, 5), // 50 a month
      c('B00000000B', 'buy', 3, 40), // 120 a month
      c('B00000000C', 'buy', 30, null),
    ];
    expect(chooseCandidate(list).chosen?.asin).toBe('B00000000B');
    expect(chooseCandidate([list[2]!, c('B00000000D', 'buy', 40, null)]).chosen?.asin).toBe('B00000000D');
  });

  it('ties fall to the ASIN, so the pick does not depend on the order given', () => {
    const a = c('B00000000Z', 'check', 5, 10);
    const b = c('B00000000Y', 'check', 5, 10);
    expect(chooseCandidate([a, b]).chosen?.asin).toBe('B00000000Y');
    expect(chooseCandidate([b, a]).chosen?.asin).toBe('B00000000Y');
  });

  it("the seller's override wins even over a better verdict; an unknown override falls back with a note", () => {
    const list = [c('B000000001', 'buy', 9, 100), c('B000000002', 'skip', 1, 1)];
    expect(chooseCandidate(list, 'B000000002')).toEqual({ chosen: list[1], by: 'override' });
    const miss = chooseCandidate(list, 'B0000000ZZ');
    expect(miss.chosen?.asin).toBe('B000000001');
    expect(miss.by).toBe('best');
    expect(miss.note).toMatch(/B0000000ZZ is not among/);
  });

  it('no candidates: nothing chosen', () => {
    expect(chooseCandidate([])).toEqual({ chosen: null, by: 'none' });
  });
});
