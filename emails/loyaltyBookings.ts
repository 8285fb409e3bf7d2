// LOY-6, LOY-11: the letters asking an Account Manager (or ops) for a fiscal year of bookings not on
// record, which is never counted as $0, and reminding them weekly.
import type { IsoDate } from '../domain/calendar';
import { awardQuarterOf } from '../domain/loyalty';
import { letter, seg } from './letter';

const yearsOf = (years: number[]) => years.map((fy) => `FY${fy}`).join(', ');
const recordBookingsPage = (a: { accountId: string }) =>
  ({ label: 'Record the bookings', path: `/app/accounts/${seg(a.accountId)}` }) as const;

/** LOY-11: to the Account Manager (by name when known), asking for a year's bookings. */
export const bookingsMissing = (a: {
  companyName: string;
  name: string | null;
  accountId: string;
  years: number[];
  acceptedOn: IsoDate;
}) => {
  const years = yearsOf(a.years);
  return letter({
    subject: `${a.companyName}: ${years} bookings are needed to set the Customer Loyalty tier`,
    to: a.name,
    happened:
      `${a.companyName}'s Team Captain accepted the program terms on ${a.acceptedOn}. Its tier is set from the net bookings ` +
      `of the three fiscal years before, and none are on record for ${years}.`,
    next: `Please record the ${years} bookings of account ${a.accountId}: the tier and the first award wait for them.`,
    act: recordBookingsPage(a),
  });
};

/**
 * LOY-6: to the Account Manager at the August re-tier: a year of the three is not on record. It is never
 * counted as $0, so the tier, and the award due next, wait for it.
 */
export const retierBookingsMissing = (a: {
  companyName: string;
  name: string | null;
  accountId: string;
  fy: number;
  years: number[];
  nextAwardDate: IsoDate | null;
}) => {
  const years = yearsOf(a.years);
  return letter({
    subject: `${a.companyName}: ${years} bookings are needed to set the FY${a.fy} Customer Loyalty tier`,
    to: a.name,
    happened:
      `${a.companyName}'s FY${a.fy} tier is set from the net bookings of FY${a.fy - 3}–FY${a.fy - 1}, and none are on record ` +
      `for ${years}. A year not on record is never counted as $0, so the tier waits for it.`,
    next:
      `Please record the ${years} bookings of account ${a.accountId}.` +
      (a.nextAwardDate
        ? ` The ${awardQuarterOf(a.nextAwardDate)} award, due ${a.nextAwardDate}, waits for the tier and is made the day it is set.`
        : ''),
    act: recordBookingsPage(a),
  });
};

/** LOY-6, LOY-11: every 7 days while the asked bookings are not recorded. */
export const bookingsReminder = (a: {
  companyName: string;
  name: string | null;
  accountId: string;
  fy: number;
  years: number[];
  askedOn: IsoDate;
}) => {
  const years = yearsOf(a.years);
  return letter({
    subject: `Reminder: ${a.companyName}'s ${years} bookings are still needed for its FY${a.fy} Customer Loyalty tier`,
    to: a.name,
    happened: `The ${years} bookings of ${a.companyName} asked for on ${a.askedOn} are not on record yet, so its FY${a.fy} tier and its next award still wait.`,
    next: `Please record the ${years} bookings of account ${a.accountId}.`,
    act: recordBookingsPage(a),
  });
};
