import { log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { awardLotRecord } from '../workflows/creditsDefinitions';
import { startLotWorkflow } from './credits';
import type { Mailer } from '../services/mailer';
import { sendNotice } from '../services/outbox';
import { insertNominatedAccount, updateAccount, writeAwardRows } from '../db/loyalty';
import { enqueueNotice } from '../db/notifications';
import { tierTableFor } from '../db/loyalty';
import type { IsoDate } from '../domain/calendar';
import { lotExpiryDate } from '../domain/credits';
import type { Nomination } from '../domain/loyalty';
import type { Bookings, TierTable } from '../domain/loyalty';
import * as notices from '../emails/loyalty';

// Each activity records one fact and its notice in one transaction, keyed by business ids, and returns
// the notice key for `sendNotice`. Retried, it writes nothing twice (ALL-2).

type Person = { name: string; email: string };
type Db = Knex | Knex.Transaction;

const noticeKey = (accountId: string, event: string) => `account-${accountId}:${event}`;

/** Records a notice for the account's Team Captain and returns its key. */
async function notify(
  db: Db,
  accountId: string,
  event: string,
  kind: string,
  to: Person,
  text: { subject: string; body: string },
): Promise<string> {
  const id = noticeKey(accountId, event);
  await enqueueNotice(db, { id, accountId, kind, recipient: to.email, ...text });
  return id;
}

export const awardLotId = (accountId: string, quarter: string) => `LA-${accountId}-${quarter}`;

export interface AwardInput {
  accountId: string;
  companyName: string;
  captain: Person;
  quarter: string;
  awardDate: IsoDate;
  credits: number;
  nextAwardDate: IsoDate | null;
}

/** LOY-7: the award's lot, its ledger entry, the account's next award date and the captain's notice, at once. */
export async function writeAward(db: Knex, input: AwardInput): Promise<{ lotId: string; noticeKey: string }> {
  const lotId = awardLotId(input.accountId, input.quarter);
  const expiresOn = lotExpiryDate(input.awardDate); // CLC-2: an awarded lot expires a year after its award
  const key = noticeKey(input.accountId, `award-${input.quarter}`);
  const text = notices.award({
    companyName: input.companyName,
    captainName: input.captain.name,
    credits: input.credits,
    quarter: input.quarter,
    lotId,
    expiresOn,
  });
  await writeAwardRows(db, {
    lot: {
      id: lotId,
      accountId: input.accountId,
      ownerEmail: input.captain.email,
      credits: input.credits,
      issuedOn: input.awardDate,
      expiresOn,
      awardQuarter: input.quarter,
    },
    actor: 'system:loyalty-award',
    nextAwardDate: input.nextAwardDate,
    notice: { id: key, accountId: input.accountId, kind: 'award', recipient: input.captain.email, ...text },
  });
  return { lotId, noticeKey: key };
}

export function createLoyaltyActivities({ db }: { db: Knex }) {
  return {
    async recordNomination(input: {
      accountId: string;
      nomination: Nomination;
      nominatedBy: string;
      nominatedOn: IsoDate;
      termsVersion: string;
      lapsesOn: IsoDate;
    }): Promise<string> {
      const { company, teamCaptain } = input.nomination;
      return db.transaction(async (trx) => {
        await insertNominatedAccount(trx, input);
        return notify(
          trx,
          input.accountId,
          'terms-waiting',
          'terms-waiting',
          teamCaptain,
          notices.termsWaiting({
            companyName: company.name,
            captainName: teamCaptain.name,
            termsVersion: input.termsVersion,
            lapsesOn: input.lapsesOn,
          }),
        );
      });
    },

    async recordTermsReminder(input: {
      accountId: string;
      reminderNumber: number;
      companyName: string;
      captain: Person;
      termsVersion: string;
      lapsesOn: IsoDate;
    }): Promise<string> {
      return notify(
        db,
        input.accountId,
        `terms-${input.termsVersion}-reminder-${input.reminderNumber}`,
        'terms-reminder',
        input.captain,
        notices.termsReminder({
          companyName: input.companyName,
          captainName: input.captain.name,
          termsVersion: input.termsVersion,
          lapsesOn: input.lapsesOn,
        }),
      );
    },

    async recordLapse(input: { accountId: string; companyName: string; captain: Person }): Promise<string> {
      return db.transaction(async (trx) => {
        await updateAccount(trx, input.accountId, { state: 'lapsed' });
        return notify(
          trx,
          input.accountId,
          'lapsed',
          'lapsed',
          input.captain,
          notices.nominationLapsed({ companyName: input.companyName, captainName: input.captain.name }),
        );
      });
    },

    /** LOY-4: who accepted which version, when. */
    async recordTermsAcceptance(input: { accountId: string; version: string; ccoId: string; acceptedOn: IsoDate }): Promise<void> {
      await db('terms_acceptances')
        .insert({ account_id: input.accountId, terms_version: input.version, accepted_by: input.ccoId, accepted_on: input.acceptedOn })
        .onConflict(['account_id', 'terms_version'])
        .ignore();
    },

    async recordEnrollment(input: {
      accountId: string;
      companyName: string;
      captain: Person;
      firstAwardDate: IsoDate;
      tier: number | null;
    }): Promise<string> {
      return db.transaction(async (trx) => {
        await updateAccount(trx, input.accountId, { state: 'enrolled', tier: input.tier, nextAwardDate: input.firstAwardDate });
        return notify(
          trx,
          input.accountId,
          'enrolled',
          'enrolled',
          input.captain,
          notices.enrolled({
            companyName: input.companyName,
            captainName: input.captain.name,
            firstAwardDate: input.firstAwardDate,
            tier: input.tier,
          }),
        );
      });
    },

    /** LOY-5: the tier table of a fiscal year (or the latest earlier one). */
    async tierTableFor(fy: number): Promise<TierTable> {
      const table = await tierTableFor(db, fy);
      if (!table) throw new Error(`No tier table for FY${fy} or any earlier year`);
      return table;
    },

    /** LOY-6: the fiscal year's tier, told to the Team Captain. */
    async recordRetier(input: {
      accountId: string;
      companyName: string;
      captain: Person;
      fy: number;
      tier: number | null;
      averageUsd: number;
      quarterlyCredits: number;
    }): Promise<string> {
      return db.transaction(async (trx) => {
        await updateAccount(trx, input.accountId, { tier: input.tier });
        return notify(
          trx,
          input.accountId,
          `tier-FY${input.fy}`,
          'tier',
          input.captain,
          notices.newTier({ ...input, captainName: input.captain.name }),
        );
      });
    },

    /** LOY-7: the quarter's credits as a new lot, its ledger entry and the captain's notice, once. */
    async recordAward(input: AwardInput): Promise<{ lotId: string; noticeKey: string }> {
      return writeAward(db, input);
    },

    /** LOY-8: an award not made because the current terms are not accepted. */
    async recordAwardWithheld(input: {
      accountId: string;
      companyName: string;
      captain: Person;
      quarter: string;
      termsVersion: string;
      nextAwardDate: IsoDate | null;
    }): Promise<string> {
      return db.transaction(async (trx) => {
        await updateAccount(trx, input.accountId, { nextAwardDate: input.nextAwardDate });
        return notify(
          trx,
          input.accountId,
          `award-${input.quarter}-withheld`,
          'award-withheld',
          input.captain,
          notices.awardWithheld({
            companyName: input.companyName,
            captainName: input.captain.name,
            quarter: input.quarter,
            termsVersion: input.termsVersion,
          }),
        );
      });
    },

    async recordNextAwardDate(input: { accountId: string; nextAwardDate: IsoDate | null }): Promise<void> {
      await updateAccount(db, input.accountId, { nextAwardDate: input.nextAwardDate });
    },

    /** LOY-8: a new Team Captain, told of the appointment. */
    async recordCaptainChange(input: {
      accountId: string;
      companyName: string;
      captain: Person & { ccoId: string };
      changeNumber: number;
    }): Promise<string> {
      return db.transaction(async (trx) => {
        await updateAccount(trx, input.accountId, { captain: input.captain });
        return notify(
          trx,
          input.accountId,
          `captain-${input.changeNumber}-${input.captain.ccoId}`,
          'captain-appointed',
          input.captain,
          notices.captainAppointed({ companyName: input.companyName, captainName: input.captain.name }),
        );
      });
    },

    /** LOY-8: a new terms version that the captain must accept before the next award. */
    async recordNewTerms(input: { accountId: string; companyName: string; captain: Person; termsVersion: string }): Promise<string> {
      return db.transaction(async (trx) => {
        await updateAccount(trx, input.accountId, { termsVersion: input.termsVersion });
        return notify(
          trx,
          input.accountId,
          `terms-${input.termsVersion}-waiting`,
          'terms-waiting',
          input.captain,
          notices.newTermsWaiting({ companyName: input.companyName, captainName: input.captain.name, termsVersion: input.termsVersion }),
        );
      });
    },

    /** LOY-6: a fiscal year's bookings (a later report of the same year replaces the earlier one). */
    async recordBookings(input: { accountId: string; bookings: Bookings }): Promise<void> {
      const b = input.bookings;
      await db('bookings')
        .insert({ account_id: input.accountId, fiscal_year: b.fiscalYear, direct_usd: b.directUsd, indirect_usd: b.indirectUsd })
        .onConflict(['account_id', 'fiscal_year'])
        .merge();
    },

    async recordAutoApproval(input: { accountId: string; enabled: boolean }): Promise<void> {
      await db('accounts').where({ id: input.accountId }).update({ auto_approval: input.enabled, updated_at: db.fn.now() });
    },

    async recordWithdrawal(input: { accountId: string; companyName: string; captain: Person; reason: string }): Promise<string> {
      return db.transaction(async (trx) => {
        await updateAccount(trx, input.accountId, { state: 'withdrawn', nextAwardDate: null });
        return notify(
          trx,
          input.accountId,
          'withdrawn',
          'withdrawn',
          input.captain,
          notices.withdrawn({ companyName: input.companyName, captainName: input.captain.name, reason: input.reason }),
        );
      });
    },
  };
}

// LOY-7 as one step, run as a local activity inside the award's workflow task: the award's rows (lot,
// ledger entry, outbox notice: one statement), then the lot's own workflow and the captain's email at
// the same time. One workflow task per award instead of four workflow tasks and three activity tasks:
// server round trips and worker CPU per award are what bound award throughput (bench/awards.ts).
//
// Retried whole (an attempt failed, or the worker died before the workflow task completed), it repeats
// nothing: the rows are keyed by the award's business ids, a lot workflow already running or closed is
// left be, and a notice already marked sent is not sent again (a crash between the SMTP hand-off and the
// mark resends it with the same Message-ID, as every notice does: ALL-2).

export interface AwardAndStartLotInput extends AwardInput {
  captain: { name: string; email: string };
  /** The queue the lot's workflow runs on (the account's own, unless a deployment separates them). */
  lotTaskQueue: string;
}

export function createAwardActivities(deps: { db: Knex; temporal: Client; mailer: Mailer; config: { mailFrom: string } }) {
  const { db, temporal, mailer, config } = deps;
  return {
    /**
     * `noticeSent: false` when only the email failed: the workflow then sends it with the `sendNotice`
     * activity, which the server retries for as long as the mail server is down, where a failing local
     * activity would add a timer to the account's history for every retry.
     */
    async awardAndStartLot(input: AwardAndStartLotInput): Promise<{ lotId: string; noticeKey: string; noticeSent?: boolean }> {
      const { lotId, noticeKey } = await writeAward(db, input);
      const [, noticeSent] = await Promise.all([
        startLotWorkflow(temporal, awardLotRecord({ ...input, lotId }), input.lotTaskQueue),
        sendNotice({ db, mailer, mailFrom: config.mailFrom }, noticeKey).then(
          () => true,
          (err: unknown) => {
            warn('award email not sent; the workflow retries it as an activity', { noticeKey, error: String(err) });
            return false;
          },
        ),
      ]);
      return { lotId, noticeKey, noticeSent };
    },
  };
}

/** The activity's logger; called outside a worker (tests call activities directly) there is none. */
function warn(message: string, attrs: Record<string, unknown>) {
  try {
    log.warn(message, attrs);
  } catch {
    // no activity context
  }
}
