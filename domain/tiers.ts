// LOY-5 tier tables: data, one per fiscal year. A year without its own table uses the latest earlier one.

export type Tier = 1 | 2 | 3 | 4 | 5;

export interface TierBand {
  tier: Tier;
  /** Lowest average (inclusive) of the band. */
  minUsd: number;
  /** Highest average (inclusive); null for the open top band. */
  maxUsd: number | null;
  quarterlyCredits: number;
}

export interface TierTable {
  fiscalYear: number;
  bands: TierBand[];
}

export interface Bookings {
  fiscalYear: number;
  directUsd: number;
  indirectUsd: number;
}

/** The FY22 table from the public program page: $10M exactly is tier 1, $10,000,001 tier 2. */
export const FY22_TIER_TABLE: TierTable = {
  fiscalYear: 2022,
  bands: [
    { tier: 1, minUsd: 1_000_000, maxUsd: 10_000_000, quarterlyCredits: 75 },
    { tier: 2, minUsd: 10_000_001, maxUsd: 25_000_000, quarterlyCredits: 125 },
    { tier: 3, minUsd: 25_000_001, maxUsd: 50_000_000, quarterlyCredits: 200 },
    { tier: 4, minUsd: 50_000_001, maxUsd: 100_000_000, quarterlyCredits: 575 },
    { tier: 5, minUsd: 100_000_001, maxUsd: null, quarterlyCredits: 1_175 },
  ],
};

/**
 * The tier of a 3-year average, or null under the lowest band. Bands are matched by their inclusive
 * upper bound, so a fractional average just over $10M (10,000,000.5) is tier 2, as "over $10M" says.
 */
export function tierFor(averageUsd: number, table: TierTable = FY22_TIER_TABLE): Tier | null {
  const lowest = table.bands[0];
  if (!lowest || averageUsd < lowest.minUsd) return null;
  for (const band of table.bands) if (band.maxUsd === null || averageUsd <= band.maxUsd) return band.tier;
  return null;
}

export function quarterlyCreditsFor(tier: Tier, table: TierTable = FY22_TIER_TABLE): number {
  const band = table.bands.find((b) => b.tier === tier);
  if (!band) throw new RangeError(`tier ${tier} is not in the FY${table.fiscalYear} table`);
  return band.quarterlyCredits;
}

/** The table of `fy`, else the latest earlier one (LOY-5). */
export function tableForFiscalYear(tables: readonly TierTable[], fy: number): TierTable | undefined {
  let best: TierTable | undefined;
  for (const t of tables) if (t.fiscalYear <= fy && (!best || t.fiscalYear > best.fiscalYear)) best = t;
  return best;
}

/** Problems that make a table unusable; empty when it is valid. */
export function validateTierTable(table: TierTable): string[] {
  const problems: string[] = [];
  const { bands } = table;
  if (bands.length !== 5) problems.push('a table has exactly five bands, tiers 1 to 5');
  bands.forEach((band, i) => {
    if (band.tier !== i + 1) problems.push(`band ${i + 1} must be tier ${i + 1}`);
    if (!Number.isInteger(band.quarterlyCredits) || band.quarterlyCredits <= 0) problems.push(`tier ${band.tier}: quarterly credits must be a positive whole number`);
    if (!(band.minUsd >= 0)) problems.push(`tier ${band.tier}: minimum must be zero or more`);
    if (band.maxUsd !== null && band.maxUsd < band.minUsd) problems.push(`tier ${band.tier}: maximum is below its minimum`);
    const last = i === bands.length - 1;
    if (last && band.maxUsd !== null) problems.push(`tier ${band.tier}: the top band is open (no maximum)`);
    if (!last && band.maxUsd === null) problems.push(`tier ${band.tier}: only the top band may be open`);
    const next = bands[i + 1];
    if (next && band.maxUsd !== null && next.minUsd !== band.maxUsd + 1) problems.push(`tier ${next.tier} must start one dollar above tier ${band.tier}'s maximum`);
  });
  return problems;
}

/** The average of direct + indirect bookings over `years`; a missing year counts as zero. */
export function threeYearAverageUsd(bookings: readonly Bookings[], years: readonly number[]): number {
  if (years.length === 0) return 0;
  const total = years.reduce((sum, fy) => {
    const b = bookings.find((x) => x.fiscalYear === fy);
    return sum + (b ? b.directUsd + b.indirectUsd : 0);
  }, 0);
  return total / years.length;
}
