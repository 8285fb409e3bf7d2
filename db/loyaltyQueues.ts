import type { Knex } from 'knex';
import type { IsoDate } from '../domain/calendar';
import type { Page } from '../api/schemas/common';
import type { LoyaltyState } from '../workflows/loyaltyDefinitions';
import { ACCOUNTS } from './loyalty';

// The portal's lists of loyalty accounts: a Team Captain's own, the nominations still waiting for terms, and
// the accounts whose tier waits for bookings asked of their Account Manager.

export interface AccountQueueRow {
  id: string;
  state: LoyaltyState;
  tier: number | null;
  captainName: string;
  captainCcoId: string;
  nominatedBy: string;
  nominatedOn: IsoDate;
  termsVersion: string;
  nextAwardDate: IsoDate | null;
  autoApproval: boolean;
}

const columns = {
  id: 'id',
  state: 'state',
  tier: 'tier',
  captainName: 'captain_name',
  captainCcoId: 'captain_cco_id',
  nominatedBy: 'nominated_by',
  nominatedOn: 'nominated_on',
  termsVersion: 'terms_version',
  nextAwardDate: 'next_award_date',
  autoApproval: 'auto_approval',
} as const;

/** ALL-3, LOY-8: the accounts whose Team Captain is this CCO id now (a replaced captain's are gone at once). */
export async function accountsOfCaptain(db: Knex, ccoId: string, page: Page): Promise<AccountQueueRow[]> {
  return db(ACCOUNTS)
    .where({ captain_cco_id: ccoId })
    .orderBy('id')
    .select<AccountQueueRow[]>(columns)
    .limit(page.limit)
    .offset(page.offset);
}

/** LOY-4: nominations whose terms still wait for their captain, oldest first; an Account Manager's own when `managedBy`. */
export async function nominationsWaiting(db: Knex, page: Page, managedBy?: string): Promise<AccountQueueRow[]> {
  return db(ACCOUNTS)
    .where({ state: 'nominated' })
    .modify((q) => {
      if (managedBy !== undefined) void q.where({ account_manager_id: managedBy });
    })
    .orderBy([{ column: 'nominated_on' }, { column: 'id' }])
    .select<AccountQueueRow[]>(columns)
    .limit(page.limit)
    .offset(page.offset);
}

/** LOY-6, LOY-11: an account whose tier (and next award) waits for fiscal years of bookings not on record. */
export interface BookingsMissingRow extends AccountQueueRow {
  missingBookings: number[];
  askedOn: IsoDate;
}

/** LOY-6, LOY-11: accounts whose tier waits for bookings, longest asked first; an Account Manager's own when `managedBy`. */
export async function bookingsMissing(db: Knex, page: Page, managedBy?: string): Promise<BookingsMissingRow[]> {
  return db(ACCOUNTS)
    .whereNotNull('missing_bookings')
    .where({ state: 'enrolled' })
    .modify((q) => {
      if (managedBy !== undefined) void q.where({ account_manager_id: managedBy });
    })
    .orderBy([{ column: 'bookings_asked_on' }, { column: 'id' }])
    .select<BookingsMissingRow[]>({ ...columns, missingBookings: 'missing_bookings', askedOn: 'bookings_asked_on' })
    .limit(page.limit)
    .offset(page.offset);
}
