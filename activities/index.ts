import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { createCertificationActivities } from './certification';
import { createCreditActivities } from './credits';
import { createIncentiveActivities } from './incentives';
import { createLoyaltyActivities } from './loyalty';
import { createAwardActivities } from './loyalty';
import type { Mailer } from '../services/mailer';
import { sendNotice } from '../services/outbox';
import { unsentStatementNotices } from '../db/creditsStatements';

export interface ActivityDeps {
  db: Knex;
  /** Starts workflows that outlive the one asking (a lot's lifecycle after its award). */
  temporal: Client;
  mailer: Mailer;
  config: { mailFrom: string };
}

/** Every activity, built over its dependencies; workflows proxy `Activities` by type only. */
export function createActivities({ db, mailer, config, temporal }: ActivityDeps) {
  return {
    ...createLoyaltyActivities({ db }),
    ...createAwardActivities({ db, temporal, mailer, config }),
    ...createCreditActivities({ db, temporal }),
    ...createCertificationActivities({ db }),
    ...createIncentiveActivities({ db }),
    sendNotice: (key: string) => sendNotice({ db, mailer, mailFrom: config.mailFrom }, key),
    /** CLC-8: sends the month's statements not yet sent; returns how many went out. */
    async sendStatements(month: string): Promise<number> {
      const keys = await unsentStatementNotices(db, month);
      for (const key of keys) await sendNotice({ db, mailer, mailFrom: config.mailFrom }, key);
      return keys.length;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
