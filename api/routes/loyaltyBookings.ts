import { futureBookingsYearProblem, type Bookings, type Nomination } from '../../domain/loyalty';
import { unprocessable } from '../errors';

// LOY-6: a bookings year in the future is refused at the edge, each such year named by its field, before
// anything is started or written (ALL-3). The account workflow's validator refuses it too.

export interface BookingsYearField {
  field: string;
  fiscalYear: number;
}

/** Every bookings year a nomination names, with its request field (`bookings.0.fiscalYear`, `companies.1.bookings.0.fiscalYear`). */
export function bookingYearsOf(n: Nomination): BookingsYearField[] {
  const list = (prefix: string, bookings: readonly Bookings[]) =>
    bookings.map((b, i) => ({ field: `${prefix}bookings.${i}.fiscalYear`, fiscalYear: b.fiscalYear }));
  return 'company' in n ? list('', n.bookings) : n.companies.flatMap((c, i) => list(`companies.${i}.`, c.bookings));
}

/** 422 naming each field whose fiscal year has not begun on `today`. */
export function refuseFutureBookings(years: readonly BookingsYearField[], today: string): void {
  const errors = years.flatMap(({ field, fiscalYear }) => {
    const message = futureBookingsYearProblem(fiscalYear, today);
    return message ? [{ field, message }] : [];
  });
  if (errors.length > 0)
    throw unprocessable(errors.length === 1 ? errors[0]!.message : 'Bookings of fiscal years not begun are refused', errors);
}
