// LOY-6, LOY-11: a fiscal year with no bookings on record is never counted as $0. The Account Manager is
// asked for it (reminded every 7 days), ops see the account in the "bookings missing" queue, and the tier,
// with the award due next, waits until the year is recorded. Steps of the account's workflow, used by
// loyaltySteps.ts at enrolment and at the August re-tier.
import { condition, patched } from '@temporalio/workflow';
import { fiscalYearOf, nextAwardDateAfter } from '../domain/calendar';
import {
  awardQuarterOf,
  bookingsReminderDate,
  decideTier,
  decideTierAsReleased,
  missingBookingYears,
  retierDateOf,
  type Bookings,
  type TierDecision,
  type TierTable,
} from '../domain/loyalty';
import { sleepUntilDate, today } from './clock';
import type { LoyaltyAccount } from './loyaltyState';
import { acts } from './shared';

/**
 * The tier decision from `bookings` as of `asOf`. Every path of today's code asks for a missing year first
 * (above); only a run recorded before LOY-6 was amended reaches a decision with one missing, and replays it
 * as v0.1.0 made it (the year counted as $0), so its next commands stay the recorded ones.
 */
export function tierDecision(bookings: readonly Bookings[], asOf: string, table: TierTable): TierDecision {
  return missingBookingYears(bookings, asOf).length > 0 ? decideTierAsReleased(bookings, asOf, table) : decideTier(bookings, asOf, table);
}

/** LOY-11: the tier of fiscal year `fy` set from `table`; which table (and version) it came from is kept. */
export function setTier(a: LoyaltyAccount, fy: number, table: TierTable, decision: TierDecision): void {
  a.s.tier = decision.tier;
  a.s.quarterlyCredits = decision.quarterlyCredits;
  a.s.tierSource = { fy, tableYear: table.fiscalYear, version: table.version ?? 0 };
}

/** The years the asked tier still waits for (none when nothing is asked). */
export function stillMissing(a: LoyaltyAccount): number[] {
  const asked = a.s.bookingsAsked;
  return asked ? missingBookingYears(a.s.bookings, retierDateOf(asked.fy, a.input.settings.retierDay)) : [];
}

/** Who records bookings: the nominating Account Manager (the activity asks ops when the nomination named none). */
const accountManagerOf = (a: LoyaltyAccount) => a.input.nomination.accountManager;

/**
 * LOY-11 at enrolment: the three years before the acceptance must be on record before the tier is set.
 * The Account Manager is asked, then reminded every 7 days. False when the account was withdrawn meanwhile.
 */
export async function bookingsOnRecord(a: LoyaltyAccount, acceptedOn: string): Promise<boolean> {
  const { s } = a;
  const missing = () => missingBookingYears(s.bookings, acceptedOn);
  if (missing().length === 0) return true;
  s.state = 'enrolled';
  s.tier = null;
  s.quarterlyCredits = 0;
  s.missingBookings = missing();
  a.publish();
  const accountManager = accountManagerOf(a);
  const askedOn = today();
  await acts.sendNotice(await acts.recordBookingsMissing({ ...a.party(), years: missing(), acceptedOn, accountManager, askedOn }));
  const done = () => missing().length === 0 || a.withdrawal !== null;
  if (patched('loyalty-bookings-reminders')) {
    s.bookingsAsked = { fy: fiscalYearOf(acceptedOn), askedOn, remindersSent: 0 };
    while (!(await sleepUntilDate(bookingsReminderDate(askedOn, s.bookingsAsked.remindersSent), done))) await remind(a, missing());
    s.bookingsAsked = null;
    // LOY-6: an award that came due while the tier waited is made the day the tier is set.
    a.lateAwardsUntil = today();
  } else {
    await condition(done);
  }
  s.missingBookings = missing();
  return a.withdrawal === null;
}

/** LOY-6, LOY-11: another week without the asked years: the Account Manager is reminded. */
export async function remind(a: LoyaltyAccount, years: number[]): Promise<void> {
  const asked = a.s.bookingsAsked!;
  asked.remindersSent += 1;
  const reminder = { ...a.party(), fy: asked.fy, years, askedOn: asked.askedOn, accountManager: accountManagerOf(a) };
  await acts.sendNotice(await acts.recordBookingsReminder({ ...reminder, reminderNumber: asked.remindersSent }));
}

/** LOY-6: the next reminder about the asked years, while they are missing. */
export const nextReminderDate = (a: LoyaltyAccount): string | null =>
  a.s.bookingsAsked ? bookingsReminderDate(a.s.bookingsAsked.askedOn, a.s.bookingsAsked.remindersSent) : null;

/**
 * LOY-6 at the August re-tier of `fy`: `years` are not on record. No tier meanwhile (never one from a
 * guess), the next award date kept (that award waits), the Account Manager asked, ops' queue shows it.
 */
export async function askAtRetier(a: LoyaltyAccount, fy: number, years: number[]): Promise<void> {
  const { s } = a;
  s.tier = null;
  s.quarterlyCredits = 0;
  s.tierSource = null;
  s.missingBookings = years;
  s.bookingsAsked = { fy, askedOn: today(), remindersSent: 0 };
  a.publish();
  const asked = { ...a.party(), fy, years, askedOn: s.bookingsAsked.askedOn, accountManager: accountManagerOf(a) };
  await acts.sendNotice(await acts.recordRetierBookingsMissing({ ...asked, nextAwardDate: s.nextAwardDate }));
}

/**
 * LOY-6: the asked years are recorded: the tier of the asked fiscal year is set and told; an award that
 * came due while it waited is made today (the main loop makes it next, dated today: lateAwardsUntil).
 */
export async function tierOnceRecorded(a: LoyaltyAccount): Promise<void> {
  const { s } = a;
  const { fy } = s.bookingsAsked!;
  const table = await acts.tierTableFor(fy);
  const decision = decideTier(s.bookings, retierDateOf(fy, a.input.settings.retierDay), table);
  setTier(a, fy, table, decision);
  s.bookingsAsked = null;
  s.missingBookings = [];
  const on = today();
  const waited = s.nextAwardDate !== null && s.nextAwardDate <= on && decision.tier !== null && !a.termsPending();
  a.lateAwardsUntil = on;
  const waitedAward = waited ? { quarter: awardQuarterOf(s.nextAwardDate!), madeOn: on } : null;
  const nextAwardDate = waited ? nextAwardDateAfter(s.nextAwardDate!, a.input.settings.awardDay) : s.nextAwardDate;
  await acts.sendNotice(await acts.recordRetier({ ...a.party(), fy, ...decision, nextAwardDate, waitedAward }));
  a.publish();
}
