import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addYears, awardDateOf, firstAwardDate, fiscalQuarterOf, fiscalYearOf, nextAwardDateAfter } from '../../domain/calendar';
import { retierDateOf } from '../../domain/loyalty';
import { recordBookingsUpdate, stateQuery } from '../../workflows/loyaltyDefinitions';
import { creditLotWorkflowId, lotStateQuery } from '../../workflows/creditsDefinitions';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Enrolled accounts walked through fiscal years on the time-skipping server.
describe('loyalty account: awards and tiers over the years', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    // A start it names: these scenarios nominate with the three years before acceptance and record no
    // bookings after, so from a July or August start the August re-tier finds the year just ended missing
    // and LOY-6 holds the award until it is recorded (test:dates from 2027-07-31, 2027-08-31, 2028-02-29).
    // From this December start every date below still derives from h.startedOn.
    h = await workflowHarness({ startOn: '2026-12-15' });
  });
  afterAll(async () => h?.close());

  it('LOY-4, LOY-7, CAL-2: the first award lands on the award day of the next quarter, not a day before', async () => {
    const { accountId, acceptedOn, captainEmail, handle } = await h.enrolled({ yearlyUsd: 3_000_000 });
    const first = firstAwardDate(acceptedOn);
    expect(fiscalQuarterOf(first)).not.toEqual(fiscalQuarterOf(acceptedOn));
    expect((await handle.query(stateQuery)).nextAwardDate).toBe(first);

    await h.skipTo(addDays(first, -1), '23:59:00');
    expect(await h.awards(accountId)).toEqual([]);

    await h.skipTo(first, '00:01:00');
    const [lot] = await h.awards(accountId);
    // LOY-5: a $3M average is tier 1, 75 credits a quarter; CLC-2: the lot expires a year after the award.
    expect(lot).toEqual({
      lotId: `LA-${accountId}-${`FY${fiscalQuarterOf(first).fy}Q${fiscalQuarterOf(first).q}`}`,
      awardQuarter: expect.any(String),
      credits: 75,
      issuedOn: first,
      expiresOn: addYears(first, 1),
    });
    const ledger = await h.db('ledger_entries').where({ lot_id: lot!.lotId });
    expect(ledger).toMatchObject([{ kind: 'award', credits: 75, idempotency_key: `${lot!.lotId}:award` }]);
    const mail = await h.smtp.waitFor((m) => m.to.includes(captainEmail) && /75 Learning Credits awarded/.test(m.subject));
    expect(mail.text).toContain(`expire on ${addYears(first, 1)}`);
    const state = await handle.query(stateQuery);
    expect(state).toMatchObject({ awardsMade: 1, creditsAwarded: 75, nextAwardDate: nextAwardDateAfter(first) });
    // CLC-2: the awarded lot runs its own lifecycle, active from the award date.
    const lotState = await h.env.client.workflow.getHandle(creditLotWorkflowId(lot!.lotId)).query(lotStateQuery);
    expect(lotState).toMatchObject({ state: 'active', balance: 75, expiresOn: addYears(first, 1), lot: { source: 'award', accountId } });
  });

  it('LOY-5, LOY-6, LOY-7: three fiscal years of awards, re-tiered each August and told before October', async () => {
    const { accountId, acceptedOn, captainEmail, handle } = await h.enrolled({ yearlyUsd: 3_000_000 });
    const F = fiscalYearOf(acceptedOn);
    // The year in progress books $30M: at the August re-tier the average of F-2, F-1, F is $12M, tier 2.
    await handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: F, directUsd: 25_000_000, indirectUsd: 5_000_000 }] });
    await h.skipTo(addDays(retierDateOf(F + 1), -1));
    const midYearRun = (await handle.describe()).runId;
    // The next year books $60M: the average of F-1, F, F+1 is $31M, tier 3.
    await handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: F + 1, directUsd: 60_000_000, indirectUsd: 0 }] });
    const lastAward = awardDateOf(F + 2, 1);
    await h.skipTo(lastAward);

    const expected: { issuedOn: string; credits: number }[] = [];
    for (let d = firstAwardDate(acceptedOn); d <= lastAward; d = nextAwardDateAfter(d)) {
      expected.push({ issuedOn: d, credits: { [F]: 75, [F + 1]: 125, [F + 2]: 200 }[fiscalYearOf(d)]! });
    }
    const awards = await h.awards(accountId);
    expect(awards.map(({ issuedOn, credits }) => ({ issuedOn, credits }))).toEqual(expected);
    for (const a of awards) expect(a.issuedOn).toMatch(/-(10|01|04|07)-15$/);

    const state = await handle.query(stateQuery);
    expect(state).toMatchObject({ tier: 3, quarterlyCredits: 200, awardsMade: expected.length, nextRetierOn: retierDateOf(F + 3) });

    // LOY-6: the tier notice goes out on the August re-tier day, before that year's October award.
    const subjects = h.smtp.received.filter((m) => m.to.includes(captainEmail)).map((m) => m.subject);
    const tierNotice = subjects.findIndex((s) => s.includes(`FY${F + 1} Customer Loyalty tier is 2`));
    const octoberAward = subjects.findIndex((s) => s.includes(`FY${F + 1}Q1`));
    expect(tierNotice).toBeGreaterThan(-1);
    expect(tierNotice).toBeLessThan(octoberAward);
    expect(subjects.some((s) => s.includes(`FY${F + 2} Customer Loyalty tier is 3`))).toBe(true);

    // Continue-as-new after each fiscal year's last award: one account-year per run, well under 200 events.
    const current = await handle.describe();
    expect(current.runId).not.toBe(midYearRun);
    const yearRun = await h.env.client.workflow.getHandle(handle.workflowId, midYearRun).fetchHistory();
    const events = yearRun.events?.length ?? 0;
    console.log(`history events in one account-year run: ${events}`);
    expect(events).toBeLessThan(200);
  });

  it('LOY-6: an account whose new average falls under $1M gets no awards that year and is told so', async () => {
    const { accountId, acceptedOn, captainEmail, handle } = await h.enrolled({ yearlyUsd: 1_200_000 });
    const F = fiscalYearOf(acceptedOn);
    await handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: F, directUsd: 0, indirectUsd: 0 }] });
    await h.skipTo(awardDateOf(F + 1, 4));
    const mail = await h.smtp.waitFor((m) => m.to.includes(captainEmail) && m.subject.includes(`no Customer Loyalty awards in FY${F + 1}`));
    expect(mail.text).toContain('$800,000');
    const awards = await h.awards(accountId);
    expect(awards.length).toBeGreaterThan(0); // the year of enrollment was awarded…
    expect(awards.filter((a) => fiscalYearOf(a.issuedOn) === F + 1)).toEqual([]); // …the next is not
    expect(await handle.query(stateQuery)).toMatchObject({ tier: null, state: 'enrolled' });
  });
});
