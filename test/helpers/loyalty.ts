import type { CompanyNomination, GroupNomination } from '../../domain/loyalty';
import { priorFiscalYears, type IsoDate } from '../../domain/calendar';

/** A valid nomination (LOY-1) whose bookings cover the three fiscal years before `asOf`. */
export function nominationFor(
  asOf: IsoDate,
  overrides: { id?: string; group?: string; yearlyUsd?: number; ccoId?: string } = {},
): CompanyNomination {
  const group = overrides.group ?? 'ACME';
  const yearly = overrides.yearlyUsd ?? 3_000_000;
  return {
    company: { id: overrides.id ?? `${group}-1`, name: `${group} Corp`, country: 'US', endUser: true, corporateGroupId: group },
    teamCaptain: { name: 'Dana Lee', email: `captain@${group.toLowerCase()}.example`, ccoId: overrides.ccoId ?? 'dlee' },
    accountManager: { name: 'Avery Stone', email: `am-${group.toLowerCase()}@cisco.example` },
    bookings: priorFiscalYears(asOf).map((fiscalYear) => ({ fiscalYear, directUsd: yearly * 0.75, indirectUsd: yearly * 0.25 })),
  };
}

/** LOY-3: a group nomination; each member `[id suffix, yearly bookings]` has its own three prior years. */
export function groupNominationFor(asOf: IsoDate, group: string, members: [string, number][]): GroupNomination {
  return {
    group: { id: group, name: `${group} Group` },
    companies: members.map(([suffix, yearly]) => ({
      id: `${group}-${suffix}`,
      name: `${group} ${suffix}`,
      country: 'US',
      endUser: true,
      bookings: priorFiscalYears(asOf).map((fiscalYear) => ({ fiscalYear, directUsd: yearly, indirectUsd: 0 })),
    })),
    teamCaptain: { name: 'Dana Lee', email: `captain@${group.toLowerCase()}.example`, ccoId: 'dlee' },
    accountManager: { name: 'Avery Stone', email: `am-${group.toLowerCase()}@cisco.example` },
  };
}
