import type { AuditEntry } from '../db/audit';
import { changeAudited, recordCarriedAudit } from './audit';
import type { ActivityDeps } from './index';
import {
  claimCompany,
  insertCompanies,
  insertNominatedAccount,
  recordTermsAcceptance,
  setAutoApproval,
  tierTableFor,
  updateAccount,
} from '../db/loyalty';
import { endEarlierLifecycle } from '../db/loyaltyRenomination';
import type { IsoDate } from '../domain/calendar';
import { membersOf, type Nomination, type TierTable } from '../domain/loyalty';
import type { Company } from '../domain/loyaltyGroups';
import * as emails from '../emails/loyalty';
import { awardActivities } from './loyaltyAwards';
import { redemptionsAfterAccountChange } from './credits';
import { tellLots } from '../services/credits';
import { bookingsActivities } from './loyaltyBookings';
import { changeAndNotify, factsOf, notify, type AccountParty, type Person } from './loyaltyNotices';

// Each activity records one fact and its notice in one transaction, keyed by business ids, and returns
// the notice key for `sendNotice`. Retried, it writes nothing twice (ALL-2).

export type { AccountParty } from './loyaltyNotices';

/** A fiscal year's tier as told to the Team Captain (LOY-6, LOY-11), and the award it applies from. */
type TierNews = {
  fy: number;
  tier: number | null;
  averageUsd: number;
  quarterlyCredits: number;
  nextAwardDate?: IsoDate | null;
  /** LOY-6: an award that waited for this tier, made today. */
  waitedAward?: { quarter: string; madeOn: IsoDate } | null;
};

export function createLoyaltyActivities(deps: ActivityDeps) {
  return {
    ...nominationActivities(deps),
    ...tierActivities(deps),
    ...bookingsActivities(deps),
    ...accountActivities(deps),
    ...awardActivities(deps),
  };
}

/** A nomination as its account's workflow records it (LOY-1, LOY-10: `lifecycle` 2 on for a group nominated again). */
type NominationRecord = {
  accountId: string;
  nomination: Nomination;
  nominatedBy: string;
  nominatedOn: IsoDate;
  termsVersion: string;
  lapsesOn: IsoDate;
  lifecycle?: number;
};

/** LOY-1 … LOY-5: from nomination to enrollment, or to the nomination's lapse. */
function nominationActivities({ db, temporal }: ActivityDeps) {
  return {
    async recordNomination(input: NominationRecord & { audit?: AuditEntry }): Promise<string> {
      const { teamCaptain } = input.nomination;
      const companyName = membersOf(input.nomination).group.name;
      const party = { accountId: input.accountId, companyName, captain: teamCaptain, lifecycle: input.lifecycle };
      const email = emails.termsWaiting({ ...factsOf(party), termsVersion: input.termsVersion, lapsesOn: input.lapsesOn });
      const { lifecycle = 1 } = input;
      const [noticeKey, endedLots] = await changeAudited(db, input.audit, async (trx) => {
        // LOY-10: before the row becomes the new lifecycle's, the earlier one's credits end (audited).
        const ended = lifecycle > 1 ? await endEarlierLifecycle(trx, { ...input, lifecycle, teamCaptain }) : [];
        await insertNominatedAccount(trx, input);
        return [await notify(trx, party, 'terms-waiting', 'terms-waiting', email), ended] as const;
      });
      // The lots' Balance search attribute follows; the ledger, not this, is what counts (a lost signal is harmless).
      if (endedLots.length > 0) await tellLots(temporal, db, endedLots).catch(() => undefined);
      return noticeKey;
    },

    /** LOY-4: a reminder while the terms wait. */
    async recordTermsReminder(input: AccountParty & { reminderNumber: number; termsVersion: string; lapsesOn: IsoDate }): Promise<string> {
      const email = emails.termsReminder({ ...factsOf(input), termsVersion: input.termsVersion, lapsesOn: input.lapsesOn });
      return notify(db, input, `terms-${input.termsVersion}-reminder-${input.reminderNumber}`, 'terms-reminder', email);
    },

    async recordLapse(input: AccountParty): Promise<string> {
      return changeAndNotify(db, input, { state: 'lapsed' }, 'lapsed', 'lapsed', emails.nominationLapsed(factsOf(input)));
    },

    /** LOY-4: who accepted which version, when. */
    async recordTermsAcceptance(input: {
      accountId: string;
      version: string;
      ccoId: string;
      acceptedOn: IsoDate;
      lifecycle?: number;
      audit?: AuditEntry;
    }): Promise<void> {
      await changeAudited(db, input.audit, (trx) => recordTermsAcceptance(trx, input));
    },

    async recordEnrollment(
      input: AccountParty & {
        firstAwardDate: IsoDate;
        tier: number | null;
        averageUsd?: number;
        fy?: number;
        nextRetierOn?: IsoDate | null;
      },
    ): Promise<string> {
      const { firstAwardDate, tier, averageUsd, fy, nextRetierOn } = input;
      const changes = { state: 'enrolled', tier, nextAwardDate: firstAwardDate, missingBookings: null, bookingsAskedOn: null };
      const email = emails.enrolled({ ...factsOf(input), firstAwardDate, tier, averageUsd, fy, nextRetierOn });
      return changeAndNotify(db, input, changes, 'enrolled', 'enrolled', email);
    },
  };
}

