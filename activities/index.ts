import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { createCertificationActivities } from './certification';
import { createCreditActivities } from './credits';
import { createIncentiveActivities } from './incentives';
import { createLoyaltyActivities } from './loyalty';
import type { Mailer } from '../services/mailer';
import { mailDepsOf, sendNotice } from '../services/outbox';

export interface ActivityDeps {
  db: Knex;
  /** Starts workflows that outlive the one asking (a lot's lifecycle after its award). */
  temporal: Client;
  mailer: Mailer;
  /**
   * mailFrom: the sender of every notice; opsEmail: where the notices to ops go (CLC-4, CERT-5);
   * publicUrl: where the emails' links lead (ALL-5, PUBLIC_URL).
   */
  config: { mailFrom: string; opsEmail: string; publicUrl?: string };
}

/** Every activity, built over its dependencies; workflows proxy `Activities` by type only. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createLoyaltyActivities(deps),
    ...createCreditActivities(deps),
    ...createCertificationActivities(deps),
    ...createIncentiveActivities(deps),
    /** ALL-2: sends one recorded notice from the outbox, once (every capability's notices). */
    sendNotice: (key: string) => sendNotice(mailDepsOf(deps), key),
  };
}

export type Activities = ReturnType<typeof createActivities>;
