import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, addYears } from '../../domain/calendar';
import {
  anniversaryAfter,
  anniversaryOf,
  csatMeasurementDates,
  csatShortfalls,
  firstCsatMeasurement,
  firstCsatMeasurementOf,
  newPartnerSince,
  lapseDate,
  lostOn,
  nextAnniversary,
  noticeIsTimely,
  recertReminderDates,
  recertWindowOpens,
  unmetRequirements,
  type Requirements,
} from '../../domain/certification';

const all: Requirements = {
  specializations: ['advanced-technology'],
  hybridItService: { type: 'cisco-cloud-service', endCustomerSla: true, description: true, resaleLifecycleProcess: true },
  resaleAgreement: true,
  customerService8x5: true,
  preSalesSupport: true,
  termsAccepted: true,
};
const anyDate = fc.integer({ min: 0, max: 30_000 }).map((n) => addDays('2000-01-01', n));

describe('Premier Certification rules (CERT-1 … CERT-5)', () => {
  it('CERT-1: all requirements met is no refusal; each one missed is listed', () => {
    expect(unmetRequirements(all)).toEqual([]);
    const none: Requirements = {
      specializations: ['silver'],
      hybridItService: { type: 'cisco-cloud-service', endCustomerSla: false, description: false, resaleLifecycleProcess: false },
      resaleAgreement: false,
      customerService8x5: false,
      preSalesSupport: false,
      termsAccepted: false,
    };
    expect(unmetRequirements(none).map((u) => u.field)).toEqual([
      'specializations',
      'hybridItService.endCustomerSla',
      'hybridItService.description',
      'hybridItService.resaleLifecycleProcess',
      'resaleAgreement',
      'customerService8x5',
      'preSalesSupport',
      'termsAccepted',
    ]);
    expect(unmetRequirements({ ...all, hybridItService: null }).map((u) => u.field)).toEqual(['hybridItService.type']);
  });

  it('CERT-2: Re-Cert opens 90 days before the anniversary; reminders 60 and 30 days before', () => {
    expect(recertWindowOpens('2027-11-24')).toBe('2027-08-26');
    expect(recertReminderDates('2027-11-24')).toEqual(['2027-09-25', '2027-10-25']);
  });

  it('CERT-3: renewals count until 30 days after the anniversary; lost the day after; next anniversary a year on', () => {
    expect(lapseDate('2027-11-24')).toBe('2027-12-24');
    expect(lostOn('2027-11-24')).toBe('2027-12-25');
    expect(nextAnniversary('2028-02-29')).toBe('2029-02-28');
    fc.assert(
      fc.property(anyDate, (a) => {
        expect(recertWindowOpens(a) < a && a < lapseDate(a) && lapseDate(a) < lostOn(a)).toBe(true);
        expect(nextAnniversary(a)).toBe(addYears(a, 1));
      }),
    );
  });

  it('CERT-2: the n-th anniversary is the approval date plus n years, each from the approval date (CAL-4)', () => {
    expect([1, 2, 3, 4, 8].map((n) => anniversaryOf('2028-02-29', n))).toEqual([
      '2029-02-28',
      '2030-02-28',
      '2031-02-28',
      '2032-02-29',
      '2036-02-29',
    ]);
    expect(anniversaryOf('2026-03-10', 5)).toBe('2031-03-10');
    // The one after an anniversary, drifted or not: 2031-02-28 is followed by 2032-02-29.
    expect(anniversaryAfter('2028-02-29', '2031-02-28')).toBe('2032-02-29');
    expect(anniversaryAfter('2028-02-29', '2029-02-28')).toBe('2030-02-28');
    expect(anniversaryAfter('2026-08-31', '2027-08-31')).toBe('2028-08-31');
  });

  it('CERT-4: a partner certified in the previous six months is not new: measured from the first date after approval', () => {
    expect(newPartnerSince('2041-05-01')).toBe('2040-11-01');
    expect(newPartnerSince('2041-08-31')).toBe('2041-02-28');
    expect(firstCsatMeasurementOf('2041-05-01', true)).toBe('2042-07-01');
    expect(firstCsatMeasurementOf('2041-05-01', false)).toBe('2041-07-01');
    expect(firstCsatMeasurementOf('2041-07-01', false)).toBe('2042-01-01');
    expect(firstCsatMeasurementOf('2041-12-31', false)).toBe('2042-01-01');
  });

  it('CERT-4: measured each January and July; the first after a full 12 months of certification', () => {
    expect(csatMeasurementDates('2027-01-01', '2028-07-01')).toEqual(['2027-01-01', '2027-07-01', '2028-01-01', '2028-07-01']);
    expect(firstCsatMeasurement('2026-11-24')).toBe('2028-01-01');
    expect(firstCsatMeasurement('2027-01-01')).toBe('2028-01-01');
    expect(firstCsatMeasurement('2026-11-24', 6)).toBe('2027-07-01'); // Premier to Gold: six months
    fc.assert(
      fc.property(anyDate, (d) => {
        const first = firstCsatMeasurement(d);
        expect(first >= addMonths(d, 12)).toBe(true);
        expect(csatMeasurementDates(addMonths(d, 12), addDays(first, -1))).toEqual([]);
      }),
    );
  });

  it('CERT-4: 10 responses and the Low Score Follow-Up; 30 for Premier to Gold at the first measurement', () => {
    expect(csatShortfalls({ responsesIn12Months: 10, lowScoreFollowUpDone: true, first: true })).toEqual([]);
    expect(csatShortfalls({ responsesIn12Months: 9, lowScoreFollowUpDone: false, first: false })).toEqual([
      '9 survey responses, 10 needed',
      'the Low Score Follow-Up is not done',
    ]);
    expect(csatShortfalls({ responsesIn12Months: 29, lowScoreFollowUpDone: true, first: true, premierToGold: true })).toEqual([
      '29 survey responses, 30 needed',
    ]);
  });

  it('CERT-5: notice is timely within 30 days of becoming aware', () => {
    expect(noticeIsTimely('2027-01-01', '2027-01-31')).toBe(true);
    expect(noticeIsTimely('2027-01-01', '2027-02-01')).toBe(false);
  });
});
