import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordBookingsUpdate, stateQuery } from '../../workflows/loyaltyDefinitions';
import { startApi } from '../helpers/apiHarness';
import { PUBLIC_URL } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// LOY-6 (amended): the August re-tier with a fiscal year whose bookings are not on record. The year is
// asked of the Account Manager, never counted as $0; the next award waits for the tier. Dates written out.
describe('loyalty account: a re-tier with a year not on record', () => {
  let h: WorkflowHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2027-07-19' });
    api = await startApi({ temporal: h.env.client, db: h.db, taskQueue: h.taskQueue, today: () => '2027-09-01' });
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  const kinds = async (accountId: string) => (await h.notices(accountId)).map((n) => `${n.kind} → ${n.recipient}`);
  const queue = async () =>
    (await api.call('GET', '/v1/queues/bookings-missing', { token: 'tok-ops-0000' })).body as {
      accounts: { id: string; missingBookings: number[]; askedOn: string; nextAwardDate: string | null }[];
    };
  const mailsTo = (email: string) => h.smtp.received.filter((m) => m.to.includes(email)).map((m) => m.subject);

  it(
    'LOY-6: $1.2M a year, accepted 2027-07-20, FY2027 not on record at the 2027-08-31 re-tier: the AM is asked and reminded ' +
      'weekly, ops see it, the October award waits and is made at tier 1 the day FY2027 is recorded',
    async () => {
      await h.skipTo('2027-07-20');
      // FY2024–FY2026 at $1.2M a year: tier 1 (75 credits) for FY2027; first award in FY2028 Q1, 2027-10-15.
      const { accountId, handle, captainEmail } = await h.enrolled({ yearlyUsd: 1_200_000 });
      const am = `am-${accountId.toLowerCase()}@cisco.example`;
      expect(await handle.query(stateQuery)).toMatchObject({ tier: 1, quarterlyCredits: 75, nextAwardDate: '2027-10-15' });

      // FY2028's tier is set from FY2025–FY2027: FY2027 is not on record. Counted as $0 it would be $800,000.
      await h.skipTo('2027-08-31');
      expect(await handle.query(stateQuery)).toMatchObject({
        tier: null,
        quarterlyCredits: 0,
        missingBookings: [2027],
        nextAwardDate: '2027-10-15',
      });
      const asked = await h.smtp.waitFor((m) => m.to.includes(am));
      expect(asked.subject).toBe(`${accountId} Corp: FY2027 bookings are needed to set the FY2028 Customer Loyalty tier`);
      expect(asked.text).toContain('none are on record for FY2027');
      expect(asked.text).toContain('The FY2028Q1 award, due 2027-10-15, waits for the tier');
      expect(asked.text).toContain(`${PUBLIC_URL}/app/accounts/${accountId}`);
      expect(mailsTo(captainEmail).some((s) => /no Customer Loyalty awards/.test(s))).toBe(false);
      expect((await h.db('accounts').where({ id: accountId }).first()).tier).toBeNull();

      // Ops see it waiting.
      expect((await queue()).accounts.filter((a) => a.id === accountId)).toEqual([
        expect.objectContaining({ id: accountId, missingBookings: [2027], askedOn: '2027-08-31', nextAwardDate: '2027-10-15' }),
      ]);

      // A bookings year in the future is refused, naming the field.
      const future = await handle
        .executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: 2029, directUsd: 1, indirectUsd: 0 }] })
        .catch((err: unknown) => err);
      expect(future).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((future as WorkflowUpdateFailedError).cause).toMatchObject({
        type: 'Invalid',
        message: 'FY2029 has not begun: bookings are recorded for FY2028 or earlier',
        details: [{ field: 'fiscalYear' }],
      });
      const refused = await api.call('POST', `/v1/accounts/${accountId}/bookings`, {
        token: 'tok-ops-0000',
        body: { fiscalYear: 2029, directUsd: 1, indirectUsd: 0 },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([
        { field: 'fiscalYear', message: 'FY2029 has not begun: bookings are recorded for FY2028 or earlier' },
      ]);

      // Reminded every 7 days.
      await h.skipTo('2027-09-14');
      const reminders = () => mailsTo(am).filter((s) => s.startsWith('Reminder'));
      expect(reminders()).toEqual([
        `Reminder: ${accountId} Corp's FY2027 bookings are still needed for its FY2028 Customer Loyalty tier`,
        `Reminder: ${accountId} Corp's FY2027 bookings are still needed for its FY2028 Customer Loyalty tier`,
      ]);

      // The award day passes: no award from a guessed tier, none skipped.
      await h.skipTo('2027-10-15');
      expect(await h.awards(accountId)).toEqual([]);
      expect(await handle.query(stateQuery)).toMatchObject({ tier: null, nextAwardDate: '2027-10-15', awardsMade: 0 });

      // FY2027 recorded on 2027-10-20: FY2025–FY2027 average $1.2M, tier 1; the waiting award is made that day.
      await h.skipTo('2027-10-20');
      await handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: 2027, directUsd: 1_000_000, indirectUsd: 200_000 }] });
      await h.smtp.waitFor((m) => m.to.includes(captainEmail) && /75 Learning Credits awarded for FY2028Q1/.test(m.subject));
      expect(await h.awards(accountId)).toMatchObject([
        { awardQuarter: 'FY2028Q1', credits: 75, issuedOn: '2027-10-20', expiresOn: '2028-10-20' },
      ]);
      expect(await handle.query(stateQuery)).toMatchObject({
        tier: 1,
        quarterlyCredits: 75,
        missingBookings: [],
        nextAwardDate: '2028-01-15',
        awardsMade: 1,
      });
      const tierMail = await h.smtp.waitFor((m) => m.to.includes(captainEmail) && m.subject.includes('FY2028 Customer Loyalty tier is 1'));
      expect(tierMail.text).toContain('$1,200,000');
      expect(tierMail.text).toContain('the FY2028Q1 award, which waited for this tier, is made today (2027-10-20)');
      expect((await queue()).accounts.filter((a) => a.id === accountId)).toEqual([]);
      expect(await h.db('accounts').where({ id: accountId }).first()).toMatchObject({ tier: 1, next_award_date: '2028-01-15' });

      // Every email, in order: the AM asked on 2027-08-31 and reminded each week until 2027-10-19.
      const reminder = `bookings-reminder → ${am}`;
      expect(await kinds(accountId)).toEqual([
        `terms-waiting → ${captainEmail}`,
        `enrolled → ${captainEmail}`,
        `bookings-missing → ${am}`,
        ...Array.from({ length: 7 }, () => reminder), // 09-07, 09-14, 09-21, 09-28, 10-05, 10-12, 10-19
        `tier → ${captainEmail}`,
        `award → ${captainEmail}`,
      ]);
    },
  );

  it('LOY-6: $12M a year with FY2028 not on record at the 2028-08-31 re-tier stays tier 2 once recorded; the October award on its day', async () => {
    await h.skipTo('2028-07-20');
    const { accountId, handle, captainEmail } = await h.enrolled({ yearlyUsd: 12_000_000 });
    expect(await handle.query(stateQuery)).toMatchObject({ tier: 2, quarterlyCredits: 125, nextAwardDate: '2028-10-15' });
    await h.skipTo('2028-08-31');
    // Counted as $0, FY2026–FY2028 would average $8M: tier 1. Asked instead.
    expect(await handle.query(stateQuery)).toMatchObject({ tier: null, missingBookings: [2028] });
    await h.skipTo('2028-09-02');
    await handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: 2028, directUsd: 12_000_000, indirectUsd: 0 }] });
    await h.smtp.waitFor((m) => m.to.includes(captainEmail) && m.subject.includes('FY2029 Customer Loyalty tier is 2'));
    expect(await handle.query(stateQuery)).toMatchObject({
      tier: 2,
      quarterlyCredits: 125,
      missingBookings: [],
      nextAwardDate: '2028-10-15',
    });
    await h.skipTo('2028-10-15');
    expect(await h.awards(accountId)).toMatchObject([{ awardQuarter: 'FY2029Q1', credits: 125, issuedOn: '2028-10-15' }]);
  });
});
