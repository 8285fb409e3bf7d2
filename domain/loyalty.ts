// Customer Loyalty rules (LOY-1 … LOY-11): award and re-tier dates, nominations, tier tables, eligibility.
// Pure: used inside workflows and by the API alike.
import { fiscalQuarterOf, fiscalYearOf, priorFiscalYears, type FiscalQuarter, type IsoDate } from './calendar';
import { missingBookingYears } from './loyaltyBookings';
import { companyReasons, membersOf, type Nomination } from './loyaltyGroups';

export { BOOKINGS_REMINDER_DAYS, bookingsReminderDate, futureBookingsYearProblem, missingBookingYears } from './loyaltyBookings';
export { combineBookings, companyReasons, membersOf } from './loyaltyGroups';
export type { CompanyNomination, GroupNomination, MemberCompany, Nomination } from './loyaltyGroups';

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
  return decisionOf(threeYearAverageUsd(bookings, priorFiscalYears(asOf)), table);
}

/**
 * The decision v0.1.0 made, a missing year counted as $0. Only for replaying runs recorded before LOY-6 was
 * amended (their next commands followed from it); never for a new decision.
 */
export function decideTierAsReleased(bookings: readonly Bookings[], asOf: IsoDate, table: TierTable): TierDecision {
  const years = priorFiscalYears(asOf);
  const total = years.reduce((sum, fy) => sum + totalOf(bookings.find((b) => b.fiscalYear === fy)), 0);
  return decisionOf(total / years.length, table);
}

function decisionOf(averageUsd: number, table: TierTable): TierDecision {
  const tier = tierFor(averageUsd, table);
  return { tier, averageUsd, quarterlyCredits: tier === null ? 0 : quarterlyCreditsFor(tier, table) };
}

const totalOf = (b: Bookings | undefined) => (b ? b.directUsd + b.indirectUsd : 0);

/** Bookings with `update` merged in (a later report of a year replaces it), only the latest `keep` years. */
export function mergeBookings(bookings: readonly Bookings[], update: Bookings, keep = 4): Bookings[] {
  const merged = [...bookings.filter((b) => b.fiscalYear !== update.fiscalYear), update].sort((a, b) => a.fiscalYear - b.fiscalYear);
  return merged.slice(-keep);
}

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
  /** LOY-11: which publication of the year's table (each correction is a new version); absent for built-in tables. */
  version?: number;
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
    if (!Number.isInteger(band.quarterlyCredits) || band.quarterlyCredits <= 0)
      problems.push(`tier ${band.tier}: quarterly credits must be a positive whole number`);
    if (!(band.minUsd >= 0)) problems.push(`tier ${band.tier}: minimum must be zero or more`);
    if (band.maxUsd !== null && band.maxUsd < band.minUsd) problems.push(`tier ${band.tier}: maximum is below its minimum`);
    const last = i === bands.length - 1;
    if (last && band.maxUsd !== null) problems.push(`tier ${band.tier}: the top band is open (no maximum)`);
    if (!last && band.maxUsd === null) problems.push(`tier ${band.tier}: only the top band may be open`);
    const next = bands[i + 1];
    if (next && band.maxUsd !== null && next.minUsd !== band.maxUsd + 1)
      problems.push(`tier ${next.tier} must start one dollar above tier ${band.tier}'s maximum`);
  });
  return problems;
}

/**
 * The average of direct + indirect bookings over `years`. LOY-6, LOY-11: a year with no bookings on record
 * is never counted as $0, so there is no average without it: ask for the year (missingBookingYears) first.
 */
export function threeYearAverageUsd(bookings: readonly Bookings[], years: readonly number[]): number {
  if (years.length === 0) return 0;
  const missing = years.filter((fy) => !bookings.some((b) => b.fiscalYear === fy));
  if (missing.length > 0) throw new RangeError(`FY${missing.join(', FY')} has no bookings on record: ask for it, never count it as $0`);
  return years.reduce((sum, fy) => sum + totalOf(bookings.find((b) => b.fiscalYear === fy)), 0) / years.length;
}

/**
 * LOY-2: where the program runs. The public page says "32 countries" without naming them; this is a
 * configurable default (PROGRAM_COUNTRIES) of 32 large Cisco markets.
 */
export const PROGRAM_COUNTRIES: readonly string[] = [
  'US',
  'CA',
  'MX',
  'BR',
  'AR',
  'CL',
  'CO',
  'GB',
  'IE',
  'DE',
  'FR',
  'IT',
  'ES',
  'NL',
  'BE',
  'CH',
  'AT',
  'SE',
  'NO',
  'DK',
  'FI',
  'PL',
  'JP',
  'KR',
  'CN',
  'IN',
  'SG',
  'AU',
  'NZ',
  'AE',
  'SA',
  'ZA',
];

export const MINIMUM_AVERAGE_USD = 1_000_000;

export interface EligibilityReason {
  field: string;
  message: string;
}

export interface Eligibility {
  eligible: boolean;
  /** Null when a year is not on record (there is no average without it). */
  averageUsd: number | null;
  reasons: EligibilityReason[];
}

const usd = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;

/** LOY-2, LOY-3: every reason a nomination is not eligible, not just the first; every member is checked. */
export function evaluateEligibility(
  nomination: Nomination,
  opts: { asOf: IsoDate; countries?: readonly string[]; minimumAverageUsd?: number },
): Eligibility {
  const countries = opts.countries ?? PROGRAM_COUNTRIES;
  const minimum = opts.minimumAverageUsd ?? MINIMUM_AVERAGE_USD;
  const years = priorFiscalYears(opts.asOf);
  const members = membersOf(nomination);
  const { single, fieldOf } = members;
  const reasons: EligibilityReason[] = [];

  members.companies.forEach((c, i) => {
    reasons.push(...companyReasons(c, countries, (f) => fieldOf(i, f), single ? undefined : c.name));
    const missing = years.filter((fy) => !c.bookings.some((b) => b.fiscalYear === fy));
    if (missing.length > 0)
      reasons.push({
        field: fieldOf(i, 'bookings'),
        message: `bookings ${single ? '' : `of ${c.name} `}are missing for FY${missing.join(', FY')}`,
      });
  });
  if (!nomination.teamCaptain.ccoId.trim())
    reasons.push({ field: 'teamCaptain.ccoId', message: 'a Team Captain with a CCO id must be named' });

  // A missing year is a reason of its own (above), never an average counted with $0.
  const complete = missingBookingYears(members.bookings, opts.asOf).length === 0;
  const averageUsd = complete ? threeYearAverageUsd(members.bookings, years) : null;
  if (averageUsd !== null && averageUsd < minimum) {
    reasons.push({
      field: single ? 'bookings' : 'companies',
      message: `the ${single ? '' : "group's "}3-year average of FY${years[0]}–FY${years[2]} bookings is ${usd(averageUsd)}, under ${usd(minimum)}`,
    });
  }
  return { eligible: reasons.length === 0, averageUsd, reasons };
}
