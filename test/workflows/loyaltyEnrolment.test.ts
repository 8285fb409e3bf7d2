import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putTierTable } from '../../db/loyalty';
import { acceptTermsUpdate, recordBookingsUpdate, stateQuery } from '../../workflows/loyaltyDefinitions';
import { startApi } from '../helpers/apiHarness';
import { nominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Enrolment's tier and first award on the time-skipping server, at dates written out by hand.
describe('loyalty account: enrolment', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2027-07-20' });
  });
  afterAll(async () => h?.close());

  const kinds = async (accountId: string) => (await h.notices(accountId)).map((n) => `${n.kind} → ${n.recipient}`);

  it('LOY-11, LOY-6: a fiscal year with no bookings on record at acceptance is asked of the Account Manager, reminded weekly; the tier waits for it', async () => {
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

    // LOY-6 [default]: reminded 7 days after the ask, on 2027-08-09.
    await h.skipTo('2027-08-10');
    const reminded = await h.smtp.waitFor((m) => m.to.includes(am) && m.subject.startsWith('Reminder'));
    expect(reminded.subject).toBe(`Reminder: ${accountId} Corp's FY2027 bookings are still needed for its FY2028 Customer Loyalty tier`);
    expect(reminded.text).toContain('asked for on 2027-08-02');
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
      `bookings-reminder → ${am}`,
      `enrolled → ${captainEmail}`,
      `tier → ${captainEmail}`,
      `award → ${captainEmail}`,
    ]);
  });

  it('CAL-3, LOY-4: a nomination made with award day 20, reminders every 10 days and a 30-day lapse keeps them', async () => {
    const loyaltySettings = { awardDay: 20, reminderEveryDays: 10, lapseAfterDays: 30 };
    const api = await startApi({
      temporal: h.env.client,
      db: h.db,
      taskQueue: h.taskQueue,
      today: () => '2028-02-01',
      config: { loyaltySettings },
    });
    await h.skipTo('2028-02-01');
    const group = uniqueId('DAY20');
    const captainEmail = `captain@${group.toLowerCase()}.example`;
    const res = await api.call('POST', '/v1/nominations', { token: 'tok-account-manager', body: nominationFor('2028-02-01', { group }) });
    expect(res.status).toBe(201);
    const nominated = await api.call('GET', `/v1/accounts/${group}`, { token: 'tok-ops-0000' });
    expect(nominated.body).toMatchObject({ state: 'nominated', nominatedOn: '2028-02-01', lapsesOn: '2028-03-02' });

    await h.skipTo('2028-02-10', '23:59:00');
    expect(await kinds(group)).toEqual([`terms-waiting → ${captainEmail}`]);
    await h.skipTo('2028-02-11');
    expect(await kinds(group)).toEqual([`terms-waiting → ${captainEmail}`, `terms-reminder → ${captainEmail}`]);
    const accepted = await api.call('POST', `/v1/accounts/${group}/terms-acceptance`, {
      token: 'tok-captain-dlee',
      body: { version: 'T1' },
    });
    expect(accepted.body).toMatchObject({ state: 'enrolled', nextAwardDate: '2028-07-20' });

    await h.skipTo('2028-07-19', '23:59:00');
    expect(await h.awards(group)).toEqual([]);
    await h.skipTo('2028-07-20', '00:01:00');
    expect(await h.awards(group)).toMatchObject([{ awardQuarter: 'FY2028Q4', credits: 75, issuedOn: '2028-07-20' }]);
    await api.close();
  });

  it('LOY-11: a tier table corrected in Q1 after the August re-tier re-tiers the account before the October award; the captain is told', async () => {
    await h.skipTo('2028-07-25');
    // $12M a year: tier 2 (125 credits) in the FY22 table that FY2029 uses until its own is published.
    const { accountId, handle, captainEmail } = await h.enrolled({ yearlyUsd: 12_000_000 });
    await handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: 2028, directUsd: 12_000_000, indirectUsd: 0 }] });
    await h.skipTo('2028-08-31');
    expect(await handle.query(stateQuery)).toMatchObject({ tier: 2, quarterlyCredits: 125 });
    await h.skipTo('2028-09-15');
    // FY2029's own table, published in its Q1: $12M is now tier 1, at 80 credits a quarter.
    const band = (tier: number, minUsd: number, maxUsd: number | null, quarterlyCredits: number) => ({
      tier,
      minUsd,
      maxUsd,
      quarterlyCredits,
    });
    const bands = [
      band(1, 1_000_000, 15_000_000, 80),
      band(2, 15_000_001, 30_000_000, 150),
      band(3, 30_000_001, 60_000_000, 250),
      band(4, 60_000_001, 120_000_000, 600),
      band(5, 120_000_001, null, 1_200),
    ] as Parameters<typeof putTierTable>[1]['bands'];
    await putTierTable(h.db, { fiscalYear: 2029, bands }, { actor: 'ops:test', name: 'ops test' });
    await h.skipTo('2028-10-14');
    expect(await handle.query(stateQuery)).toMatchObject({ tier: 2, quarterlyCredits: 125 });
    await h.skipTo('2028-10-15');
    expect(await handle.query(stateQuery)).toMatchObject({ tier: 1, quarterlyCredits: 80 });
    expect(await h.awards(accountId)).toMatchObject([{ awardQuarter: 'FY2029Q1', credits: 80, issuedOn: '2028-10-15' }]);
    const told = await h.smtp.waitFor((m) => m.to.includes(captainEmail) && /FY2029 Customer Loyalty tier is now 1/.test(m.subject));
    expect(told.text).toContain('80 Learning Credits each quarter');
    expect(await kinds(accountId)).toEqual([
      `terms-waiting → ${captainEmail}`,
      `enrolled → ${captainEmail}`,
      `tier → ${captainEmail}`,
      `tier-corrected → ${captainEmail}`,
      `award → ${captainEmail}`,
    ]);
  });
});
