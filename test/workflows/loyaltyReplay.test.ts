import { afterAll, beforeAll, describe } from 'vitest';
import { firstAwardDate, fiscalYearOf, maxDate, nextAwardDateAfter } from '../../domain/calendar';
import { nextRetierDateAfter } from '../../domain/loyalty';
import { addCompanyUpdate, publishTermsUpdate, recordBookingsUpdate, replaceCaptainUpdate } from '../../workflows/loyaltyDefinitions';
import { itReplays, type History } from '../helpers/histories';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Determinism of the loyalty account: accounts run for years, so today's code must replay what running
// accounts recorded under every tagged release (test/histories/loyalty-*.json).
describe('determinism: replaying loyalty account histories', () => {
  let h: WorkflowHarness;
  const fresh: { name: string; workflowId: string; history: History }[] = [];

  beforeAll(async () => {
    h = await workflowHarness();
    // A busy account-year: enrollment, an award, bookings, a new captain, new terms, the August re-tier,
    // awards withheld, and continue-as-new after the July award.
    const busy = await h.enrolled();
    const first = firstAwardDate(busy.acceptedOn);
    await h.skipTo(first);
    const closedYear = fiscalYearOf(first) - 1; // the latest fiscal year closed by the first award, from any start
    await busy.handle.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: closedYear, directUsd: 9_000_000, indirectUsd: 0 }] });
    // LOY-3: a company joins; it counts from the August re-tier.
    const joining = { id: `${busy.accountId}-J`, name: 'Joiner', country: 'US', endUser: true, addedBy: 'account-manager:test' };
    await busy.handle.executeUpdate(addCompanyUpdate, {
      args: [{ ...joining, bookings: [{ fiscalYear: closedYear, directUsd: 1, indirectUsd: 0 }] }],
    });
    await busy.handle.executeUpdate(replaceCaptainUpdate, { args: [{ name: 'Sam Park', email: 'sam@example.com', ccoId: 'spark' }] });
    const firstRun = (await busy.handle.describe()).runId;
    const second = nextAwardDateAfter(first);
    await h.skipTo(second);
    await busy.handle.executeUpdate(publishTermsUpdate, { args: [{ version: 'T2' }] });
    // Past the August re-tier and the award after it, whichever comes first from this start (a July first
    // award has the re-tier, then October's, right behind it).
    await h.skipTo(nextAwardDateAfter(maxDate(second, nextRetierDateAfter(first))));
    fresh.push({
      name: 'loyalty-busy-year',
      workflowId: busy.handle.workflowId,
      history: await h.env.client.workflow.getHandle(busy.handle.workflowId, firstRun).fetchHistory(),
    });
    fresh.push({ name: 'loyalty-busy-next-year', workflowId: busy.handle.workflowId, history: await busy.handle.fetchHistory() });
    // A nomination that lapses after its reminders.
    const lapsing = await h.nominate();
    await lapsing.handle.result();
    fresh.push({ name: 'loyalty-lapsed', workflowId: lapsing.handle.workflowId, history: await lapsing.handle.fetchHistory() });
  });
  afterAll(async () => h?.close());

  itReplays(fresh, { prefix: 'loyalty-', atLeast: 3, recorded: 'account histories' });
});
