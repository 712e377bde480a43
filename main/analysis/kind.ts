// The analysis domain's job kinds: `analysis` (fees, profit, ROI) and `pricing` (Amazon's Buy Box and fee estimate).
import { defineJobKind } from '../queue/kinds.ts';
import { pricingPayloadSchema, type PricingJobResult, type PricingPayload } from './pricing-task.ts';
import { analysisPayloadSchema, type AnalysisJobResult, type AnalysisPayload } from './task.ts';

declare module '../queue/kinds.ts' {
  interface JobKinds {
    analysis: { payload: AnalysisPayload; result: AnalysisJobResult };
    pricing: { payload: PricingPayload; result: PricingJobResult };
  }
}

export const analysisKind = defineJobKind({ kind: 'analysis', payload: analysisPayloadSchema, label: 'Analysis' });

export const pricingKind = defineJobKind({
  kind: 'pricing',
  payload: pricingPayloadSchema,
  label: 'Amazon prices',
  // Shares the seller's SP-API rate limits with the lookups.
  concurrency: 1,
});
