import {
  ApplicationFailure,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { addDays, firstAwardDate, minDate, priorFiscalYears } from '../domain/calendar';
import { threeYearAverageUsd, tierFor } from '../domain/tiers';
import {
  acceptTermsUpdate,
  failureTypes,
  searchAttributes as sa,
  stateQuery,
  withdrawUpdate,
  type LoyaltyAccountInput,
  type LoyaltyAccountState,
  type WithdrawInput,
} from './definitions';
import { sleepUntilDate, today } from './clock';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** One Customer Loyalty group account, from nomination for as long as it is enrolled (LOY-1 … LOY-9). */
export async function loyaltyAccount(input: LoyaltyAccountInput): Promise<LoyaltyAccountState> {
  const { settings } = input;
  const s: LoyaltyAccountState = {
    accountId: input.accountId,
    state: 'nominated',
    companyName: input.nomination.company.name,
    corporateGroupId: input.nomination.company.corporateGroupId,
    teamCaptain: { ...input.nomination.teamCaptain },
    nominatedOn: input.nominatedOn,
    lapsesOn: addDays(input.nominatedOn, settings.lapseAfterDays),
    termsVersion: input.termsVersion,
    termsAccepted: null,
    // LOY-5: the tier of the 3-year average of the fiscal years before the nomination.
    tier: tierFor(threeYearAverageUsd(input.nomination.bookings, priorFiscalYears(input.nominatedOn))),
    nextAwardDate: null,
    remindersSent: 0,
  };
  let withdrawal: WithdrawInput | null = null;
  const captain = () => s.teamCaptain;

  setHandler(stateQuery, () => s);

  setHandler(
    acceptTermsUpdate,
    async ({ version, ccoId }) => {
      s.termsAccepted = { version, acceptedBy: ccoId, acceptedOn: today() };
      await condition(() => s.state === 'enrolled');
      return s;
    },
    {
      validator: ({ version, ccoId }) => {
        if (s.state !== 'nominated' || s.termsAccepted) throw refusal(failureTypes.conflict, `terms already accepted or account ${s.state}`);
        if (ccoId !== s.teamCaptain.ccoId) throw refusal(failureTypes.forbidden, 'only the account\'s Team Captain accepts its terms');
        if (version !== s.termsVersion) throw refusal(failureTypes.invalid, `terms version ${version} is not the current version ${s.termsVersion}`, 'version');
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
    {
      validator: (_w) => {
        if (s.state === 'withdrawn' || s.state === 'lapsed' || withdrawal) throw refusal(failureTypes.conflict, `account is already ${s.state}`);
      },
    },
  );

  const publish = () => {
    upsertSearchAttributes([
      { key: sa.AccountId, value: s.accountId },
      { key: sa.LoyaltyState, value: s.state },
      { key: sa.TeamCaptain, value: s.teamCaptain.ccoId },
      { key: sa.Tier, value: s.tier },
      { key: sa.NextAwardDate, value: s.nextAwardDate ? new Date(`${s.nextAwardDate}T00:00:00Z`) : null },
    ]);
    setCurrentDetails(
      `**${s.companyName}** (${s.corporateGroupId}) — ${s.state}` +
        (s.tier ? `, tier ${s.tier}` : '') +
        (s.nextAwardDate ? `, next award ${s.nextAwardDate}` : '') +
        `\n\nTeam Captain: ${s.teamCaptain.name} (${s.teamCaptain.ccoId})`,
    );
  };
  publish();

  // LOY-4: the Team Captain is told the terms are waiting.
  await acts.sendNotice(
    await acts.recordNomination({
      accountId: s.accountId,
      nomination: input.nomination,
      nominatedBy: input.nominatedBy,
      nominatedOn: s.nominatedOn,
      termsVersion: s.termsVersion,
      lapsesOn: s.lapsesOn,
    }),
  );

  // LOY-4: reminders every N days until acceptance; the nomination lapses after M days.
  while (!s.termsAccepted && !withdrawal) {
    const nextReminder = addDays(s.nominatedOn, settings.reminderEveryDays * (s.remindersSent + 1));
    const wokenBy = await sleepUntilDate(minDate(nextReminder, s.lapsesOn), () => s.termsAccepted !== null || withdrawal !== null);
    if (wokenBy) break;
    if (today() >= s.lapsesOn) {
      s.state = 'lapsed';
      publish();
      await acts.sendNotice(await acts.recordLapse({ accountId: s.accountId, companyName: s.companyName, captain: captain() }));
      return s;
    }
    s.remindersSent += 1;
    await acts.sendNotice(
      await acts.recordTermsReminder({
        accountId: s.accountId,
        reminderNumber: s.remindersSent,
        companyName: s.companyName,
        captain: captain(),
        termsVersion: s.termsVersion,
        lapsesOn: s.lapsesOn,
      }),
    );
  }

  if (s.termsAccepted && !withdrawal) {
    const acceptance = s.termsAccepted;
    s.nextAwardDate = firstAwardDate(acceptance.acceptedOn, settings.awardDay);
    await acts.sendNotice(
      await acts.recordEnrollment({
        accountId: s.accountId,
        companyName: s.companyName,
        captain: captain(),
        termsVersion: acceptance.version,
        acceptedOn: acceptance.acceptedOn,
        firstAwardDate: s.nextAwardDate,
        tier: s.tier,
      }),
    );
    s.state = 'enrolled';
    publish();
    await condition(() => withdrawal !== null);
  }

  const w = withdrawal as WithdrawInput | null;
  if (w) {
    await acts.sendNotice(await acts.recordWithdrawal({ accountId: s.accountId, companyName: s.companyName, captain: captain(), reason: w.reason }));
    s.state = 'withdrawn';
    s.nextAwardDate = null;
    publish();
  }
  return s;
}

function refusal(type: string, message: string, field?: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: field ? [{ field }] : [] });
}

