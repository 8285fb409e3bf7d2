import { describe, expect, it } from 'vitest';
import { evaluateEligibility, PROGRAM_COUNTRIES } from '../../domain/loyalty';
import { nominationFor } from '../helpers/loyalty';

describe('eligibility (LOY-2)', () => {
  const asOf = '2026-11-24';

  it('LOY-2: a configurable list of 32 countries where the program runs', () => {
    expect(PROGRAM_COUNTRIES).toHaveLength(32);
    expect(new Set(PROGRAM_COUNTRIES).size).toBe(32);
  });

  it('LOY-2: an end user averaging at least $1M with a Team Captain in a program country is eligible', () => {
    const verdict = evaluateEligibility(nominationFor(asOf, { yearlyUsd: 1_000_000 }), { asOf });
    expect(verdict).toEqual({ eligible: true, averageUsd: 1_000_000, reasons: [] });
  });

  it('LOY-2: a rejected nomination says every reason, not only the first', () => {
    const n = nominationFor(asOf, { yearlyUsd: 999_999 });
    n.company.endUser = false;
    n.company.country = 'ZZ';
    n.teamCaptain.ccoId = ' ';
    const verdict = evaluateEligibility(n, { asOf });
    expect(verdict.eligible).toBe(false);
    expect(verdict.reasons.map((r) => r.field).sort()).toEqual(['bookings', 'company.country', 'company.endUser', 'teamCaptain.ccoId']);
  });

  it('LOY-1, LOY-2: bookings must cover the prior three fiscal years', () => {
    const n = nominationFor(asOf, { yearlyUsd: 50_000_000 });
    n.bookings = n.bookings.filter((b) => b.fiscalYear !== 2025);
    const verdict = evaluateEligibility(n, { asOf });
    expect(verdict.reasons).toContainEqual({ field: 'bookings', message: 'bookings are missing for FY2025' });
  });

  it('LOY-2: the country list is configurable', () => {
    const n = nominationFor(asOf);
    expect(evaluateEligibility(n, { asOf, countries: ['DE'] }).reasons.map((r) => r.field)).toEqual(['company.country']);
  });
});
