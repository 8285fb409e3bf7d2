// What happens to a loyalty account as dates come: reminders until the terms are accepted, enrollment,
// the August re-tier, the quarter's award, and the end. Each step reads and writes the LoyaltyAccount.
import { allHandlersFinished, condition, isCancellation, patched, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import { addDays, firstAwardDate, fiscalQuarterOf, fiscalYearOf, minDate, nextAwardDateAfter } from '../domain/calendar';
import { awardQuarterOf, missingBookingYears, nextRetierDateAfter } from '../domain/loyalty';
import type { Activities } from '../activities';
import { sleepUntilDate, today } from './clock';
import { awardLotRecord } from './creditsDefinitions';
import type { LoyaltyAccountState } from './loyaltyDefinitions';
import type { LoyaltyAccount } from './loyaltyState';
import {
  askAtRetier,
  bookingsOnRecord,
  nextReminderDate,
  remind,
  setTier,
  stillMissing,
  tierDecision,
  tierOnceRecorded,
} from './loyaltyBookings';
import { retierFromNewerTable, retierFromQ1Table } from './loyaltyTables';
import { acts, firstWrite } from './shared';
import { accountAudit } from './loyaltyAudit';

/**
 * The award as one local activity (awardAndStartLot): it runs inside the award's workflow task, so an
 * award costs the server one workflow task, not four plus three activity tasks. A retry repeats nothing.
 * Only a few quick attempts: each local retry past the first minute would add a timer to the history, so
 * a longer outage is left to the activities of the fallback (see awardInOneStep).
 */
const awardStep = proxyLocalActivities<Pick<Activities, 'awardAndStartLot'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 seconds', maximumAttempts: 3 },
});

/** LOY-4: the nomination recorded, then reminders every N days until acceptance; it lapses after M days. */
export async function waitForTerms(a: LoyaltyAccount): Promise<'accepted' | 'lapsed' | 'withdrawn'> {
  const { s, input } = a;
  const { nomination, nominatedBy } = input;
  // Issue 24 finding 2: a nomination Postgres refuses never existed; the run fails with it, freeing the group.
  const termsWaiting = await firstWrite(
    acts.recordNomination({
      accountId: s.accountId,
      nomination,
      nominatedBy,
      nominatedOn: s.nominatedOn,
      termsVersion: s.termsVersion,
      lapsesOn: s.lapsesOn,
      lifecycle: s.lifecycle ?? 1,
      audit: accountAudit(s.accountId, input.nominatedByActor, 'nominated', null, { nomination, lifecycle: s.lifecycle ?? 1 }),
    }),
    'loyalty-refused-nomination-ends',
    (refused) => (a.refused = refused),
  );
  a.recorded = true;
  await acts.sendNotice(termsWaiting);
  for (;;) {
    const nextReminder = addDays(s.nominatedOn, input.settings.reminderEveryDays * (s.remindersSent + 1));
    if (await sleepUntilDate(minDate(nextReminder, s.lapsesOn), () => !a.termsPending() || a.withdrawal !== null)) break;
    if (today() >= s.lapsesOn) return 'lapsed';
    s.remindersSent += 1;
    const reminder = { ...a.party(), reminderNumber: s.remindersSent, termsVersion: s.termsVersion, lapsesOn: s.lapsesOn };
    await acts.sendNotice(await acts.recordTermsReminder(reminder));
  }
  return a.withdrawal ? 'withdrawn' : 'accepted';
}

/**
 * LOY-5: enrolled at the tier of the acceptance year's table; the first award and re-tier dates set.
 * LOY-11: first waits for any of the three years before the acceptance with no bookings on record.
 * False when the account was withdrawn while waiting.
 */
export async function enroll(a: LoyaltyAccount): Promise<boolean> {
  const { s } = a;
  const acceptedOn = s.termsAccepted!.acceptedOn;
  if (patched('loyalty-ask-missing-bookings') && !(await bookingsOnRecord(a, acceptedOn))) return false;
  const fy = fiscalYearOf(acceptedOn);
  const table = await acts.tierTableFor(fy);
  const decision = tierDecision(s.bookings, acceptedOn, table);
  setTier(a, fy, table, decision);
  s.nextAwardDate = firstAwardDate(acceptedOn, a.input.settings.awardDay);
  s.nextRetierOn = nextRetierDateAfter(acceptedOn, a.input.settings.retierDay);
  // ALL-5: an account without a tier is told why and when it is looked at again, never promised an award.
  const { averageUsd } = decision;
  const enrolment = { ...a.party(), firstAwardDate: s.nextAwardDate, tier: s.tier, averageUsd, fy, nextRetierOn: s.nextRetierOn };
  await acts.sendNotice(await acts.recordEnrollment(enrolment));
  s.state = 'enrolled';
  a.publish();
  return true;
}

/**
 * Enrolled: awards and re-tiers as their dates come, until withdrawn or the fiscal year's last award.
 * LOY-6: while the tier waits for bookings asked of the Account Manager, the award due waits too (neither
 * made from a guessed tier nor skipped) and reminders go out every 7 days; once the years are recorded the
 * tier is set and the waiting award made.
 */
