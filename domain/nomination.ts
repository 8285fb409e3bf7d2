import type { Bookings } from './tiers';

/** LOY-1: what an Account Manager's nomination names. */
export interface Nomination {
  company: { id: string; name: string; country: string; endUser: boolean; corporateGroupId: string };
  teamCaptain: { name: string; email: string; ccoId: string };
  bookings: Bookings[];
}
