import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addYears,
  awardDateOf,
  daysBetween,
  firstAwardDate,
  fiscalQuarterOf,
  fiscalYearOf,
  isIsoDate,
  nextAwardDateAfter,
  priorFiscalYears,
} from '../../domain/calendar';

// Any calendar date from 1990 to 2100.
const anyDate = fc.integer({ min: 0, max: 40_000 }).map((n) => addDays('1990-01-01', n));
const awardMonths = ['10', '01', '04', '07'];

describe('calendar (CAL-1 … CAL-4)', () => {
  it('CAL-1: the fiscal year runs 1 August to 31 July and is named by the year it ends in', () => {
    expect(fiscalYearOf('2026-07-31')).toBe(2026);
    expect(fiscalYearOf('2026-08-01')).toBe(2027);
    expect(fiscalYearOf('2027-07-31')).toBe(2027);
    expect(fiscalYearOf('2026-12-31')).toBe(2027);
    expect(fiscalYearOf('2027-01-01')).toBe(2027);
  });

  it('CAL-2: quarters are Aug–Oct, Nov–Jan, Feb–Apr, May–Jul, at their edges', () => {
    expect(fiscalQuarterOf('2026-08-01')).toEqual({ fy: 2027, q: 1 });
    expect(fiscalQuarterOf('2026-10-31')).toEqual({ fy: 2027, q: 1 });
    expect(fiscalQuarterOf('2026-11-01')).toEqual({ fy: 2027, q: 2 });
    expect(fiscalQuarterOf('2027-01-31')).toEqual({ fy: 2027, q: 2 });
    expect(fiscalQuarterOf('2027-02-01')).toEqual({ fy: 2027, q: 3 });
    expect(fiscalQuarterOf('2027-04-30')).toEqual({ fy: 2027, q: 3 });
    expect(fiscalQuarterOf('2027-05-01')).toEqual({ fy: 2027, q: 4 });
    expect(fiscalQuarterOf('2027-07-31')).toEqual({ fy: 2027, q: 4 });
  });

  it('CAL-2, CAL-3: the award date is the award day of October, January, April and July', () => {
    expect([1, 2, 3, 4].map((q) => awardDateOf(2027, q as 1 | 2 | 3 | 4))).toEqual([
      '2026-10-15',
      '2027-01-15',
      '2027-04-15',
      '2027-07-15',
    ]);
    expect(awardDateOf(2027, 1, 31)).toBe('2026-10-31');
    expect(awardDateOf(2027, 3, 31)).toBe('2027-04-30'); // clamped to April's end
    expect(() => awardDateOf(2027, 1, 0)).toThrow(RangeError);
  });

  it('CAL-4: adding months or years clamps to the end of the month', () => {
    expect(addYears('2028-02-29', 1)).toBe('2029-02-28');
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2027-03-31', -1)).toBe('2027-02-28');
    expect(addYears('2027-03-15', 1)).toBe('2028-03-15');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('CAL-4: months added never overflow into the next month, and keep the day when it exists', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -60, max: 60 }), (d, n) => {
        const r = addMonths(d, n);
        expect(isIsoDate(r)).toBe(true);
        const monthIndex = (s: string) => Number(s.slice(0, 4)) * 12 + Number(s.slice(5, 7)) - 1;
        expect(monthIndex(r) - monthIndex(d)).toBe(n);
        const day = Number(d.slice(8));
        expect(Number(r.slice(8))).toBe(Math.min(day, Number(addDays(addMonths(`${r.slice(0, 7)}-01`, 1), -1).slice(8))));
      }),
    );
  });

  it('CAL-4: adding days is plain calendar arithmetic', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -1000, max: 1000 }), (d, n) => {
        expect(daysBetween(d, addDays(d, n))).toBe(n);
        expect(addDays(addDays(d, n), -n)).toBe(d);
      }),
    );
  });

  it('CAL-1, CAL-2: a date and its quarter agree on the fiscal year; the quarter holds its award date', () => {
    fc.assert(
      fc.property(anyDate, (d) => {
        const { fy, q } = fiscalQuarterOf(d);
        expect(fy).toBe(fiscalYearOf(d));
        const award = awardDateOf(fy, q);
        expect(fiscalQuarterOf(award)).toEqual({ fy, q });
        expect(awardMonths).toContain(award.slice(5, 7));
      }),
    );
  });

  it('LOY-4: the first award is the award date of the next quarter, strictly after acceptance', () => {
    expect(firstAwardDate('2026-11-24')).toBe('2027-04-15');
    expect(firstAwardDate('2026-10-15')).toBe('2027-01-15'); // accepted on an award day: next quarter's
    expect(firstAwardDate('2027-07-31')).toBe('2027-10-15');
    fc.assert(
      fc.property(anyDate, (d) => {
        const first = firstAwardDate(d);
        expect(first > d).toBe(true);
        const accepted = fiscalQuarterOf(d);
        const expected = accepted.q === 4 ? { fy: accepted.fy + 1, q: 1 } : { fy: accepted.fy, q: accepted.q + 1 };
        expect(fiscalQuarterOf(first)).toEqual(expected);
        expect(first.slice(8)).toBe('15');
      }),
    );
  });

  it('CAL-2: the next award date is the first award date strictly after a date, with none between', () => {
    fc.assert(
      fc.property(anyDate, (d) => {
        const next = nextAwardDateAfter(d);
        expect(next > d).toBe(true);
        expect(awardMonths).toContain(next.slice(5, 7));
        expect(daysBetween(d, next)).toBeLessThanOrEqual(92);
        for (let x = addDays(d, 1); x < next; x = addDays(x, 1))
          expect(x.slice(8) === '15' && awardMonths.includes(x.slice(5, 7))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('LOY-1: the prior three fiscal years are those before the one the date falls in', () => {
    expect(priorFiscalYears('2026-11-24')).toEqual([2024, 2025, 2026]);
    expect(priorFiscalYears('2026-07-31')).toEqual([2023, 2024, 2025]);
  });

  it('CAL-3: only real calendar dates are dates', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2027-02-29')).toBe(false);
    expect(isIsoDate('2027-13-01')).toBe(false);
    expect(isIsoDate('2027-1-01')).toBe(false);
  });

  it('issue 24: years 0001–0099 are those years, not 1901–1999 (Date.UTC reads them as 19xx)', () => {
    expect(addDays('0050-12-31', 1)).toBe('0051-01-01');
    expect(addDays('0001-01-01', -1)).toBe('0000-12-31');
    expect(daysBetween('0099-01-01', '0100-01-01')).toBe(365);
    expect(daysBetween('1999-01-01', '2000-01-01')).toBe(365);
    expect(daysBetween('0099-12-31', '1999-12-31')).toBe(693_960);
    // Year 0 is a leap year (divisible by 400); 1900, which Date.UTC would read, is not.
    expect(isIsoDate('0000-02-29')).toBe(true);
    expect(addDays('0000-02-28', 1)).toBe('0000-02-29');
    expect(isIsoDate('0096-02-29')).toBe(true);
    expect(isIsoDate('0100-02-29')).toBe(false);
  });

  it('issue 24: a day past 9999-12-31 or before 0000-01-01 has no YYYY-MM-DD name, so it is an error', () => {
    expect(addDays('9999-12-26', 5)).toBe('9999-12-31');
    expect(() => addDays('9999-12-31', 5)).toThrow(RangeError);
    expect(() => addDays('0000-01-01', -1)).toThrow(RangeError);
  });
});
