import {
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { addDays, firstAwardDate, fiscalYearOf, minDate, nextAwardDateAfter, priorFiscalYears } from '../domain/calendar';
import { awardQuarterOf, decideTier, mergeBookings, nextRetierDateAfter } from '../domain/loyalty';
import { tierFor, threeYearAverageUsd } from '../domain/loyalty';
import { sleepUntilDate, today } from './clock';
import { acts, refusal } from './shared';
import { failureTypes } from './definitions';
import {
  acceptTermsUpdate,
  nominationRecordedUpdate,
  publishTermsUpdate,
  recordBookingsUpdate,
  replaceCaptainUpdate,
  setAutoApprovalUpdate,
  loyaltySearchAttributes as sa,
  stateQuery,
  withdrawUpdate,
  type LoyaltyAccountInput,
  type LoyaltyAccountState,
  type WithdrawInput,
} from './loyaltyDefinitions';
import type { Activities } from '../activities';
import { awardLotRecord } from './creditsDefinitions';

/**
 * The award as one local activity (activities/loyaltyAward.ts): it runs inside the award's workflow task,
 * so an award costs the server one workflow task, not four plus three activity tasks. A retry repeats
 * nothing. Only a few quick attempts: each local retry past the first minute would add a timer to the
 * history, so a longer outage is left to the activities of the fallback (see award()).
 */
const awardStep = proxyLocalActivities<Pick<Activities, 'awardAndStartLot'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 seconds', maximumAttempts: 3 },
});

/**
 * One Customer Loyalty group account (LOY-1 … LOY-9): nominated → enrolled → an award each award month
 * and a new tier each August → withdrawn. Continues as new after each fiscal year's last award, so a
 * run's history holds one account-year.
 */
