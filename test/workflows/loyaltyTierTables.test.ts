import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptTermsUpdate, recordBookingsUpdate, stateQuery } from '../../workflows/loyaltyDefinitions';
import { startApi } from '../helpers/apiHarness';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// LOY-11 (amended): a fiscal year's tier table may be published or corrected during its Q1; every account
// whose tier for that year came from the earlier table is re-tiered before its next award, whichever
// quarter that is. ALL-5: the letters name the account's actual next award and promise nothing to an
// account without a tier. Dates written out; the clock starts the day before the first of them.
describe('loyalty account: a tier table published in Q1, and the letters around it', () => {
  let h: WorkflowHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  let apiToday = '2028-07-20';
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2028-07-19' });
    api = await startApi({ temporal: h.env.client, db: h.db, taskQueue: h.taskQueue, today: () => apiToday });
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  const OPS = 'tok-ops-0000';
  const kinds = async (accountId: string) => (await h.notices(accountId)).map((n) => n.kind);
  const mail = (to: string, subject: RegExp) => h.smtp.waitFor((m) => m.to.includes(to) && subject.test(m.subject));
  const band = (tier: number, minUsd: number, maxUsd: number | null, quarterlyCredits: number) => ({
    tier,
    minUsd,
    maxUsd,
    quarterlyCredits,
  });
  // FY2029's own table: $12M, tier 2 (125 credits) in the FY22 table FY2029 uses until then, is tier 1 at 80.
  const fy2029 = [
    band(1, 1_000_000, 15_000_000, 80),
    band(2, 15_000_001, 30_000_000, 150),
    band(3, 30_000_001, 60_000_000, 250),
    band(4, 60_000_001, 120_000_000, 600),
    band(5, 120_000_001, null, 1_200),
  ];

  it(
    'LOY-11, LOY-6, ALL-5: a table published on 2028-10-20 re-tiers before the January award the accounts accepted in July, ' +
      'August and September; the re-tier email names each one its own next award; an account enrolled without a tier is promised none',
    async () => {
      await h.skipTo('2028-07-20');
      // O: accepted 2028-07-20 (FY2028 Q4): first award 2028-10-15, after the 2028-08-31 re-tier.
      const o = await h.enrolled({ yearlyUsd: 12_000_000 });
      await o.handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: 2028, directUsd: 12_000_000, indirectUsd: 0 }] });
      // N: nominated at $1.2M a year (FY2025–FY2027); FY2028 then books $500,000.
      const n = await h.nominate({ yearlyUsd: 1_200_000 });
      await h.skipTo('2028-08-01');
      await n.handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: 2028, directUsd: 500_000, indirectUsd: 0 }] });

      // B: accepted 2028-08-05 (FY2029 Q1): tier 2 from FY2026–FY2028; first award 2029-01-15, re-tiered 2028-08-31 too.
      await h.skipTo('2028-08-05');
      const b = await h.enrolled({ yearlyUsd: 12_000_000 });
      expect(b.state).toMatchObject({ tier: 2, quarterlyCredits: 125, nextAwardDate: '2029-01-15' });

      await h.skipTo('2028-09-01');
      const oTier = await mail(o.captainEmail, /FY2029 Customer Loyalty tier is 2$/);
      expect(oTier.text).toContain('You will receive 125 Learning Credits each quarter, starting with the FY2029Q1 award on 2028-10-15.');
      const bTier = await mail(b.captainEmail, /FY2029 Customer Loyalty tier is 2$/);
      expect(bTier.text).toContain('You will receive 125 Learning Credits each quarter, starting with the FY2029Q2 award on 2029-01-15.');
      expect(bTier.text).not.toContain('October');

      // J: accepted 2028-09-05 (FY2029 Q1): tier 2 from the FY22 table; first award 2029-01-15.
      await h.skipTo('2028-09-05');
      const j = await h.enrolled({ yearlyUsd: 12_000_000 });
      expect(j.state).toMatchObject({ tier: 2, quarterlyCredits: 125, nextAwardDate: '2029-01-15' });
      // N accepts: FY2026–FY2028 average $966,667, under $1M: enrolled without a tier, and told so, no award date promised.
      const nEnrolled = await n.handle.executeUpdate(acceptTermsUpdate, { args: [{ version: 'T1', ccoId: 'dlee' }] });
      expect(nEnrolled).toMatchObject({ state: 'enrolled', tier: null, quarterlyCredits: 0 });
      const nMail = await mail(n.captainEmail, /is enrolled/);
      expect(nMail.text).toContain(
        "is enrolled, but the 3-year average of its net bookings is $966,667, under the program's $1,000,000 minimum, so there are no Learning Credit awards in FY2029.",
      );
      expect(nMail.text).toContain('The tier is evaluated again on 2029-08-31');
      expect(nMail.text).not.toMatch(/award is scheduled|2029-01-15/);

      await h.skipTo('2028-10-15');
      expect(await h.awards(o.accountId)).toMatchObject([{ awardQuarter: 'FY2029Q1', credits: 125, issuedOn: '2028-10-15' }]);

      // FY2029's own table, published in its Q1 by ops.
      await h.skipTo('2028-10-20');
      apiToday = '2028-10-20';
      expect((await api.call('PUT', '/v1/tier-tables/2029', { token: OPS, body: { bands: fy2029 } })).status).toBe(201);
      for (const a of [o, b, j]) expect(await a.handle.query(stateQuery)).toMatchObject({ tier: 2, quarterlyCredits: 125 });

      await h.skipTo('2029-01-15');
      for (const a of [o, b, j]) {
        expect(await a.handle.query(stateQuery)).toMatchObject({ tier: 1, quarterlyCredits: 80, nextAwardDate: '2029-04-15' });
        const told = await mail(a.captainEmail, /FY2029 Customer Loyalty tier is now 1$/);
        expect(told.text).toContain('Cisco published the FY2029 tier table in its first-quarter review, after');
        expect(told.text).toContain('Its FY2029 tier had been set from the earlier table: tier 2, 125 Learning Credits a quarter.');
        expect(told.text).toContain('$12,000,000');
        expect(told.text).toContain('You will receive 80 Learning Credits each quarter, starting with the FY2029Q2 award on 2029-01-15.');
      }
      expect(await h.awards(o.accountId)).toMatchObject([
        { awardQuarter: 'FY2029Q1', credits: 125, issuedOn: '2028-10-15' },
        { awardQuarter: 'FY2029Q2', credits: 80, issuedOn: '2029-01-15' },
      ]);
      for (const a of [b, j])
        expect(await h.awards(a.accountId)).toMatchObject([{ awardQuarter: 'FY2029Q2', credits: 80, issuedOn: '2029-01-15' }]);
      expect(await h.awards(n.accountId)).toEqual([]);

      // Every email, in order.
      expect(await kinds(o.accountId)).toEqual(['terms-waiting', 'enrolled', 'tier', 'award', 'tier-corrected', 'award']);
      expect(await kinds(b.accountId)).toEqual(['terms-waiting', 'enrolled', 'tier', 'tier-corrected', 'award']);
      expect(await kinds(j.accountId)).toEqual(['terms-waiting', 'enrolled', 'tier-corrected', 'award']);
      // N's terms waited from 2028-07-20 to 2028-09-05: reminded on 08-03, 08-17 and 08-31 (LOY-4).
      expect(await kinds(n.accountId)).toEqual(['terms-waiting', 'terms-reminder', 'terms-reminder', 'terms-reminder', 'enrolled']);
    },
  );

  it('LOY-11: a tier table is published or corrected until the end of its Q1; after that, and for a year already past, it is refused naming the window', async () => {
    apiToday = '2029-01-16';
    const put = (fy: number) => api.call('PUT', `/v1/tier-tables/${fy}`, { token: OPS, body: { bands: fy2029 } });
    const late = await put(2029);
    expect(late.status).toBe(422);
    expect(late.body.errors).toEqual([
      {
        field: 'fy',
        message: "FY2029's table may be published or corrected until 2028-10-31, the end of its Q1 (2028-08-01 to 2028-10-31)",
      },
    ]);
    const past = await put(2028);
    expect(past.status).toBe(422);
    expect(past.body.errors).toEqual([
      {
        field: 'fy',
        message: "FY2028's table may be published or corrected until 2027-10-31, the end of its Q1 (2027-08-01 to 2027-10-31)",
      },
    ]);
    // Nothing written: FY2029 still has its one version.
    expect(await h.db('tier_tables').where({ fiscal_year: 2029 }).count<{ count: string }[]>()).toEqual([{ count: '1' }]);
    expect(await h.db('tier_tables').where({ fiscal_year: 2028 })).toEqual([]);
    // A later year's table may be published ahead of its Q1, and its last Q1 day is open all day.
    expect((await put(2030)).status).toBe(201);
    apiToday = '2029-10-31';
    expect((await put(2030)).status).toBe(200);
    apiToday = '2029-11-01';
    expect((await put(2030)).status).toBe(422);
  });
});
