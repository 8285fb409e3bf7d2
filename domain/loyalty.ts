// Loyalty-account dates and amounts (LOY-4 … LOY-8), built on the calendar and the tier tables.
import { fiscalQuarterOf, fiscalYearOf, priorFiscalYears, type FiscalQuarter, type IsoDate } from './calendar';
import { quarterlyCreditsFor, threeYearAverageUsd, tierFor, type Bookings, type Tier, type TierTable } from './tiers';

/** An award quarter's business id, e.g. FY2027Q3: it names the award's lot and notice. */
export const quarterLabel = ({ fy, q }: FiscalQuarter) => `FY${fy}Q${q}`;
export const awardQuarterOf = (awardDate: IsoDate) => quarterLabel(fiscalQuarterOf(awardDate));

/** LOY-6: the August day on which fiscal year `fy`'s tier is set (August of the year it starts in). */
export function retierDateOf(fy: number, retierDay = 31): IsoDate {
  if (!Number.isInteger(retierDay) || retierDay < 1 || retierDay > 31) throw new RangeError(`re-tier day must be 1..31, not ${retierDay}`);
  return `${String(fy - 1).padStart(4, '0')}-08-${String(retierDay).padStart(2, '0')}`;
}

/** The first re-tier date strictly after `date`. */
export function nextRetierDateAfter(date: IsoDate, retierDay = 31): IsoDate {
  const thisYears = retierDateOf(fiscalYearOf(date), retierDay);
  return thisYears > date ? thisYears : retierDateOf(fiscalYearOf(date) + 1, retierDay);
}

export interface TierDecision {
  tier: Tier | null;
  averageUsd: number;
  quarterlyCredits: number;
}

/**
 * LOY-5, LOY-6: the tier for the fiscal year `asOf` falls in, from the three fiscal years before it and
 * that year's table. Under the minimum: no tier and no credits that year.
 */
export function decideTier(bookings: readonly Bookings[], asOf: IsoDate, table: TierTable): TierDecision {
  const averageUsd = threeYearAverageUsd(bookings, priorFiscalYears(asOf));
  const tier = tierFor(averageUsd, table);
  return { tier, averageUsd, quarterlyCredits: tier === null ? 0 : quarterlyCreditsFor(tier, table) };
}

/** Bookings with `update` merged in (a later report of a year replaces it), only the latest `keep` years. */
export function mergeBookings(bookings: readonly Bookings[], update: Bookings, keep = 4): Bookings[] {
  const merged = [...bookings.filter((b) => b.fiscalYear !== update.fiscalYear), update].sort((a, b) => a.fiscalYear - b.fiscalYear);
  return merged.slice(-keep);
}
