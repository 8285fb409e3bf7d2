import { describe, expect, it } from 'vitest';
import { decideTier, evaluateEligibility, FY22_TIER_TABLE, membersOf } from '../../domain/loyalty';
import { groupNominationFor, nominationFor } from '../helpers/loyalty';

describe('group accounts (LOY-3)', () => {
  const asOf = '2026-11-24';

  it("LOY-3: eligibility uses the group's combined bookings: two members under $1M each make an eligible group", () => {
    const n = groupNominationFor(asOf, 'DUO', [
      ['A', 600_000],
      ['B', 500_000],
    ]);
    expect(evaluateEligibility(n, { asOf })).toEqual({ eligible: true, averageUsd: 1_100_000, reasons: [] });
    const alone = groupNominationFor(asOf, 'SOLO', [['A', 600_000]]);
    expect(evaluateEligibility(alone, { asOf }).reasons).toEqual([
      { field: 'companies', message: "the group's 3-year average of FY2024–FY2026 bookings is $600,000, under $1,000,000" },
    ]);
  });

  it('LOY-3: every member must be an end user in a program country with its own three years; each bad one is named', () => {
    const n = groupNominationFor(asOf, 'MIX', [
      ['A', 5_000_000],
      ['B', 5_000_000],
      ['C', 5_000_000],
    ]);
    n.companies[1]!.country = 'ZZ';
    n.companies[1]!.endUser = false;
    n.companies[2]!.bookings = n.companies[2]!.bookings.filter((b) => b.fiscalYear !== 2025);
    expect(evaluateEligibility(n, { asOf }).reasons).toEqual([
      { field: 'companies.1.endUser', message: 'MIX B must be an end user' },
      { field: 'companies.1.country', message: 'the program does not run in ZZ (MIX B)' },
      { field: 'companies.2.bookings', message: 'bookings of MIX C are missing for FY2025' },
    ]);
  });

  it("LOY-3: the tier is the band of the group's combined average", () => {
    const n = groupNominationFor(asOf, 'TIER', [
      ['A', 6_000_000],
      ['B', 6_000_000],
    ]);
    const { bookings } = membersOf(n);
    expect(bookings).toEqual([
      { fiscalYear: 2024, directUsd: 12_000_000, indirectUsd: 0 },
      { fiscalYear: 2025, directUsd: 12_000_000, indirectUsd: 0 },
      { fiscalYear: 2026, directUsd: 12_000_000, indirectUsd: 0 },
    ]);
    expect(decideTier(bookings, asOf, FY22_TIER_TABLE)).toEqual({ tier: 2, averageUsd: 12_000_000, quarterlyCredits: 125 });
  });

  it('LOY-3: a nomination of one company (v0.1.0) is a group of one', () => {
    const n = nominationFor(asOf, { group: 'ONE' });
    const members = membersOf(n);
    expect(members.group).toEqual({ id: 'ONE', name: 'ONE Corp' });
    expect(members.companies.map((c) => c.id)).toEqual(['ONE-1']);
    expect(members.bookings).toEqual(n.bookings);
  });
});
