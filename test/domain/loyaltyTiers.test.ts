import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideTier, mergeBookings, missingBookingYears, nextRetierDateAfter, retierDateOf } from '../../domain/loyalty';
import {
  FY22_TIER_TABLE,
  quarterlyCreditsFor,
  tableForFiscalYear,
  threeYearAverageUsd,
  tierFor,
  validateTierTable,
  type TierTable,
} from '../../domain/loyalty';

describe('tiers (LOY-5, LOY-6)', () => {
  it('LOY-5: the FY22 bands and their quarterly credits', () => {
    expect(
      [1_000_000, 10_000_000, 10_000_001, 25_000_000, 25_000_001, 50_000_000, 50_000_001, 100_000_000, 100_000_001].map((usd) =>
        tierFor(usd),
      ),
    ).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5]);
    expect([1, 2, 3, 4, 5].map((t) => quarterlyCreditsFor(t as 1))).toEqual([75, 125, 200, 575, 1175]);
    expect([1, 2, 3, 4, 5].map((t) => 4 * quarterlyCreditsFor(t as 1))).toEqual([300, 500, 800, 2300, 4700]);
  });

  it('LOY-5: under $1M there is no tier; just over $10M is tier 2', () => {
    expect(tierFor(999_999.99)).toBeNull();
    expect(tierFor(0)).toBeNull();
    expect(tierFor(10_000_000.5)).toBe(2);
  });

  it('LOY-5: the tier never falls as the average rises', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 500_000_000, noNaN: true }), fc.double({ min: 0, max: 500_000_000, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(tierFor(hi) ?? 0).toBeGreaterThanOrEqual(tierFor(lo) ?? 0);
      }),
    );
  });

  it('LOY-5: a year without its own table uses the latest earlier one', () => {
    const fy25: TierTable = { ...FY22_TIER_TABLE, fiscalYear: 2025 };
    const tables = [FY22_TIER_TABLE, fy25];
    expect(tableForFiscalYear(tables, 2024)?.fiscalYear).toBe(2022);
    expect(tableForFiscalYear(tables, 2025)?.fiscalYear).toBe(2025);
    expect(tableForFiscalYear(tables, 2030)?.fiscalYear).toBe(2025);
    expect(tableForFiscalYear(tables, 2021)).toBeUndefined();
  });

  it('LOY-5: a table with gaps, overlaps or a closed top band is refused with its problems', () => {
    expect(validateTierTable(FY22_TIER_TABLE)).toEqual([]);
    const broken = structuredClone(FY22_TIER_TABLE);
    broken.bands[2]!.minUsd = 26_000_000;
    broken.bands[4]!.maxUsd = 200_000_000;
    broken.bands[0]!.quarterlyCredits = 0;
    const problems = validateTierTable(broken);
    expect(problems).toHaveLength(3);
    expect(problems.join(' ')).toMatch(/tier 3 must start/);
  });

  it('LOY-1, LOY-5: the average is of direct plus indirect bookings over the three years', () => {
    const bookings = [
      { fiscalYear: 2024, directUsd: 1_500_000, indirectUsd: 500_000 },
      { fiscalYear: 2025, directUsd: 2_000_000, indirectUsd: 0 },
      { fiscalYear: 2026, directUsd: 2_500_000, indirectUsd: 500_000 },
    ];
    expect(threeYearAverageUsd(bookings, [2024, 2025, 2026])).toBe(7_000_000 / 3);
  });

  it('LOY-6, LOY-11: a year with no bookings on record is never counted as $0: no average, no tier is decided from it', () => {
    // $1.2M a year for FY2024–FY2026, FY2027 not on record: counted as $0 it would be $800,000, no tier.
    const bookings = [2024, 2025, 2026].map((fiscalYear) => ({ fiscalYear, directUsd: 1_200_000, indirectUsd: 0 }));
    expect(() => threeYearAverageUsd(bookings, [2025, 2026, 2027])).toThrow('FY2027 has no bookings on record');
    expect(() => decideTier(bookings, '2027-08-31', FY22_TIER_TABLE)).toThrow('FY2027 has no bookings on record');
    expect(decideTier(bookings, '2027-07-31', FY22_TIER_TABLE)).toEqual({ tier: 1, averageUsd: 1_200_000, quarterlyCredits: 75 });
  });

  it('LOY-6: the tier is re-set on the August re-tier day from the latest three years', () => {
    expect(retierDateOf(2028)).toBe('2027-08-31');
    expect(nextRetierDateAfter('2026-11-24')).toBe('2027-08-31');
    expect(nextRetierDateAfter('2027-08-31')).toBe('2028-08-31');
    expect(nextRetierDateAfter('2027-08-30')).toBe('2027-08-31');
    const bookings = [2024, 2025, 2026, 2027].map((fiscalYear) => ({
      fiscalYear,
      directUsd: fiscalYear === 2027 ? 30_000_000 : 3_000_000,
      indirectUsd: 0,
    }));
    expect(decideTier(bookings, '2027-08-31', FY22_TIER_TABLE)).toEqual({ tier: 2, averageUsd: 12_000_000, quarterlyCredits: 125 });
    expect(
      decideTier(
        bookings.map((b) => ({ ...b, directUsd: 900_000 })),
        '2027-08-31',
        FY22_TIER_TABLE,
      ),
    ).toEqual({ tier: null, averageUsd: 900_000, quarterlyCredits: 0 });
  });

  it('LOY-6: a later report of a year replaces it, and only the latest years are kept', () => {
    const merged = mergeBookings(
      [2022, 2023, 2024, 2025].map((fiscalYear) => ({ fiscalYear, directUsd: 1, indirectUsd: 0 })),
      { fiscalYear: 2026, directUsd: 5, indirectUsd: 0 },
    );
    expect(merged.map((b) => b.fiscalYear)).toEqual([2023, 2024, 2025, 2026]);
    expect(mergeBookings(merged, { fiscalYear: 2025, directUsd: 9, indirectUsd: 1 }).find((b) => b.fiscalYear === 2025)).toEqual({
      fiscalYear: 2025,
      directUsd: 9,
      indirectUsd: 1,
    });
  });

  it('LOY-11: the years of the three before a date with no bookings on record', () => {
    const b = (fiscalYear: number) => ({ fiscalYear, directUsd: 1, indirectUsd: 0 });
    expect(missingBookingYears([b(2024), b(2025), b(2026)], '2027-07-31')).toEqual([]);
    expect(missingBookingYears([b(2024), b(2025), b(2026)], '2027-08-01')).toEqual([2027]);
    expect(missingBookingYears([b(2026)], '2027-08-01')).toEqual([2025, 2027]);
  });
});
