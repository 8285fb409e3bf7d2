// The words of each Customer Loyalty notice (LOY-4 … LOY-11), to the account's Team Captain or its Account Manager.
import type { IsoDate } from '../domain/calendar';
import { awardQuarterOf } from '../domain/loyalty';
import { letter, seg, usd } from './letter';

export { bookingsMissing, bookingsReminder, retierBookingsMissing } from './loyaltyBookings';

/** Every loyalty notice names the account and greets its Team Captain. */
type Facts = { companyName: string; name: string; accountId: string };

const accountPage = (a: { accountId: string }) => ({ label: 'Open the account', path: `/app/accounts/${seg(a.accountId)}` }) as const;
const termsPage = (a: { accountId: string }) =>
  ({ label: 'Review and accept the terms', path: `/app/accounts/${seg(a.accountId)}/terms` }) as const;

export const termsWaiting = (a: Facts & { termsVersion: string; lapsesOn: IsoDate }) =>
  letter({
    subject: `${a.companyName}: the Customer Loyalty Program terms are waiting for you`,
    to: a.name,
    happened: `${a.companyName} has been nominated for the Cisco Customer Loyalty Program, with you as its Team Captain.`,
    next:
      `Please review and accept the terms and conditions (version ${a.termsVersion}) to complete enrollment. ` +
      `The nomination lapses on ${a.lapsesOn} if the terms are not accepted.`,
    act: termsPage(a),
  });

export const termsReminder = (a: Facts & { termsVersion: string; lapsesOn: IsoDate }) =>
  letter({
    subject: `Reminder: ${a.companyName}'s Customer Loyalty Program terms are still waiting`,
    to: a.name,
    happened: `The terms and conditions (version ${a.termsVersion}) for ${a.companyName} are still waiting for your acceptance.`,
    next: `Please accept them before ${a.lapsesOn}, when the nomination lapses.`,
    act: termsPage(a),
  });

export const nominationLapsed = (a: Facts) =>
  letter({
    subject: `${a.companyName}: the Customer Loyalty Program nomination has lapsed`,
    to: a.name,
    happened: `The terms were not accepted in time, so ${a.companyName}'s nomination has lapsed.`,
    next: 'Your Account Manager can nominate the company again.',
    act: { label: 'See the account', path: `/app/accounts/${seg(a.accountId)}` },
  });

/** The award the account receives next, as the letters name it: "the FY2028Q2 award on 2028-01-15". */
const nextAward = (date: IsoDate) => `the ${awardQuarterOf(date)} award on ${date}`;

/** LOY-4, LOY-5 (ALL-5): an award date is promised only to an account with a tier. */
export const enrolled = (
  a: Facts & { firstAwardDate: IsoDate; tier: number | null; averageUsd?: number; fy?: number; nextRetierOn?: IsoDate | null },
) =>
  a.tier === null
    ? letter({
        subject: `${a.companyName} is enrolled in the Customer Loyalty Program`,
        to: a.name,
        happened:
          `Thank you for accepting the terms. ${a.companyName} is enrolled, but ` +
          (a.averageUsd === undefined
            ? "its 3-year average of net bookings is under the program's $1,000,000 minimum"
            : `the 3-year average of its net bookings is ${usd(a.averageUsd)}, under the program's $1,000,000 minimum`) +
          `, so there are no Learning Credit awards${a.fy ? ` in FY${a.fy}` : ' this fiscal year'}.`,
        next: `The tier is evaluated again${a.nextRetierOn ? ` on ${a.nextRetierOn}` : ' each August'}; nothing is needed from you until then.`,
        act: accountPage(a),
      })
    : letter({
        subject: `${a.companyName} is enrolled in the Customer Loyalty Program`,
        to: a.name,
        happened: `Thank you for accepting the terms. ${a.companyName} is enrolled at tier ${a.tier}.`,
        next: `The first Learning Credits award is scheduled for ${a.firstAwardDate}; nothing more is needed from you until then.`,
        act: accountPage(a),
      });

export const withdrawn = (a: Facts & { reason: string }) =>
  letter({
    subject: `${a.companyName} has been withdrawn from the Customer Loyalty Program`,
    to: a.name,
    happened: `${a.companyName}'s account has been withdrawn (${a.reason}).`,
    next: 'Credits already awarded keep their own expiry dates: redeem them before then.',
    act: accountPage(a),
  });

type TierNews = Facts & {
  fy: number;
  tier: number | null;
  averageUsd: number;
  quarterlyCredits: number;
  /** The account's next award (LOY-4: an account's first may be in January, not October); absent: "the next award". */
  nextAwardDate?: IsoDate | null;
  /** LOY-6: the day an award that waited for this tier is made (today), with its quarter. */
  waitedAward?: { quarter: string; madeOn: IsoDate } | null;
};

