import type { AuditEntry } from '../db/audit';
import { saveBookings, updateAccount } from '../db/loyalty';
import type { IsoDate } from '../domain/calendar';
import type { Bookings } from '../domain/loyalty';
import * as emails from '../emails/loyaltyBookings';
import { changeAudited } from './audit';
import type { ActivityDeps } from './index';
import { factsOf, notify, type AccountParty, type Person } from './loyaltyNotices';

// LOY-6, LOY-11: bookings as the Account Manager records them, and the asking for a fiscal year not on
// record (never counted as $0): the ask, its weekly reminders, and the "bookings missing" queue's row.

/** Bookings asked of the Account Manager: which years, for which fiscal year's tier, since when. */
type BookingsAsked = AccountParty & { fy: number; years: number[]; askedOn: IsoDate; accountManager?: Person };

/**
 * Who is asked for bookings: the nominating Account Manager; a nomination made before one was named goes
 * to ops, who may record bookings too (never to the Team Captain, who may not).
 */
const recorderOf = (am: Person | undefined, opsEmail: string): { name: string | null; email: string } =>
  am ?? { name: null, email: opsEmail };

export function bookingsActivities({ db, config }: ActivityDeps) {
  return {
    /** LOY-6: a fiscal year's bookings (a later report of the same year replaces the earlier one). */
    async recordBookings(input: { accountId: string; bookings: Bookings; audit?: AuditEntry }): Promise<void> {
      await changeAudited(db, input.audit, (trx) => saveBookings(trx, input.accountId, input.bookings));
    },

    /** LOY-11: terms accepted, the tier waiting for bookings not on record; the Account Manager is asked. */
    async recordBookingsMissing(
      input: AccountParty & { years: number[]; acceptedOn: IsoDate; accountManager?: Person; askedOn?: IsoDate },
    ): Promise<string> {
      const to = recorderOf(input.accountManager, config.opsEmail);
      const { accountId, years, acceptedOn, companyName } = input;
      const email = emails.bookingsMissing({ companyName, name: to.name, accountId, years, acceptedOn });
      return db.transaction(async (trx) => {
        const asked = { missingBookings: years, bookingsAskedOn: input.askedOn ?? acceptedOn };
        await updateAccount(trx, accountId, { state: 'enrolled', tier: null, nextAwardDate: null, ...asked });
        return notify(trx, input, `bookings-missing-FY${years.join('-FY')}`, 'bookings-missing', email, to);
      });
    },

    /**
     * LOY-6: at the August re-tier a year of the three is not on record: the tier waits (no tier meanwhile,
     * the next award date kept: that award waits too) and the Account Manager is asked, in one transaction.
     */
    async recordRetierBookingsMissing(input: BookingsAsked & { nextAwardDate: IsoDate | null }): Promise<string> {
      const to = recorderOf(input.accountManager, config.opsEmail);
      const { fy, years, nextAwardDate } = input;
      const email = emails.retierBookingsMissing({ ...factsOf(input), name: to.name, fy, years, nextAwardDate });
      return db.transaction(async (trx) => {
        await updateAccount(trx, input.accountId, { tier: null, missingBookings: years, bookingsAskedOn: input.askedOn });
        return notify(trx, input, `tier-FY${fy}-bookings-missing-FY${years.join('-FY')}`, 'bookings-missing', email, to);
      });
    },

    /** LOY-6, LOY-11: the asked bookings are still not recorded: the Account Manager is reminded. */
    async recordBookingsReminder(input: BookingsAsked & { reminderNumber: number }): Promise<string> {
      const to = recorderOf(input.accountManager, config.opsEmail);
      const { fy, years, askedOn } = input;
      const email = emails.bookingsReminder({ ...factsOf(input), name: to.name, fy, years, askedOn });
      return notify(db, input, `bookings-FY${fy}-asked-${askedOn}-reminder-${input.reminderNumber}`, 'bookings-reminder', email, to);
    },
  };
}
