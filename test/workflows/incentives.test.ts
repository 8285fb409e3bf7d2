import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../domain/calendar';
import { SAMPLE_CATALOGUE } from '../../domain/incentives';
import type { incentiveEngagement } from '../../workflows/incentives';
import { engagementStateQuery, incentiveWorkflowId, readingsSignal } from '../../workflows/incentivesDefinitions';
import { openEngagement, startEngagement } from '../helpers/incentives';
import { uniqueId } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

const useCase = SAMPLE_CATALOGUE[0]!; // hybrid meetings: devices_reporting_pct >= 80 and active_users_pct >= 10/25/40/60/75
const at = (minute: number) => `2030-01-01T00:${String(minute).padStart(2, '0')}:00Z`;

// Engagements moved by telemetry alone, on the time-skipping server.
describe('Lifecycle Incentives', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness();
  });
  afterAll(async () => h?.close());

  async function open() {
    const { engagementId, handle } = await openEngagement(h, useCase);
    const payments = async () =>
      h.db('incentive_payments').where({ engagement_id: engagementId }).orderBy('phase_index').select('phase', 'amount_usd');
    return { engagementId, handle, payments };
  }
  const settle = () => new Promise((r) => setTimeout(r, 400));

  it('LCI-1, LCI-2: telemetry alone walks an engagement through every phase; each pays once, automatically', async () => {
    const e = await open();
    const steps = [10, 25, 40, 60, 75];
    for (const [i, users] of steps.entries()) {
      await e.handle.signal(readingsSignal, [
        { metric: 'devices_reporting_pct', value: 85, measuredAt: at(i * 2) },
        { metric: 'active_users_pct', value: users, measuredAt: at(i * 2 + 1) },
      ]);
      await expect.poll(async () => (await e.payments()).length, { timeout: 10_000 }).toBe(i + 1);
    }
    expect(await e.payments()).toEqual(useCase.phases.map((p) => ({ phase: p.name, amount_usd: p.paymentUsd })));
    expect((await e.handle.result()).state).toBe('completed');
    await h.smtp.waitFor((m) => m.subject.includes(`Optimize phase of engagement ${e.engagementId}`));
    expect(await h.db('engagements').where({ id: e.engagementId }).first()).toMatchObject({ state: 'completed' });
  });

  it('LCI-2: duplicate, late and out-of-order readings: only the newest per metric counts, and nothing pays twice', async () => {
    const e = await open();
    const newest = [
      { metric: 'devices_reporting_pct', value: 90, measuredAt: at(10) },
      { metric: 'active_users_pct', value: 12, measuredAt: at(10) },
    ];
    await e.handle.signal(readingsSignal, newest);
    await expect.poll(async () => (await e.payments()).length, { timeout: 10_000 }).toBe(1);
    await e.handle.signal(readingsSignal, newest); // the same batch again
    await e.handle.signal(readingsSignal, [{ metric: 'active_users_pct', value: 99, measuredAt: at(5) }]); // late, older
    await settle();
    const state = await e.handle.query(engagementStateQuery);
    expect(state.latest.active_users_pct).toEqual({ metric: 'active_users_pct', value: 12, measuredAt: at(10) });
    expect(state.phaseIndex).toBe(1);
    expect(await e.payments()).toHaveLength(1);
  });

  it('LCI-2: a goal missed by a hair does not advance', async () => {
    const e = await open();
    await e.handle.signal(readingsSignal, [
      { metric: 'devices_reporting_pct', value: 79.99, measuredAt: at(1) },
      { metric: 'active_users_pct', value: 50, measuredAt: at(1) },
    ]);
    await settle();
    expect((await e.handle.query(engagementStateQuery)).phaseIndex).toBe(0);
    expect(await e.payments()).toEqual([]);
    await e.handle.signal(readingsSignal, [{ metric: 'devices_reporting_pct', value: 80, measuredAt: at(2) }]);
    await expect.poll(async () => (await e.payments()).length, { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it('LCI-2: a phase not completed within 12 months expires the engagement, told', async () => {
    const e = await open();
    const started = await h.today();
    await h.skipTo(addMonths(started, 12));
    expect((await e.handle.query(engagementStateQuery)).state).toBe('expired');
    await h.smtp.waitFor((m) => m.subject.includes(`engagement ${e.engagementId} expired`));
    expect(await h.db('engagements').where({ id: e.engagementId }).first()).toMatchObject({ state: 'expired' });
  });

  it('LCI-4: an engagement opened with a 6-month setting expires after 6 months, the partner told', async () => {
    const { engagementId, handle } = await openEngagement(h, useCase, { phaseMonths: 6 });
    const sixMonths = addMonths(await h.today(), 6);
    await h.skipTo(addDays(sixMonths, -1));
    expect((await handle.query(engagementStateQuery)).state).toBe('active');
    await h.skipTo(sixMonths);
    expect(await handle.query(engagementStateQuery)).toMatchObject({ state: 'expired', deadline: sixMonths });
    await h.smtp.waitFor((m) => m.subject === `Lifecycle Incentive engagement ${engagementId} expired`);
  });
});

// LCI-5 with dates written out: the clock starts on 2027-03-01, so the first engagement's phase ends
// on 2028-03-01 (LCI-4: 12 months) whatever day the suite runs.
describe('Lifecycle Incentives: one open engagement per partner, customer and use case', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2027-03-01' });
  });
  afterAll(async () => h?.close());

  const partnerId = uniqueId('P');
  const customerId = uniqueId('C');
  const partnerEmail = `${partnerId}@partner.example`;
  const rows = () =>
    h.db('engagements').where({ partner_id: partnerId, customer_id: customerId }).orderBy('id').select('id', 'state', 'phase');
  const mailTo = () => h.smtp.received.filter((m) => m.to.includes(partnerEmail)).map((m) => m.subject);
  let firstId = '';
  let nextId = '';

  it('LCI-5: a second engagement started past the API (two requests at once) is refused, naming the open one, and its run ends', async () => {
    const first = await openEngagement(h, useCase, { engagementId: uniqueId('E1'), partnerId, customerId });
    firstId = first.engagementId;
    const second = await startEngagement(h, useCase, { engagementId: uniqueId('E2'), partnerId, customerId });
    // Waited for by polling, not with result(): awaiting a result lets the time-skipping server skip ahead
    // while nothing else runs, and on a loaded machine it skipped past the first one's deadline (expired).
    await expect.poll(async () => (await second.handle.describe()).status.name, { timeout: 20_000, interval: 100 }).toBe('FAILED');
    const closed = (await second.handle.fetchHistory()).events?.at(-1)?.workflowExecutionFailedEventAttributes?.failure;
    expect({ type: closed?.applicationFailureInfo?.type, message: closed?.message }).toEqual({
      type: 'Conflict',
      message: `Engagement ${firstId} is open for partner ${partnerId}, customer ${customerId} and use case collab-meetings: one at a time (LCI-5)`,
    });
    expect(await rows()).toEqual([{ id: firstId, state: 'active', phase: 'Onboard' }]);
    expect(await first.handle.query(engagementStateQuery)).toMatchObject({
      state: 'active',
      phaseStartedOn: '2027-03-01',
      deadline: '2028-03-01',
    });
    expect(mailTo()).toEqual([]);
  }, 30_000);

  it('LCI-5, LCI-4: after the first expired on 2028-03-01, a new one for the same partner, customer and use case opens', async () => {
    await h.skipTo('2028-03-01');
    await h.smtp.waitFor((m) => m.subject === `Lifecycle Incentive engagement ${firstId} expired`);
    const next = await openEngagement(h, useCase, { engagementId: uniqueId('E3'), partnerId, customerId });
    nextId = next.engagementId;
    expect(await next.handle.query(engagementStateQuery)).toMatchObject({
      state: 'active',
      phaseStartedOn: '2028-03-01',
      deadline: '2029-03-01',
    });
    expect(await rows()).toEqual(
      [
        { id: firstId, state: 'expired', phase: 'Onboard' },
        { id: next.engagementId, state: 'active', phase: 'Onboard' },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(mailTo()).toEqual([`Lifecycle Incentive engagement ${firstId} expired`]);
  }, 30_000);

  it('LCI-5, LCI-2: after one completed (every phase paid), a new one for the same partner, customer and use case opens', async () => {
    // The steady client waits for the result without moving the clock: the next engagement opens on 2028-03-01 too.
    const handle = h.steadyClient.workflow.getHandle<typeof incentiveEngagement>(incentiveWorkflowId(nextId));
    for (const [i, users] of [10, 25, 40, 60, 75].entries())
      await handle.signal(readingsSignal, [
        { metric: 'devices_reporting_pct', value: 85, measuredAt: at(i * 2) },
        { metric: 'active_users_pct', value: users, measuredAt: at(i * 2 + 1) },
      ]);
    expect((await handle.result()).state).toBe('completed');
    const after = await openEngagement(h, useCase, { engagementId: uniqueId('E4'), partnerId, customerId });
    expect(await after.handle.query(engagementStateQuery)).toMatchObject({ state: 'active', phaseIndex: 0, deadline: '2029-03-01' });
    expect(await rows()).toEqual(
      [
        { id: firstId, state: 'expired', phase: 'Onboard' },
        { id: nextId, state: 'completed', phase: null },
        { id: after.engagementId, state: 'active', phase: 'Onboard' },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    await h.smtp.waitFor((m) => m.subject === `Lifecycle Incentive approved: Optimize phase of engagement ${nextId}`);
    expect(mailTo()).toEqual([
      `Lifecycle Incentive engagement ${firstId} expired`,
      ...['Onboard', 'Implement', 'Use', 'Adopt', 'Optimize'].map(
        (p) => `Lifecycle Incentive approved: ${p} phase of engagement ${nextId}`,
      ),
    ]);
  }, 30_000);
});