export async function loyaltyAccount(input: LoyaltyAccountInput): Promise<LoyaltyAccountState> {
  const { settings } = input;
  const s: LoyaltyAccountState = input.carried ?? initialState(input);
  let withdrawal: WithdrawInput | null = null;
  // Handlers that write wait for the account row the first activity creates (foreign keys need it).
  let recorded = input.carried !== undefined;
  const whenRecorded = () => condition(() => recorded);
  const termsPending = () => s.termsAccepted?.version !== s.termsVersion;

  setHandler(stateQuery, () => s);

  setHandler(nominationRecordedUpdate, async () => {
    await whenRecorded();
    return s;
  });

  setHandler(
    acceptTermsUpdate,
    async ({ version, ccoId }) => {
      const acceptance = { version, acceptedBy: ccoId, acceptedOn: today() };
      await whenRecorded();
      await acts.recordTermsAcceptance({ accountId: s.accountId, version, ccoId, acceptedOn: acceptance.acceptedOn });
      s.termsAccepted = acceptance;
      await condition(() => s.state !== 'nominated');
      return s;
    },
    {
      validator: ({ version, ccoId }) => {
        if (s.state === 'lapsed' || s.state === 'withdrawn') throw refusal(failureTypes.conflict, `the account is ${s.state}`);
        if (!termsPending()) throw refusal(failureTypes.conflict, `terms version ${s.termsVersion} is already accepted`);
        if (ccoId !== s.teamCaptain.ccoId) throw refusal(failureTypes.forbidden, "only the account's Team Captain accepts its terms");
        if (version !== s.termsVersion)
          throw refusal(failureTypes.invalid, `terms version ${version} is not the current version ${s.termsVersion}`, [
            { field: 'version' },
          ]);
      },
    },
  );

  setHandler(
    withdrawUpdate,
    async (w) => {
      withdrawal = w;
      await condition(() => s.state === 'withdrawn');
      return s;
    },
    { validator: (_w) => assertOpen() },
  );

  // LOY-8: the Account Manager or ops replaces the Team Captain; the new captain is told.
  setHandler(
    replaceCaptainUpdate,
    async (captain) => {
      s.captainChanges += 1;
      s.teamCaptain = { ...captain };
      publish();
      await whenRecorded();
      await acts.sendNotice(
        await acts.recordCaptainChange({ accountId: s.accountId, companyName: s.companyName, captain, changeNumber: s.captainChanges }),
      );
      return s;
    },
    {
      validator: (captain) => {
        assertOpen();
        if (captain.ccoId === s.teamCaptain.ccoId) throw refusal(failureTypes.conflict, `${captain.ccoId} is already the Team Captain`);
      },
    },
  );

  // LOY-8: a new terms version needs a new acceptance before the next award.
  setHandler(
    publishTermsUpdate,
    async ({ version }) => {
      s.termsVersion = version;
      await whenRecorded();
      await acts.sendNotice(
        await acts.recordNewTerms({ accountId: s.accountId, companyName: s.companyName, captain: s.teamCaptain, termsVersion: version }),
      );
      return s;
    },
    {
      validator: ({ version }) => {
        assertOpen();
        if (version === s.termsVersion) throw refusal(failureTypes.conflict, `terms version ${version} is already in force`);
      },
    },
  );

  setHandler(
    setAutoApprovalUpdate,
    async ({ enabled }) => {
      await whenRecorded();
      await acts.recordAutoApproval({ accountId: s.accountId, enabled });
      s.autoApproval = enabled;
      return s;
    },
    { validator: (_a) => assertOpen() },
  );

  // LOY-6: the latest bookings, used at the next August re-tier.
  setHandler(
    recordBookingsUpdate,
    async (bookings) => {
      await whenRecorded();
      await acts.recordBookings({ accountId: s.accountId, bookings });
      s.bookings = mergeBookings(s.bookings, bookings);
      return s;
    },
    { validator: (_b) => assertOpen() },
  );

  function assertOpen() {
    if (s.state === 'withdrawn' || s.state === 'lapsed' || withdrawal)
      throw refusal(failureTypes.conflict, `the account is ${withdrawal ? 'being withdrawn' : s.state}`);
  }

  function publish() {
    upsertSearchAttributes([
      { key: sa.AccountId, value: s.accountId },
      { key: sa.LoyaltyState, value: s.state },
      { key: sa.Tier, value: s.tier },
      { key: sa.NextAwardDate, value: s.nextAwardDate ? new Date(`${s.nextAwardDate}T00:00:00Z`) : null },
    ]);
    setCurrentDetails(
      `**${s.companyName}** (${s.corporateGroupId}) — ${s.state}` +
        (s.tier ? `, tier ${s.tier} (${s.quarterlyCredits} credits a quarter)` : '') +
        (s.nextAwardDate ? `, next award ${s.nextAwardDate}` : '') +
        `\n\nTeam Captain: ${s.teamCaptain.name} (${s.teamCaptain.ccoId}); awards so far: ${s.awardsMade} (${s.creditsAwarded} credits)` +
        (termsPending() && s.state === 'enrolled' ? `\n\nWaiting for acceptance of terms ${s.termsVersion}` : ''),
    );
  }

  async function waitForTerms(): Promise<'accepted' | 'lapsed' | 'withdrawn'> {
    const termsWaiting = await acts.recordNomination({
      accountId: s.accountId,
      nomination: input.nomination,
      nominatedBy: input.nominatedBy,
      nominatedOn: s.nominatedOn,
      termsVersion: s.termsVersion,
      lapsesOn: s.lapsesOn,
    });
    recorded = true;
    await acts.sendNotice(termsWaiting);
    // LOY-4: reminders every N days until acceptance; the nomination lapses after M days.
    for (;;) {
      const nextReminder = addDays(s.nominatedOn, settings.reminderEveryDays * (s.remindersSent + 1));
      if (await sleepUntilDate(minDate(nextReminder, s.lapsesOn), () => !termsPending() || withdrawal !== null)) break;
      if (today() >= s.lapsesOn) return 'lapsed';
      s.remindersSent += 1;
      await acts.sendNotice(
        await acts.recordTermsReminder({
          accountId: s.accountId,
          reminderNumber: s.remindersSent,
          companyName: s.companyName,
          captain: s.teamCaptain,
          termsVersion: s.termsVersion,
          lapsesOn: s.lapsesOn,
        }),
      );
    }
    return withdrawal ? 'withdrawn' : 'accepted';
  }

  async function enroll() {
    const acceptedOn = s.termsAccepted!.acceptedOn;
    const table = await acts.tierTableFor(fiscalYearOf(acceptedOn));
    const decision = decideTier(s.bookings, acceptedOn, table);
    s.tier = decision.tier;
    s.quarterlyCredits = decision.quarterlyCredits;
    s.nextAwardDate = firstAwardDate(acceptedOn, settings.awardDay);
    s.nextRetierOn = nextRetierDateAfter(acceptedOn, settings.retierDay);
    await acts.sendNotice(
      await acts.recordEnrollment({
        accountId: s.accountId,
        companyName: s.companyName,
        captain: s.teamCaptain,
        firstAwardDate: s.nextAwardDate,
        tier: s.tier,
      }),
    );
    s.state = 'enrolled';
    publish();
  }

  // LOY-6: each August, the new fiscal year's tier from the latest three years, told to the captain.
  async function retier() {
    const on = s.nextRetierOn!;
    const fy = fiscalYearOf(on);
    const decision = decideTier(s.bookings, on, await acts.tierTableFor(fy));
    s.tier = decision.tier;
    s.quarterlyCredits = decision.quarterlyCredits;
    await acts.sendNotice(
      await acts.recordRetier({ accountId: s.accountId, companyName: s.companyName, captain: s.teamCaptain, fy, ...decision }),
    );
    s.nextRetierOn = nextRetierDateAfter(on, settings.retierDay);
    publish();
  }

  // LOY-7: the quarter's credits as a new lot; none in a year without a tier; withheld while new terms wait.
  async function award() {
    const awardDate = s.nextAwardDate!;
    const quarter = awardQuarterOf(awardDate);
    const following = nextAwardDateAfter(awardDate, settings.awardDay);
    const base = { accountId: s.accountId, companyName: s.companyName, captain: s.teamCaptain, quarter, nextAwardDate: following };
    if (s.tier === null || s.quarterlyCredits === 0) {
      await acts.recordNextAwardDate({ accountId: s.accountId, nextAwardDate: following });
    } else if (termsPending()) {
      await acts.sendNotice(await acts.recordAwardWithheld({ ...base, termsVersion: s.termsVersion }));
    } else {
      const lotId = await awardInOneStep(base, awardDate, quarter, s.quarterlyCredits);
      s.awardsMade += 1;
      s.creditsAwarded += s.quarterlyCredits;
      s.lastAward = { quarter, lotId, credits: s.quarterlyCredits, awardDate };
    }
    s.nextAwardDate = following;
    publish();
  }

  // LOY-7: the award's rows, its lot's workflow and its email in one local activity; if that keeps failing
  // (the database or Temporal unreachable), the same idempotent steps as activities the server retries.
  async function awardInOneStep(
    base: { accountId: string; companyName: string; captain: typeof s.teamCaptain; quarter: string; nextAwardDate: string },
    awardDate: string,
    quarter: string,
    credits: number,
  ): Promise<string> {
    try {
      const done = await awardStep.awardAndStartLot({ ...base, awardDate, credits, lotTaskQueue: workflowInfo().taskQueue });
      if (!done.noticeSent) await acts.sendNotice(done.noticeKey);
      return done.lotId;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const { lotId, noticeKey } = await acts.recordAward({ ...base, awardDate, credits });
      await acts.sendNotice(noticeKey);
      await startLotLifecycle(lotId, awardDate, quarter, credits);
      return lotId;
    }
  }

  // CLC-2: an awarded lot lives on its own (reminders, expiry, extension), a workflow of its own rather
  // than a child, since it outlives this account's yearly runs and even the account.
  async function startLotLifecycle(lotId: string, awardDate: string, quarter: string, credits: number) {
    await acts.startCreditLot(awardLotRecord({ lotId, accountId: s.accountId, captain: s.teamCaptain, credits, awardDate, quarter }));
  }

  async function runEnrolled(): Promise<'withdrawn' | 'continue'> {
    for (;;) {
      const wake = () => withdrawal !== null || workflowInfo().continueAsNewSuggested;
      if (await sleepUntilDate(minDate(s.nextAwardDate!, s.nextRetierOn!), wake)) return withdrawal ? 'withdrawn' : 'continue';
      const on = today();
      if (on >= s.nextRetierOn!) await retier();
      if (on >= s.nextAwardDate!) {
        const awardedYear = fiscalYearOf(s.nextAwardDate!);
        await award();
        if (withdrawal) return 'withdrawn';
        // One run per account-year keeps the history small (well under 200 events).
        if (fiscalYearOf(s.nextAwardDate!) !== awardedYear) return 'continue';
      }
    }
  }

  async function close(outcome: 'lapsed' | 'withdrawn'): Promise<LoyaltyAccountState> {
    if (outcome === 'lapsed') {
      s.state = 'lapsed';
      await acts.sendNotice(await acts.recordLapse({ accountId: s.accountId, companyName: s.companyName, captain: s.teamCaptain }));
    } else {
      await acts.sendNotice(
        await acts.recordWithdrawal({
          accountId: s.accountId,
          companyName: s.companyName,
          captain: s.teamCaptain,
          reason: withdrawal!.reason,
        }),
      );
      s.state = 'withdrawn';
    }
    s.nextAwardDate = null;
    s.nextRetierOn = null;
    publish();
    await condition(allHandlersFinished);
    return s;
  }

  publish();
  if (s.state === 'nominated') {
    const outcome = await waitForTerms();
    if (outcome !== 'accepted') return close(outcome);
    await enroll();
  }
  const outcome = await runEnrolled();
  if (outcome === 'withdrawn') return close(outcome);
  // Drain running update handlers first, so no message is lost across the new run.
  await condition(allHandlersFinished);
  return continueAsNew<typeof loyaltyAccount>({ ...input, carried: s });
}

function initialState(input: LoyaltyAccountInput): LoyaltyAccountState {
  const { nomination, nominatedOn, settings } = input;
  return {
    accountId: input.accountId,
    state: 'nominated',
    companyName: nomination.company.name,
    corporateGroupId: nomination.company.corporateGroupId,
    teamCaptain: { ...nomination.teamCaptain },
    nominatedOn,
    lapsesOn: addDays(nominatedOn, settings.lapseAfterDays),
    termsVersion: input.termsVersion,
    termsAccepted: null,
    // LOY-5: the provisional tier from the nomination's bookings; set from the year's table at enrollment.
    tier: tierFor(threeYearAverageUsd(nomination.bookings, priorFiscalYears(nominatedOn))),
    quarterlyCredits: 0,
    nextAwardDate: null,
    nextRetierOn: null,
    remindersSent: 0,
    captainChanges: 0,
    awardsMade: 0,
    creditsAwarded: 0,
    lastAward: null,
    autoApproval: false,
    bookings: nomination.bookings.map((b) => ({ ...b })),
  };
}
