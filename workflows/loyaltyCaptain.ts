// LOY-8: the Account Manager or ops replaces the Team Captain; the new captain is told.
import { condition, patched } from '@temporalio/workflow';
import { accountAudit, type AuditActor } from './loyaltyAudit';
import type { LoyaltyAccountState, TeamCaptain } from './loyaltyDefinitions';
import type { LoyaltyAccount } from './loyaltyState';
import { acts } from './shared';

/**
 * Issue 24: the workflow's captain changes only once Postgres recorded the change and its audit row: a change
 * the activity refuses (RefusedData, a 422) leaves the workflow, the account row and the record as they were.
 * One replacement at a time, checked again in its turn (the one before may have appointed the same person).
 * v0.1.0 set the captain first and recorded it after.
 */
export async function replaceCaptain(a: LoyaltyAccount, captain: TeamCaptain, by?: AuditActor): Promise<LoyaltyAccountState> {
  if (!patched('loyalty-captain-set-after-its-record')) return replaceCaptainFirst(a, captain, by);
  await condition(() => !a.captainChanging);
  a.captainChanging = true;
  let noticeKey: string;
  try {
    a.validateReplaceCaptain(captain);
    await a.whenRecorded();
    const audit = accountAudit(a.s.accountId, by, 'team-captain', { teamCaptain: a.s.teamCaptain }, { teamCaptain: captain });
    const changeNumber = a.s.captainChanges + 1;
    noticeKey = await acts.recordCaptainChange({ ...a.party(), captain, changeNumber, audit });
    a.s.captainChanges = changeNumber;
    a.s.teamCaptain = { ...captain };
    a.publish();
  } finally {
    a.captainChanging = false;
  }
  // The next replacement need not wait for this notice: a mailbox that refuses for a while (LOY-9's wedge)
  // must not hold the account's next captain change.
  await acts.sendNotice(noticeKey);
  return a.s;
}

/** v0.1.0's order, for the runs that took it. */
async function replaceCaptainFirst(a: LoyaltyAccount, captain: TeamCaptain, by?: AuditActor): Promise<LoyaltyAccountState> {
  const audit = accountAudit(a.s.accountId, by, 'team-captain', { teamCaptain: a.s.teamCaptain }, { teamCaptain: captain });
  a.s.captainChanges += 1;
  a.s.teamCaptain = { ...captain };
  a.publish();
  await a.whenRecorded();
  await acts.sendNotice(await acts.recordCaptainChange({ ...a.party(), captain, changeNumber: a.s.captainChanges, audit }));
  return a.s;
}
