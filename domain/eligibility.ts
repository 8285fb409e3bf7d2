import { priorFiscalYears, type IsoDate } from './calendar';
import type { Nomination } from './nomination';
import { threeYearAverageUsd } from './tiers';

/**
 * LOY-2: where the program runs. The public page says "32 countries" without naming them; this is a
 * configurable default (PROGRAM_COUNTRIES) of 32 large Cisco markets.
 */
export const PROGRAM_COUNTRIES: readonly string[] = [
  'US', 'CA', 'MX', 'BR', 'AR', 'CL', 'CO', 'GB', 'IE', 'DE', 'FR', 'IT', 'ES', 'NL', 'BE', 'CH',
  'AT', 'SE', 'NO', 'DK', 'FI', 'PL', 'JP', 'KR', 'CN', 'IN', 'SG', 'AU', 'NZ', 'AE', 'SA', 'ZA',
];

export const MINIMUM_AVERAGE_USD = 1_000_000;

export interface EligibilityReason {
  field: string;
  message: string;
}

export interface Eligibility {
  eligible: boolean;
  averageUsd: number;
  reasons: EligibilityReason[];
}

const usd = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;

/** LOY-2: every reason a nomination is not eligible, not just the first. */
export function evaluateEligibility(
  nomination: Nomination,
  opts: { asOf: IsoDate; countries?: readonly string[]; minimumAverageUsd?: number },
): Eligibility {
  const countries = opts.countries ?? PROGRAM_COUNTRIES;
  const minimum = opts.minimumAverageUsd ?? MINIMUM_AVERAGE_USD;
  const years = priorFiscalYears(opts.asOf);
  const reasons: EligibilityReason[] = [];

  if (!nomination.company.endUser) reasons.push({ field: 'company.endUser', message: 'the company must be an end user' });
  if (!countries.includes(nomination.company.country)) {
    reasons.push({ field: 'company.country', message: `the program does not run in ${nomination.company.country}` });
  }
  if (!nomination.teamCaptain.ccoId.trim()) reasons.push({ field: 'teamCaptain.ccoId', message: 'a Team Captain with a CCO id must be named' });

  const missing = years.filter((fy) => !nomination.bookings.some((b) => b.fiscalYear === fy));
  if (missing.length > 0) reasons.push({ field: 'bookings', message: `bookings are missing for FY${missing.join(', FY')}` });
  const averageUsd = threeYearAverageUsd(nomination.bookings, years);
  if (averageUsd < minimum) {
    reasons.push({ field: 'bookings', message: `the 3-year average of FY${years[0]}–FY${years[2]} bookings is ${usd(averageUsd)}, under ${usd(minimum)}` });
  }
  return { eligible: reasons.length === 0, averageUsd, reasons };
}
