import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptTermsUpdate, recordBookingsUpdate, stateQuery } from '../../workflows/loyaltyDefinitions';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Enrolment's tier and first award on the time-skipping server, at dates written out by hand.
describe('loyalty account: enrolment', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness();
  });
  afterAll(async () => h?.close());

  const kinds = async (accountId: string) => (await h.notices(accountId)).map((n) => `${n.kind} → ${n.recipient}`);

  it('LOY-11: a fiscal year with no bookings on record at acceptance is asked of the Account Manager; the tier waits for it', async () => {
    await h.skipTo('2027-07-20');
    // Nominated in FY2027 with FY2024–FY2026 bookings of $1.2M a year; accepted in FY2028, whose tier is
    // set from FY2025–FY2027: FY2027 is not on record. Counted as $0 the average would be $800,000 (no tier).
    const { accountId, handle, captainEmail } = await h.nominate({ yearlyUsd: 1_200_000 });
    const am = `am-${accountId.toLowerCase()}@cisco.example`;
    await h.skipTo('2027-08-02');
    const accepted = await handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T1', ccoId: 'dlee' }] });
    expect(accepted).toMatchObject({ state: 'enrolled', tier: null, quarterlyCredits: 0, missingBookings: [2027], nextAwardDate: null });
    const asked = await h.smtp.waitFor((m) => m.to.includes(am));
    expect(asked.subject).toBe(`${accountId} Corp: FY2027 bookings are needed to set the Customer Loyalty tier`);
    expect(await kinds(accountId)).toEqual([`terms-waiting → ${captainEmail}`, `bookings-missing → ${am}`]);

    await h.skipTo('2027-08-10');
    // FY2027 books $3M: the average of FY2025–FY2027 is $1.8M, tier 1 (75 credits a quarter).
    await handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: 2027, directUsd: 3_000_000, indirectUsd: 0 }] });
    const enrolledMail = await h.smtp.waitFor((m) => m.to.includes(captainEmail) && /is enrolled/.test(m.subject));
    expect(enrolledMail.text).toContain('enrolled at tier 1');
    expect(enrolledMail.text).toContain('scheduled for 2028-01-15');
    expect(await handle.query(stateQuery)).toMatchObject({
      tier: 1,
      quarterlyCredits: 75,
      missingBookings: [],
      nextAwardDate: '2028-01-15',
    });

    await h.skipTo('2028-01-15');
    expect(await h.awards(accountId)).toMatchObject([{ awardQuarter: 'FY2028Q2', credits: 75, issuedOn: '2028-01-15' }]);
    expect(await kinds(accountId)).toEqual([
      `terms-waiting → ${captainEmail}`,
      `bookings-missing → ${am}`,
      `enrolled → ${captainEmail}`,
      `tier → ${captainEmail}`,
      `award → ${captainEmail}`,
    ]);
  });
});