export async function runEnrolled(a: LoyaltyAccount): Promise<'withdrawn' | 'continue'> {
  const { s } = a;
  for (;;) {
    const asking = () => s.bookingsAsked !== null && s.bookingsAsked !== undefined;
    const wake = () => a.withdrawal !== null || workflowInfo().continueAsNewSuggested || (asking() && stillMissing(a).length === 0);
    const until = asking() ? minDate(nextReminderDate(a)!, s.nextRetierOn!) : minDate(s.nextAwardDate!, s.nextRetierOn!);
    if (await sleepUntilDate(until, wake)) {
      if (a.withdrawal) return 'withdrawn';
      if (workflowInfo().continueAsNewSuggested) return 'continue';
    }
    const on = today();
    if (asking()) {
      const missing = stillMissing(a);
      if (missing.length === 0) await tierOnceRecorded(a);
      else if (on >= nextReminderDate(a)!) await remind(a, missing);
    }
    if (on >= s.nextRetierOn!) await retier(a);
    if (!asking() && on >= s.nextAwardDate!) {
      const awardedYear = fiscalYearOf(s.nextAwardDate!);
      // LOY-11: a table published or corrected since the tier was set re-tiers it before any award, whichever quarter.
      if (patched('loyalty-table-recheck-every-award')) await retierFromNewerTable(a);
      else if (fiscalQuarterOf(s.nextAwardDate!).q === 1 && patched('loyalty-q1-table-recheck')) await retierFromQ1Table(a);
      await award(a);
      if (a.withdrawal) return 'withdrawn';
      // One run per account-year keeps the history small (well under 200 events).
      if (fiscalYearOf(s.nextAwardDate!) !== awardedYear) return 'continue';
    }
  }
}

/**
 * LOY-6: each August, the new fiscal year's tier from the latest three years, told to the captain (LOY-3:
 * companies added since count now). A year of the three not on record is asked for, never counted as $0.
 */
async function retier(a: LoyaltyAccount): Promise<void> {
  const { s } = a;
  const on = s.nextRetierOn!;
  const fy = fiscalYearOf(on);
  a.countJoiningCompanies();
  const missing = missingBookingYears(s.bookings, on);
  if (missing.length > 0 && patched('loyalty-retier-asks-missing-bookings')) {
    s.nextRetierOn = nextRetierDateAfter(on, a.input.settings.retierDay);
    return askAtRetier(a, fy, missing);
  }
  const table = await acts.tierTableFor(fy);
  const decision = tierDecision(s.bookings, on, table);
  setTier(a, fy, table, decision);
  await acts.sendNotice(await acts.recordRetier({ ...a.party(), fy, ...decision, nextAwardDate: s.nextAwardDate }));
  s.nextRetierOn = nextRetierDateAfter(on, a.input.settings.retierDay);
  a.publish();
}

/** LOY-7: the quarter's credits as a new lot; none in a year without a tier; withheld while new terms wait. */
async function award(a: LoyaltyAccount): Promise<void> {
  const { s } = a;
  const due = s.nextAwardDate!;
  const quarter = awardQuarterOf(due);
  const following = nextAwardDateAfter(due, a.input.settings.awardDay);
  // LOY-6: an award that waited for its tier is dated the day it is made.
  const awardDate = a.lateAwardsUntil !== null && due < a.lateAwardsUntil ? today() : due;
  const base = { ...a.party(), quarter, nextAwardDate: following };
  if (s.tier === null || s.quarterlyCredits === 0) {
    await acts.recordNextAwardDate({ accountId: s.accountId, nextAwardDate: following });
  } else if (a.termsPending()) {
    await acts.sendNotice(await acts.recordAwardWithheld({ ...base, termsVersion: s.termsVersion }));
  } else {
    const lotId = await awardInOneStep({ ...base, awardDate, credits: s.quarterlyCredits });
    s.awardsMade += 1;
    s.creditsAwarded += s.quarterlyCredits;
    s.lastAward = { quarter, lotId, credits: s.quarterlyCredits, awardDate };
  }
  s.nextAwardDate = following;
  a.publish();
}

type Award = Parameters<Activities['recordAward']>[0];

/**
 * LOY-7: the award's rows, its lot's workflow and its email in one local activity; if that keeps failing
 * (the database or Temporal unreachable), the same idempotent steps as activities the server retries.
 */
async function awardInOneStep(award: Award): Promise<string> {
  try {
    const done = await awardStep.awardAndStartLot({ ...award, lotTaskQueue: workflowInfo().taskQueue });
    if (!done.noticeSent) await acts.sendNotice(done.noticeKey);
    return done.lotId;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const { lotId, noticeKey } = await acts.recordAward(award);
    await acts.sendNotice(noticeKey);
    // CLC-2: an awarded lot lives on its own (reminders, expiry, extension), a workflow of its own rather
    // than a child, since it outlives this account's yearly runs and even the account.
    await acts.startCreditLot(awardLotRecord({ ...award, lotId }));
    return lotId;
  }
}

/** LOY-4, LOY-9: the nomination lapsed or the account withdrawn, the captain told, the run ends. */
export async function close(a: LoyaltyAccount, outcome: 'lapsed' | 'withdrawn'): Promise<LoyaltyAccountState> {
  const { s } = a;
  if (outcome === 'lapsed') {
    s.state = 'lapsed';
    await acts.sendNotice(await acts.recordLapse(a.party()));
  } else {
    const audit = accountAudit(s.accountId, a.withdrawnBy, 'withdrawal', { state: s.state }, { state: 'withdrawn' });
    await acts.sendNotice(await acts.recordWithdrawal({ ...a.party(), reason: a.withdrawal!.reason, audit }));
    s.state = 'withdrawn';
  }
  s.nextAwardDate = null;
  s.nextRetierOn = null;
  a.publish();
  await condition(allHandlersFinished);
  return s;
}
