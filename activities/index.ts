import type { Knex } from 'knex';
import { createCreditActivities } from './credits';
import { createLoyaltyActivities } from './loyalty';
import type { Mailer } from './mailer';
import { sendNotice } from './notify';

export interface ActivityDeps {
  db: Knex;
  mailer: Mailer;
  config: { mailFrom: string };
}

/** Every activity, built over its dependencies; workflows proxy `Activities` by type only. */
export function createActivities({ db, mailer, config }: ActivityDeps) {
  return {
    ...createLoyaltyActivities({ db }),
    ...createCreditActivities({ db }),
    sendNotice: (key: string) => sendNotice({ db, mailer, mailFrom: config.mailFrom }, key),
  };
}

export type Activities = ReturnType<typeof createActivities>;