/** LOY-5, LOY-6: the tier tables, the bookings they are applied to, and each year's new tier. */
function tierActivities({ db }: ActivityDeps) {
  return {
    /** LOY-3: a company added to the group account (its bookings count from the next re-tier, in the workflow). */
    async recordCompanyJoined(input: { accountId: string; company: Company }): Promise<void> {
      await insertCompanies(db, input.accountId, [input.company]);
    },

    /**
     * LOY-3: the company joins the account unless another open account holds it (decided by Postgres, so two
     * accounts claiming it at once cannot both have it); `heldBy` names the holder when it was refused.
     */
    claimCompany: (input: { accountId: string; company: Company; audit?: AuditEntry }) =>
      db.transaction(async (trx) => {
        const claim = await claimCompany(trx, input.accountId, input.company);
        // Issue 24: a company refused (held by another account) joined nothing, so nothing is recorded.
        if (claim.heldBy === null) await recordCarriedAudit(trx, input.audit);
        return claim;
      }),

    /** LOY-5: the tier table of a fiscal year (or the latest earlier one). */
    async tierTableFor(fy: number): Promise<TierTable> {
      const table = await tierTableFor(db, fy);
      if (!table) throw new Error(`No tier table for FY${fy} or any earlier year`);
      return table;
    },

    /** LOY-6: the fiscal year's tier, told to the Team Captain (once set, no bookings are asked for any more). */
    async recordRetier(input: AccountParty & TierNews): Promise<string> {
      const email = emails.newTier({ ...input, ...factsOf(input) });
      const changes = { tier: input.tier, missingBookings: null, bookingsAskedOn: null };
      return changeAndNotify(db, input, changes, `tier-FY${input.fy}`, 'tier', email);
    },

    /** LOY-11: the fiscal year's tier decided again from a table published or corrected in its Q1. */
    async recordTierCorrection(
      input: AccountParty &
        TierNews & { previous?: { tier: number | null; quarterlyCredits: number }; firstOwnTable?: boolean; tableVersion?: number },
    ): Promise<string> {
      const email = emails.tierCorrected({ ...input, ...factsOf(input) });
      // A second correction of the same year that lands on the same tier is a notice of its own.
      const version = input.tableVersion === undefined ? '' : `-table-v${input.tableVersion}`;
      const event = `tier-FY${input.fy}-corrected-${input.tier ?? 'none'}-${input.quarterlyCredits}${version}`;
      return changeAndNotify(db, input, { tier: input.tier }, event, 'tier-corrected', email);
    },
  };
}

/** LOY-7 … LOY-9: an enrolled account's terms, captain, approvals and end. */
function accountActivities(deps: ActivityDeps) {
  const { db } = deps;
  const redemptions = redemptionsAfterAccountChange(deps);
  return {
    /** LOY-8: an award not made because the current terms are not accepted. */
    async recordAwardWithheld(
      input: AccountParty & { quarter: string; termsVersion: string; nextAwardDate: IsoDate | null },
    ): Promise<string> {
      const email = emails.awardWithheld({ ...factsOf(input), quarter: input.quarter, termsVersion: input.termsVersion });
      return changeAndNotify(db, input, { nextAwardDate: input.nextAwardDate }, `award-${input.quarter}-withheld`, 'award-withheld', email);
    },

    async recordNextAwardDate(input: { accountId: string; nextAwardDate: IsoDate | null }): Promise<void> {
      await updateAccount(db, input.accountId, { nextAwardDate: input.nextAwardDate });
    },

    /** LOY-8: a new Team Captain, told of the appointment. */
    async recordCaptainChange(
      input: AccountParty & { captain: Person & { ccoId: string }; changeNumber: number; audit?: AuditEntry },
    ): Promise<string> {
      const [event, email] = [`captain-${input.changeNumber}-${input.captain.ccoId}`, emails.captainAppointed(factsOf(input))];
      const key = await changeAndNotify(db, input, { captain: input.captain }, event, 'captain-appointed', email, input.audit);
      // CLC-6: the requests waiting for the old captain now wait for this one, who is told which.
      await redemptions.captainReplaced(input);
      return key;
    },

    /** LOY-8: a new terms version that the captain must accept before the next award. */
    async recordNewTerms(input: AccountParty & { termsVersion: string }): Promise<string> {
      const email = emails.newTermsWaiting({ ...factsOf(input), termsVersion: input.termsVersion });
      return changeAndNotify(
        db,
        input,
        { termsVersion: input.termsVersion },
        `terms-${input.termsVersion}-waiting`,
        'terms-waiting',
        email,
      );
    },

    async recordAutoApproval(input: { accountId: string; enabled: boolean; audit?: AuditEntry }): Promise<void> {
      await changeAudited(db, input.audit, (trx) => setAutoApproval(trx, input.accountId, input.enabled));
      // CLC-6 [default]: turned on, it approves the requests already waiting too.
      if (input.enabled) await redemptions.autoApprovalOn(input.accountId);
    },

    async recordWithdrawal(input: AccountParty & { reason: string; audit?: AuditEntry }): Promise<string> {
      const changes = { state: 'withdrawn', nextAwardDate: null };
      const email = emails.withdrawn({ ...factsOf(input), reason: input.reason });
      return changeAndNotify(db, input, changes, 'withdrawn', 'withdrawn', email, input.audit);
    },
  };
}
