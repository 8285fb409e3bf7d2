import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../domain/calendar';
import {
  allocateNearestExpiryFirst,
  CLC_COUNTRIES,
  countryNotCleared,
  draftStatement,
  requestProblems,
  voucherIdOf,
  voucherReminderDate,
  examVoucherExpiry,
  extendedExpiry,
  extensionWindow,
  holdReleaseDate,
  lastExamVoucherOrderDate,
  lotExpiryDate,
  orderCredits,
  purchaseActivationDate,
  redemptionProblems,
  reminderDates,
} from '../../domain/credits';

describe('Learning Credit rules (CLC-1 … CLC-7)', () => {
  it('CLC-1: orders are made of the sold packages; anything else is named', () => {
    expect(
      orderCredits([
        { size: 500, quantity: 2 },
        { size: 10, quantity: 3 },
        { size: 1, quantity: 1 },
      ]),
    ).toEqual({ credits: 1031, problems: [] });
    expect(
      orderCredits([
        { size: 1500, quantity: 1 },
        { size: 50, quantity: 1 },
      ]).problems,
    ).toEqual(['packages.1.size: 50 is not a package size (1, 10, 100, 500, 1500)']);
  });

  it('CLC-2: a purchase activates within 1 to 5 days and expires a year after its invoice, clamped', () => {
    expect(purchaseActivationDate('2026-11-24')).toBe('2026-11-29');
    expect(lotExpiryDate('2026-11-24')).toBe('2027-11-24');
    expect(lotExpiryDate('2028-02-29')).toBe('2029-02-28');
  });

  it('CLC-3: reminders 90, 30 and 7 days before expiry', () => {
    expect(reminderDates('2027-11-24')).toEqual(['2027-08-26', '2027-10-25', '2027-11-17']);
  });

  it('CLC-4: one six-month extension, requested from 60 days before to 60 days after expiry', () => {
    expect(extendedExpiry('2027-08-31')).toBe('2028-02-29');
    expect(extendedExpiry('2026-08-31')).toBe('2027-02-28');
    expect(extensionWindow('2027-11-24')).toEqual({ opens: '2027-09-25', closes: '2028-01-23' });
  });

  it('CLC-5: exam vouchers by five days before expiry, valid 12 months; training begins before expiry; events registered before it', () => {
    expect(lastExamVoucherOrderDate('2027-03-01')).toBe('2027-02-24');
    expect(examVoucherExpiry('2027-02-24')).toBe('2028-02-24');
    const expiry = '2027-03-01';
    expect(redemptionProblems({ kind: 'exam-voucher', credits: 1, requestedOn: '2027-02-24' }, expiry)).toEqual([]);
    expect(redemptionProblems({ kind: 'exam-voucher', credits: 1, requestedOn: '2027-02-25' }, expiry)).toEqual([
      'exam vouchers must be ordered by 2027-02-24',
    ]);
    expect(redemptionProblems({ kind: 'training', credits: 1, requestedOn: '2027-01-01', startsOn: '2027-02-28' }, expiry)).toEqual([]);
    expect(redemptionProblems({ kind: 'training', credits: 1, requestedOn: '2027-01-01', startsOn: '2027-03-01' }, expiry)).toEqual([
      'training must begin before 2027-03-01',
    ]);
    expect(redemptionProblems({ kind: 'event', credits: 1, requestedOn: '2027-02-28', startsOn: '2027-06-10' }, expiry)).toEqual([]);
    expect(redemptionProblems({ kind: 'event', credits: 1, requestedOn: '2027-03-01', startsOn: '2027-06-10' }, expiry)).toEqual([
      'the credits expired on 2027-03-01',
    ]);
  });

  it('CLC-6: a hold lasts all of its 45th day and is released the day after, never past the expiry of its credits', () => {
    expect(holdReleaseDate('2027-01-01', '2027-12-31')).toBe('2027-02-16');
    expect(holdReleaseDate('2027-01-01', '2027-02-15')).toBe('2027-02-15');
    expect(holdReleaseDate('2027-01-01', '2027-01-20')).toBe('2027-01-20');
  });

  it('CLC-7: draws from the lot nearest expiry first and spans lots', () => {
    const lots = [
      { lotId: 'late', expiresOn: '2027-12-01', balance: 100 },
      { lotId: 'soon', expiresOn: '2027-03-01', balance: 30 },
      { lotId: 'mid', expiresOn: '2027-06-01', balance: 50 },
    ];
    expect(allocateNearestExpiryFirst(lots, { kind: 'digital-learning', credits: 60, requestedOn: '2027-01-10' })).toEqual([
      { lotId: 'soon', credits: 30 },
      { lotId: 'mid', credits: 30 },
    ]);
    // Training that begins after the soonest lot's expiry skips that lot.
    expect(allocateNearestExpiryFirst(lots, { kind: 'training', credits: 60, requestedOn: '2027-01-10', startsOn: '2027-04-01' })).toEqual([
      { lotId: 'mid', credits: 50 },
      { lotId: 'late', credits: 10 },
    ]);
    expect(allocateNearestExpiryFirst(lots, { kind: 'digital-learning', credits: 181, requestedOn: '2027-01-10' })).toBeNull();
  });

  it('CLC-6, CLC-7: an allocation never takes more than a lot holds, and takes exactly what was asked', () => {
    const lot = fc.record({
      lotId: fc.uuid(),
      expiresOn: fc.integer({ min: 0, max: 700 }).map((n) => addDays('2027-01-01', n)),
      balance: fc.integer({ min: 0, max: 2000 }),
    });
    fc.assert(
      fc.property(fc.array(lot, { maxLength: 8 }), fc.integer({ min: 1, max: 5000 }), (lots, credits) => {
        const req = { kind: 'digital-learning' as const, credits, requestedOn: '2026-12-01' };
        const allocation = allocateNearestExpiryFirst(lots, req);
        const available = lots.reduce((s, l) => s + l.balance, 0);
        if (allocation === null) {
          expect(available).toBeLessThan(credits);
          return;
        }
        expect(allocation.reduce((s, a) => s + a.credits, 0)).toBe(credits);
        for (const a of allocation) expect(a.credits).toBeLessThanOrEqual(lots.find((l) => l.lotId === a.lotId)!.balance);
        const used = allocation.map((a) => lots.find((l) => l.lotId === a.lotId)!.expiresOn);
        expect([...used].sort()).toEqual(used); // nearest expiry first
      }),
    );
  });

  it('CLC-1: a lot or account needs a cleared country (one of a group is enough); the default list is its own', () => {
    expect(countryNotCleared(['DE'], ['DE', 'FR'])).toBeNull();
    expect(countryNotCleared(['US', 'DE'], ['DE'])).toBeNull();
    expect(countryNotCleared(['US', 'CA'], ['DE'])).toBe('US, CA is not cleared for Cisco Learning Credits');
    expect(countryNotCleared([], ['DE'])).toBe('no country on record, so none cleared for Cisco Learning Credits');
    expect(CLC_COUNTRIES).toHaveLength(32);
    expect(CLC_COUNTRIES).toContain('US');
  });

  it('CLC-8: a statement opens with the last closing balance; entries of earlier months are late lines with their own dates', () => {
    const entry = (on: string, credits: number) => ({ on, lotId: 'L1', kind: 'purchase', credits, reason: `r ${on}` });
    expect(draftStatement('2031-11', 75, [entry('2031-10-28', 125), entry('2031-11-03', -5)])).toEqual({
      openingBalance: 75,
      closingBalance: 195,
      lines: [
        { on: '2031-10-28', lotId: 'L1', kind: 'purchase', credits: 125, reason: 'r 2031-10-28', late: true },
        { on: '2031-11-03', lotId: 'L1', kind: 'purchase', credits: -5, reason: 'r 2031-11-03' },
      ],
    });
    // A first statement sums what came before its month; a quiet month carries the balance.
    expect(draftStatement('2031-11', null, [entry('2031-09-01', 40), entry('2031-11-02', 10)])).toMatchObject({
      openingBalance: 40,
      closingBalance: 50,
      lines: [{ on: '2031-11-02', credits: 10 }],
    });
    expect(draftStatement('2031-12', 195, [])).toEqual({ openingBalance: 195, closingBalance: 195, lines: [] });
  });

  it('CLC-5: a redemption names what it pays for, and training and exams their learner', () => {
    const kim = { name: 'Kim Osei', email: 'kim@learners.example' };
    expect(requestProblems({ kind: 'digital-learning', paysFor: 'Cisco U.' })).toEqual([]);
    expect(requestProblems({ kind: 'exam-voucher', paysFor: 'CCNA 200-301', learner: kim })).toEqual([]);
    expect(requestProblems({ kind: 'training', paysFor: ' ' })).toEqual([
      { field: 'paysFor', message: 'a redemption names what it pays for' },
      { field: 'learner', message: 'a training redemption names its learner (name and email)' },
    ]);
    expect(requestProblems({ kind: 'exam-voucher', paysFor: 'CCNA', learner: { name: 'Kim', email: '' } })).toEqual([
      { field: 'learner', message: 'an exam-voucher redemption names its learner (name and email)' },
    ]);
  });

  it('CLC-5: an exam voucher issued on 2032-02-29 expires 2033-02-28 (CAL-4) and its holder is reminded on 2033-01-29', () => {
    expect(examVoucherExpiry('2032-02-29')).toBe('2033-02-28');
    expect(voucherReminderDate('2033-02-28')).toBe('2033-01-29');
    expect(voucherIdOf('RD-1')).toBe('EV-RD-1');
  });
});