/** What a captain with a tier receives next: the credits, from which award. */
function creditsFrom(a: TierNews): string {
  if (a.waitedAward)
    return (
      `You will receive ${a.quarterlyCredits} Learning Credits each quarter: the ${a.waitedAward.quarter} award, which waited for ` +
      `this tier, is made today (${a.waitedAward.madeOn})` +
      (a.nextAwardDate ? `, and the next follows on ${a.nextAwardDate}.` : '.')
    );
  return `You will receive ${a.quarterlyCredits} Learning Credits each quarter, starting with ${a.nextAwardDate ? nextAward(a.nextAwardDate) : 'the next award'}.`;
}

export const newTier = (a: TierNews) =>
  a.tier === null
    ? letter({
        subject: `${a.companyName}: no Customer Loyalty awards in FY${a.fy}`,
        to: a.name,
        happened: `The 3-year average of ${a.companyName}'s net bookings is ${usd(a.averageUsd)}, under the program's $1,000,000 minimum, so there are no Learning Credit awards in FY${a.fy}.`,
        next: 'The tier is evaluated again next August.',
        act: accountPage(a),
      })
    : letter({
        subject: `${a.companyName}: your FY${a.fy} Customer Loyalty tier is ${a.tier}`,
        to: a.name,
        happened: `From the 3-year average of net bookings (${usd(a.averageUsd)}), ${a.companyName} is at tier ${a.tier} for FY${a.fy}.`,
        next: creditsFrom(a),
        act: accountPage(a),
      });

/**
 * LOY-11: the year's tier changed because its tier table was published or corrected in its Q1 review
 * after the tier was set: the letter says so, what the tier was, and what it is now.
 */
export const tierCorrected = (
  a: TierNews & {
    /** The tier and credits the earlier table gave (absent in notices recorded before LOY-11 was amended). */
    previous?: { tier: number | null; quarterlyCredits: number };
    /** True when the fiscal year had no table of its own before (published), false when its own was replaced (corrected). */
    firstOwnTable?: boolean;
  },
) => {
  const what = a.firstOwnTable === undefined ? 'published or corrected' : a.firstOwnTable ? 'published' : 'corrected';
  const was = a.previous
    ? ` Its FY${a.fy} tier had been set from the earlier table: ` +
      (a.previous.tier === null ? 'no tier.' : `tier ${a.previous.tier}, ${a.previous.quarterlyCredits} Learning Credits a quarter.`)
    : '';
  return letter({
    subject: `${a.companyName}: your FY${a.fy} Customer Loyalty tier is now ${a.tier ?? 'none'}`,
    to: a.name,
    happened:
      `Cisco ${what} the FY${a.fy} tier table in its first-quarter review, after ${a.companyName}'s tier was set.${was} ` +
      `From the new table and the 3-year average of net bookings (${usd(a.averageUsd)}), ${a.companyName} is ` +
      (a.tier === null ? `under the lowest tier for FY${a.fy}.` : `at tier ${a.tier} for FY${a.fy}.`),
    next: a.tier === null ? `There are no Learning Credit awards in FY${a.fy}; the tier is evaluated again next August.` : creditsFrom(a),
    act: accountPage(a),
  });
};

export const award = (a: Facts & { credits: number; quarter: string; lotId: string; expiresOn: IsoDate }) =>
  letter({
    subject: `${a.companyName}: ${a.credits} Learning Credits awarded for ${a.quarter}`,
    to: a.name,
    happened: `${a.credits} Cisco Learning Credits have been awarded to ${a.companyName} for ${a.quarter} (lot ${a.lotId}).`,
    next: `They are available now and expire on ${a.expiresOn}: redeem them before then.`,
    act: { label: 'See the lot', path: `/app/lots/${seg(a.lotId)}` },
  });

export const awardWithheld = (a: Facts & { quarter: string; termsVersion: string }) =>
  letter({
    subject: `${a.companyName}: the ${a.quarter} award is waiting for the new terms`,
    to: a.name,
    happened: `The ${a.quarter} Learning Credits award was not made because the new terms and conditions (version ${a.termsVersion}) have not been accepted.`,
    next: 'Accept them to receive the next award.',
    act: termsPage(a),
  });

export const captainAppointed = (a: Facts) =>
  letter({
    subject: `You are now ${a.companyName}'s Customer Loyalty Team Captain`,
    to: a.name,
    happened: `You have been appointed Team Captain of ${a.companyName}'s Customer Loyalty account.`,
    next: 'You will receive its award notices and approve its redemptions.',
    act: accountPage(a),
  });

export const newTermsWaiting = (a: Facts & { termsVersion: string }) =>
  letter({
    subject: `${a.companyName}: new Customer Loyalty terms (version ${a.termsVersion}) need your acceptance`,
    to: a.name,
    happened: `A new version (${a.termsVersion}) of the program's terms and conditions has been published.`,
    next: 'Please accept it before the next award; until then awards are withheld.',
    act: termsPage(a),
  });
