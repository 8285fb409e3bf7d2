import type { Knex } from 'knex';
import { insertNominatedAccount, setAccountState } from '../db/accounts';
import { enqueueNotice } from '../db/notifications';
import type { IsoDate } from '../domain/calendar';
import type { Nomination } from '../domain/nomination';
import * as notices from './loyaltyNotices';

// Each activity records one fact and its notice in one transaction, keyed by business ids, and returns
// the notice key for `sendNotice`. Retried, it writes nothing twice (ALL-2).

const noticeKey = (accountId: string, event: string) => `account-${accountId}:${event}`;

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
      const id = noticeKey(input.accountId, 'terms-waiting');
      const { company, teamCaptain } = input.nomination;
      await db.transaction(async (trx) => {
        await insertNominatedAccount(trx, input);
        await enqueueNotice(trx, {
          id,
          accountId: input.accountId,
          kind: 'terms-waiting',
          recipient: teamCaptain.email,
          ...notices.termsWaiting({ companyName: company.name, captainName: teamCaptain.name, termsVersion: input.termsVersion, lapsesOn: input.lapsesOn }),
        });
      });
      return id;
    },

    async recordTermsReminder(input: {
      accountId: string;
      reminderNumber: number;
      companyName: string;
      captain: { name: string; email: string };
      termsVersion: string;
      lapsesOn: IsoDate;
    }): Promise<string> {
      const id = noticeKey(input.accountId, `terms-${input.termsVersion}-reminder-${input.reminderNumber}`);
      await enqueueNotice(db, {
        id,
        accountId: input.accountId,
        kind: 'terms-reminder',
        recipient: input.captain.email,
        ...notices.termsReminder({ companyName: input.companyName, captainName: input.captain.name, termsVersion: input.termsVersion, lapsesOn: input.lapsesOn }),
      });
      return id;
    },

    async recordLapse(input: { accountId: string; companyName: string; captain: { name: string; email: string } }): Promise<string> {
      const id = noticeKey(input.accountId, 'lapsed');
      await db.transaction(async (trx) => {
        await setAccountState(trx, input.accountId, 'lapsed');
        await enqueueNotice(trx, { id, accountId: input.accountId, kind: 'lapsed', recipient: input.captain.email, ...notices.nominationLapsed({ companyName: input.companyName, captainName: input.captain.name }) });
      });
      return id;
    },

    async recordEnrollment(input: {
      accountId: string;
      companyName: string;
      captain: { name: string; email: string; ccoId: string };
      termsVersion: string;
      acceptedOn: IsoDate;
      firstAwardDate: IsoDate;
      tier: number | null;
    }): Promise<string> {
      const id = noticeKey(input.accountId, `terms-${input.termsVersion}-accepted`);
      await db.transaction(async (trx) => {
        await trx('terms_acceptances')
          .insert({ account_id: input.accountId, terms_version: input.termsVersion, accepted_by: input.captain.ccoId, accepted_on: input.acceptedOn })
          .onConflict(['account_id', 'terms_version'])
          .ignore();
        await setAccountState(trx, input.accountId, 'enrolled', input.tier);
        await enqueueNotice(trx, {
          id,
          accountId: input.accountId,
          kind: 'enrolled',
          recipient: input.captain.email,
          ...notices.enrolled({ companyName: input.companyName, captainName: input.captain.name, firstAwardDate: input.firstAwardDate, tier: input.tier }),
        });
      });
      return id;
    },

    async recordWithdrawal(input: { accountId: string; companyName: string; captain: { name: string; email: string }; reason: string }): Promise<string> {
      const id = noticeKey(input.accountId, 'withdrawn');
      await db.transaction(async (trx) => {
        await setAccountState(trx, input.accountId, 'withdrawn');
        await enqueueNotice(trx, { id, accountId: input.accountId, kind: 'withdrawn', recipient: input.captain.email, ...notices.withdrawn({ companyName: input.companyName, captainName: input.captain.name, reason: input.reason }) });
      });
      return id;
    },
  };
}
