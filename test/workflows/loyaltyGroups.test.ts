import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCompanyUpdate, recordBookingsUpdate, stateQuery } from '../../workflows/loyaltyDefinitions';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// LOY-3: a company added to an open group account counts from the next August re-tier, not before.
describe('loyalty account: a company joins the group', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2027-03-01' });
  });
  afterAll(async () => h?.close());

  it("LOY-3: an added company's bookings count from the next re-tier: the July award before it stays at the old tier", async () => {
    await h.skipTo('2027-03-01');
    // $3M a year (FY2024–FY2026): tier 1, 75 credits a quarter; first award 2027-07-15.
    const { accountId, handle, captainEmail } = await h.enrolled({ yearlyUsd: 3_000_000 });
    await h.skipTo('2027-05-03');
    const bookings = [2024, 2025, 2026].map((fiscalYear) => ({ fiscalYear, directUsd: 20_000_000, indirectUsd: 0 }));
    const company = { id: `${accountId}-NEW`, name: 'Newco', country: 'DE', endUser: true, bookings, addedBy: 'account-manager:test' };
    const added = await handle.executeUpdate(addCompanyUpdate, { args: [company] });
    expect(added).toMatchObject({ tier: 1, quarterlyCredits: 75, joiningCompanies: [{ id: `${accountId}-NEW`, addedOn: '2027-05-03' }] });
    await expect(handle.executeUpdate(addCompanyUpdate, { args: [company] })).rejects.toMatchObject({ cause: { type: 'Conflict' } });
    expect(
      await h
        .db('companies')
        .where({ id: `${accountId}-NEW` })
        .first(),
    ).toMatchObject({ account_id: accountId, country: 'DE' });
    // The group's own FY2027, reported before the re-tier.
    await handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: 2027, directUsd: 3_000_000, indirectUsd: 0 }] });

    await h.skipTo('2027-08-30');
    expect(await h.awards(accountId)).toMatchObject([{ awardQuarter: 'FY2027Q4', credits: 75, issuedOn: '2027-07-15' }]);
    expect(await handle.query(stateQuery)).toMatchObject({ tier: 1, quarterlyCredits: 75 });

    // FY2028 from FY2025–FY2027: ($23M + $23M + $3M) / 3 = $16,333,333: tier 2, 125 credits.
    await h.skipTo('2027-08-31');
    const retiered = await handle.query(stateQuery);
    expect(retiered).toMatchObject({ tier: 2, quarterlyCredits: 125, joiningCompanies: [] });
    expect(retiered.companies).toEqual([
      { id: `${accountId}-1`, name: `${accountId} Corp` },
      { id: `${accountId}-NEW`, name: 'Newco' },
    ]);
    await h.smtp.waitFor((m) => m.to.includes(captainEmail) && /FY2028 Customer Loyalty tier is 2/.test(m.subject));
    await h.skipTo('2027-10-15');
    expect((await h.awards(accountId)).map((a) => [a.awardQuarter, a.credits, a.issuedOn])).toEqual([
      ['FY2027Q4', 75, '2027-07-15'],
      ['FY2028Q1', 125, '2027-10-15'],
    ]);
  });
});
