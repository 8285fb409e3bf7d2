// LOY-1, LOY-3: what a nomination names (a corporate group and every member company, each with its own
// bookings) and the group account they make. Pure: used inside workflows and by the API alike.
import type { Bookings } from './loyalty';

export interface Company {
  id: string;
  name: string;
  country: string;
  endUser: boolean;
}

/** LOY-3: a member company of a group account, with its own prior fiscal years of bookings. */
export interface MemberCompany extends Company {
  bookings: Bookings[];
}

export interface CorporateGroup {
  id: string;
  name: string;
}

interface Nominated {
  teamCaptain: { name: string; email: string; ccoId: string };
  /** LOY-11: who is asked for bookings missing at enrolment (absent in nominations made before it). */
  accountManager?: { name: string; email: string };
}

/** LOY-1 as released in v0.1.0: one company and its bookings, a group of one. */
export interface CompanyNomination extends Nominated {
  company: Company & { corporateGroupId: string };
  bookings: Bookings[];
}

/** LOY-3: the group and every member company. */
export interface GroupNomination extends Nominated {
  group: CorporateGroup;
  companies: MemberCompany[];
}

/** LOY-1, LOY-3: what an Account Manager's nomination names, in either shape. */
export type Nomination = CompanyNomination | GroupNomination;

/** A nomination read as a group: its members, their combined bookings, and the request field of each. */
export interface Members {
  group: CorporateGroup;
  companies: MemberCompany[];
  /** LOY-3: the group's bookings, each fiscal year summed over the members. */
  bookings: Bookings[];
  /** True for a one-company nomination (v0.1.0 shape): its fields are `company.*` and `bookings`. */
  single: boolean;
  /** The request field of member `i`'s `field`: `company.country` or `companies.1.country`. */
  fieldOf: (i: number, field: keyof MemberCompany) => string;
}

export function membersOf(n: Nomination): Members {
  if ('company' in n) {
    const { corporateGroupId, ...company } = n.company;
    return {
      group: { id: corporateGroupId, name: company.name },
      companies: [{ ...company, bookings: n.bookings }],
      bookings: n.bookings.map((b) => ({ ...b })),
      single: true,
      fieldOf: (_i, field) => (field === 'bookings' ? 'bookings' : `company.${field}`),
    };
  }
  return {
    group: n.group,
    companies: n.companies,
    bookings: combineBookings(n.companies.map((c) => c.bookings)),
    single: false,
    fieldOf: (i, field) => `companies.${i}.${field}`,
  };
}

/** LOY-3: bookings summed fiscal year by fiscal year (direct with direct, indirect with indirect), oldest first. */
export function combineBookings(lists: readonly (readonly Bookings[])[]): Bookings[] {
  const byYear = new Map<number, Bookings>();
  for (const b of lists.flat()) {
    const sum = byYear.get(b.fiscalYear) ?? { fiscalYear: b.fiscalYear, directUsd: 0, indirectUsd: 0 };
    byYear.set(b.fiscalYear, { ...sum, directUsd: sum.directUsd + b.directUsd, indirectUsd: sum.indirectUsd + b.indirectUsd });
  }
  return [...byYear.values()].sort((a, b) => a.fiscalYear - b.fiscalYear);
}

/** LOY-2, LOY-3: a member must be an end user in a program country; `who` names it among several. */
export function companyReasons(c: Company, countries: readonly string[], fieldOf: (field: 'endUser' | 'country') => string, who?: string) {
  const reasons: { field: string; message: string }[] = [];
  if (!c.endUser) reasons.push({ field: fieldOf('endUser'), message: `${who ?? 'the company'} must be an end user` });
  if (!countries.includes(c.country))
    reasons.push({ field: fieldOf('country'), message: `the program does not run in ${c.country}${who ? ` (${who})` : ''}` });
  return reasons;
}
