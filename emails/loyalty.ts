// The words of each Customer Loyalty notice (LOY-4 … LOY-8), to the account's Team Captain.
import type { IsoDate } from '../domain/calendar';
import { letter, seg, usd } from './letter';

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

/** LOY-11: to the Account Manager (by name when known), asking for a year's bookings. */
export const bookingsMissing = (a: {
  companyName: string;
  name: string | null;
  accountId: string;
  years: number[];
  acceptedOn: IsoDate;
}) => {
  const years = a.years.map((fy) => `FY${fy}`).join(', ');
  return letter({
    subject: `${a.companyName}: ${years} bookings are needed to set the Customer Loyalty tier`,
    to: a.name,
    happened:
      `${a.companyName}'s Team Captain accepted the program terms on ${a.acceptedOn}. Its tier is set from the net bookings ` +
      `of the three fiscal years before, and none are on record for ${years}.`,
    next: `Please record the ${years} bookings of account ${a.accountId}: the tier and the first award wait for them.`,
    act: { label: 'Record the bookings', path: `/app/accounts/${seg(a.accountId)}` },
  });
};

export const enrolled = (a: Facts & { firstAwardDate: IsoDate; tier: number | null }) =>
  letter({
    subject: `${a.companyName} is enrolled in the Customer Loyalty Program`,
    to: a.name,
    happened: `Thank you for accepting the terms. ${a.companyName} is enrolled${a.tier ? ` at tier ${a.tier}` : ''}.`,
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

export const newTier = (a: Facts & { fy: number; tier: number | null; averageUsd: number; quarterlyCredits: number }) =>
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
        next: `You will receive ${a.quarterlyCredits} Learning Credits each quarter, starting with the October award.`,
        act: accountPage(a),
      });

/** LOY-11: the year's tier changed by a table published or corrected in its Q1. */
export const tierCorrected = (a: Facts & { fy: number; tier: number | null; averageUsd: number; quarterlyCredits: number }) =>
  letter({
    subject: `${a.companyName}: your FY${a.fy} Customer Loyalty tier is now ${a.tier ?? 'none'}`,
    to: a.name,
    happened:
      `The FY${a.fy} tier table was published or corrected after the August re-tier. From the 3-year average of net bookings ` +
      `(${usd(a.averageUsd)}), ${a.companyName} is ` +
      (a.tier === null ? `under the lowest tier for FY${a.fy}.` : `at tier ${a.tier} for FY${a.fy}.`),
    next:
      a.tier === null
        ? `There are no Learning Credit awards in FY${a.fy}; the tier is evaluated again next August.`
        : `You will receive ${a.quarterlyCredits} Learning Credits each quarter, starting with the October award.`,
    act: accountPage(a),
  });

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
