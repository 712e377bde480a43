// PALLET_SPAPI_RATE_SCALE: a test double's faster usage plans for the worker's scheduler, honoured only with a test
// endpoint, and never passed to an installed app's workers.
import { describe, expect, it } from 'vitest';
import { rateScaleOf, scaledRates } from '../../../main/lookups/providers.ts';
import { SPAPI_OPERATIONS } from '../../../main/lookups/scheduler.ts';
import { allowlistEnv, DEVELOPMENT_ONLY_ENV } from '../../../main/workers/launcher.ts';

describe('rateScaleOf', () => {
  it('honours the scale only when PALLET_SPAPI_ENDPOINT points at another server (a double)', () => {
    expect(rateScaleOf({ PALLET_SPAPI_RATE_SCALE: '20', PALLET_SPAPI_ENDPOINT: 'http://127.0.0.1:9' })).toBe(20);
    expect(rateScaleOf({ PALLET_SPAPI_RATE_SCALE: '20' })).toBe(1);
    expect(rateScaleOf({ PALLET_SPAPI_ENDPOINT: 'http://127.0.0.1:9' })).toBe(1);
  });

  it('ignores a scale that is not a positive number up to 1000', () => {
    for (const bad of ['0', '-2', 'fast', '', '1e9', 'Infinity'])
      expect(rateScaleOf({ PALLET_SPAPI_RATE_SCALE: bad, PALLET_SPAPI_ENDPOINT: 'http://x' }), bad).toBe(1);
  });
});

describe('scaledRates', () => {
  it('multiplies every rate and burst by k (burst at least 1), and is nothing at k = 1', () => {
    expect(scaledRates(1)).toBeUndefined();
    const r = scaledRates(20)!;
    expect(Object.keys(r).sort()).toEqual(Object.keys(SPAPI_OPERATIONS).sort());
    expect(r.getListingsRestrictions).toEqual({ ratePerSec: 100, burst: 200 });
    expect(r.getItemOffersBatch).toEqual({ ratePerSec: 2, burst: 20 });
    expect(scaledRates(0.5)!.getItemOffersBatch).toEqual({ ratePerSec: 0.05, burst: 1 });
  });
});

describe('an installed app', () => {
  it('drops the rate scale from its workers, with the endpoints', () => {
    expect(DEVELOPMENT_ONLY_ENV).toContain('PALLET_SPAPI_RATE_SCALE');
    const source = { PALLET_SPAPI_RATE_SCALE: '20', PALLET_SPAPI_ENDPOINT: 'http://127.0.0.1:9', PALLET_X: '1' };
    expect(allowlistEnv(source)).toEqual(source);
    expect(allowlistEnv(source, [], { packaged: true })).toEqual({ PALLET_X: '1' });
  });
});
