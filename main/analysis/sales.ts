import curves from './sales-curves.json' with { type: 'json' };

/** Estimated units per month as a range, from a sales rank with a per-category power law (replaceable data file). */
export function estimateMonthlySales(rank: number, category: string): { low: number; mid: number; high: number } {
  const c = (curves.categories as Record<string, { a: number; b: number }>)[category] ?? curves.default;
  const mid = c.a * Math.pow(rank, -c.b);
  return { low: Math.floor(mid * curves.band.low), mid: Math.round(mid), high: Math.ceil(mid * curves.band.high) };
}
