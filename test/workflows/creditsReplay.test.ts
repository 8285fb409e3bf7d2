import { afterAll, beforeAll, describe, expect } from 'vitest';
import { addDays } from '../../domain/calendar';
import { deliverNotice, examVouchers, redemptionHolds } from '../../workflows/creditsSchedules';
import { requestRedemption, startPurchasedLot } from '../helpers/credits';
import { itReplays, type History } from '../helpers/histories';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';
import { uniqueId } from '../helpers/temporal';

// Determinism of the Learning Credit workflows: lots live for over a year, and the daily holds run and an
// email's delivery may be running when a release ships, so today's code must replay what they recorded
// under every tagged release (test/histories/credit-*.json).
describe('determinism: replaying Learning Credit histories', () => {
  let h: WorkflowHarness;
  const fresh: { name: string; history: History }[] = [];

  beforeAll(async () => {
    h = await workflowHarness();
    const invoiceDate = await h.today();
    // A whole life: activation, three reminders, forfeit, closed 60 days after expiry.
    const walk = await startPurchasedLot(h.env, h.taskQueue, { credits: 10, invoiceDate });
    // Mid-life when the release ships: active, waiting for its 30-day reminder.
    const waiting = await startPurchasedLot(h.env, h.taskQueue, { credits: 10, invoiceDate: addDays(invoiceDate, -280) });
    await h.skipTo(addDays(invoiceDate, 10));
    fresh.push({ name: 'credit-lot-waiting', history: await waiting.handle.fetchHistory() });
    // The daily release of due holds (one released), and an email handed over to a workflow.
    const due = await requestRedemption(h.desk, {
      accountId: null,
      lotId: walk.lot.id,
      kind: 'digital-learning',
      credits: 5,
      autoApprove: false,
    });
    await h.skipTo(due.state.holdUntil!, '00:00:01');
    const holdsRun = await h.steadyClient.workflow.start(redemptionHolds, {
      workflowId: uniqueId('redemption-holds'),
      taskQueue: h.taskQueue,
      args: [],
    });
    expect((await holdsRun.result()).released).toBe(1);
    const delivery = await h.steadyClient.workflow.start(deliverNotice, {
      workflowId: `notice-${uniqueId('x')}`,
      taskQueue: h.taskQueue,
      args: [`redemption-${due.redemptionId}:settled`],
    });
    await delivery.result();
    // CLC-5: the daily voucher run (nothing due: its reminders and expiry steps all the same).
    const voucherRun = await h.steadyClient.workflow.start(examVouchers, {
      workflowId: uniqueId('exam-vouchers'),
      taskQueue: h.taskQueue,
      args: [],
    });
    expect(await voucherRun.result()).toMatchObject({ reminded: 0, expired: 0 });
    fresh.push({ name: 'credit-voucher-run', history: await voucherRun.fetchHistory() });
    fresh.push(
      { name: 'credit-holds-run', history: await holdsRun.fetchHistory() },
      { name: 'credit-notice-delivery', history: await delivery.fetchHistory() },
    );
    await h.skipTo(addDays(walk.lot.expiresOn, 61));
    expect((await walk.handle.result()).state).toBe('closed');
    fresh.push({ name: 'credit-lot-walk', history: await walk.handle.fetchHistory() });
  });
  afterAll(async () => h?.close());

  itReplays(fresh, { prefix: 'credit-', atLeast: 4, recorded: 'lot and holds histories' });
});
