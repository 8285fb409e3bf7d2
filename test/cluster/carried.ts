// An account as continue-as-new carries it into a new account-year, its award due today (as
// bench/awardsDev.ts builds it): on a real cluster no clock can be skipped to an award month.
import type { Db } from '../../db/connect';
import type { IsoDate } from '../../domain/calendar';
import { FY22_TIER_TABLE, nextRetierDateAfter } from '../../domain/loyalty';
import { defaultLoyaltySettings, type LoyaltyAccountInput, type LoyaltyAccountState } from '../../workflows/loyaltyDefinitions';
import { initialState } from '../../workflows/loyaltyState';
import { nominationFor } from '../helpers/loyalty';

const TERMS = 'T1';

export async function carriedAccount(db: Db, accountId: string, today: IsoDate): Promise<LoyaltyAccountInput> {
  const input = {
    accountId,
    nomination: nominationFor(today, { group: accountId }),
    nominatedBy: 'account-manager:am-test',
    nominatedOn: today,
    termsVersion: TERMS,
    settings: defaultLoyaltySettings,
  };
  const nominated = initialState(input);
  const carried: LoyaltyAccountState = {
    ...nominated,
    state: 'enrolled',
    lapsesOn: today,
    termsAccepted: { version: TERMS, acceptedBy: 'dlee', acceptedOn: today },
    quarterlyCredits: FY22_TIER_TABLE.bands.find((b) => b.tier === nominated.tier)!.quarterlyCredits,
    nextAwardDate: today,
    nextRetierOn: nextRetierDateAfter(today, defaultLoyaltySettings.retierDay),
  };
  // The row enrollment would have written; the award updates it and its lot refers to it.
  await db('accounts').insert({
    id: accountId,
    corporate_group_id: carried.corporateGroupId,
    state: 'enrolled',
    tier: carried.tier,
    captain_name: carried.teamCaptain.name,
    captain_email: carried.teamCaptain.email,
    captain_cco_id: carried.teamCaptain.ccoId,
    nominated_by: input.nominatedBy,
    nominated_on: today,
    terms_version: TERMS,
    next_award_date: today,
  });
  return { ...input, carried };
}
