// LOY-6, LOY-11: bookings on record and the years that are not. A year not on record is asked for, never
// counted as $0; a year not begun is refused. Pure: used inside workflows and by the API alike.
import { addDays, fiscalYearOf, priorFiscalYears, type IsoDate } from './calendar';
import type { Bookings } from './loyalty';

/** LOY-6, LOY-11: the fiscal years of the three before `asOf` that have no bookings on record (never counted as $0). */
export function missingBookingYears(bookings: readonly Bookings[], asOf: IsoDate): number[] {
  return priorFiscalYears(asOf).filter((fy) => !bookings.some((b) => b.fiscalYear === fy));
}

/** LOY-6 [default]: the Account Manager asked for a missing year is reminded every 7 days until it is recorded. */
export const BOOKINGS_REMINDER_DAYS = 7;

/** LOY-6: the day of reminder number `remindersSent + 1` about bookings asked for on `askedOn`. */
export const bookingsReminderDate = (askedOn: IsoDate, remindersSent: number): IsoDate =>
  addDays(askedOn, BOOKINGS_REMINDER_DAYS * (remindersSent + 1));

/**
 * LOY-6: a bookings year in the future is refused; the fiscal year of `today` (still running) and earlier
 * ones are accepted. The refusal's words, or null when the year may be recorded.
 */
export function futureBookingsYearProblem(fiscalYear: number, today: IsoDate): string | null {
  const current = fiscalYearOf(today);
  return fiscalYear > current ? `FY${fiscalYear} has not begun: bookings are recorded for FY${current} or earlier` : null;
}
