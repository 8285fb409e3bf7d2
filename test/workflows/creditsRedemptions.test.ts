import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { emailsInFlight, RedemptionConflict } from '../../services/creditsRedemptions';
import { CreditRefusal } from '../../db/credits';
import { addDays, addYears } from '../../domain/calendar';
import { lotStateQuery } from '../../workflows/creditsDefinitions';
import { redemptionHolds } from '../../workflows/creditsSchedules';
import { decideRedemption, requestRedemption, startPurchasedLot } from '../helpers/credits';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';
import { uniqueId } from '../helpers/temporal';

const ledgerOf = (h: WorkflowHarness, lotId: string) =>
  h.db('ledger_entries').where({ lot_id: lotId }).orderBy('id').select('kind', 'credits');
const balanceOf = async (h: WorkflowHarness, lotId: string) => (await ledgerOf(h, lotId)).reduce((s, e) => s + e.credits, 0);

// Redemptions through the API's desk against real lots: holds, approval, release by the daily run, and the
// ledger that never goes negative.
describe('redemptions', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness();
  });
  afterAll(async () => h?.close());

  async function activeLot(credits: number, invoiceDate?: string) {
    const started = await startPurchasedLot(h.env, h.taskQueue, { credits, invoiceDate: invoiceDate ?? addDays(await h.today(), -10) });
    await h.skipTo(addDays(await h.today(), 1)); // past activation
    expect((await started.handle.query(lotStateQuery)).state).toBe('active');
    return started;
  }

  /** The daily schedule's run, on the day the test has skipped to. */
  const releaseDueHolds = () =>
    h.steadyClient.workflow.execute(redemptionHolds, { workflowId: uniqueId('redemption-holds'), taskQueue: h.taskQueue, args: [] });
  const statusOf = async (id: string) => (await h.db('redemptions').where({ id }).first()).status;

  it('CLC-6, CLC-8: an approved request holds, then redeems: hold, release and redemption entries; the lot hears its balance', async () => {
    const { lot, handle: lotHandle } = await activeLot(100);
    const r = await requestRedemption(h.desk, {
      accountId: null,
      lotId: lot.id,
      kind: 'digital-learning',
      credits: 30,
      autoApprove: false,
    });
    expect(r.state).toMatchObject({ status: 'pending', allocation: [{ lotId: lot.id, credits: 30 }] });
    expect(await balanceOf(h, lot.id)).toBe(70); // held credits cannot be spent twice
    // ALL-2: the notice was committed with the hold; it is emailed as the request answers.
    expect(
      await h
        .db('notifications')
        .where({ id: `redemption-${r.redemptionId}:waiting` })
        .first(),
    ).toBeTruthy();
    await emailsInFlight();
    expect(
      await h
        .db('notifications')
        .where({ id: `redemption-${r.redemptionId}:waiting` })
        .whereNotNull('sent_at')
        .first(),
    ).toBeTruthy();
    await h.smtp.waitFor((m) => m.subject.includes(`redemption of 30 credits waits for your approval`));
    // The lot's Balance search attribute follows the hold (its news is batched, then signalled).
    await expect.poll(async () => (await lotHandle.query(lotStateQuery)).balance, { timeout: 15_000 }).toBe(70);

    const decided = await decideRedemption(h.desk, r.redemptionId, true);
    expect(decided).toMatchObject({ status: 'approved', decidedBy: 'team-captain:dlee', allocation: [{ lotId: lot.id, credits: 30 }] });
    await emailsInFlight();
    expect(
      await h
        .db('notifications')
        .where({ id: `redemption-${r.redemptionId}:settled` })
        .whereNotNull('sent_at')
        .first(),
    ).toBeTruthy();
    await h.smtp.waitFor((m) => m.subject === `Redemption ${r.redemptionId} approved`);
    expect(await ledgerOf(h, lot.id)).toEqual([
      { kind: 'purchase', credits: 100 },
      { kind: 'hold', credits: -30 },
      { kind: 'release', credits: 30 },
      { kind: 'redemption', credits: -30 },
    ]);
    // Decided once: a second decision is refused and changes nothing.
    await expect(decideRedemption(h.desk, r.redemptionId, false)).rejects.toThrow(RedemptionConflict);
    expect(await statusOf(r.redemptionId)).toBe('approved');
    expect(await ledgerOf(h, lot.id)).toHaveLength(4);
  });

  it('CLC-6: a rejected request releases its credits, and the lot hears it', async () => {
    const { lot, handle: lotHandle } = await activeLot(50);
    const r = await requestRedemption(h.desk, {
      accountId: null,
      lotId: lot.id,
      kind: 'training',
      credits: 50,
      startsOn: addDays(await h.today(), 30),
      autoApprove: false,
    });
    expect(await balanceOf(h, lot.id)).toBe(0);
    expect((await decideRedemption(h.desk, r.redemptionId, false)).status).toBe('rejected');
    expect(await balanceOf(h, lot.id)).toBe(50);
    expect(await statusOf(r.redemptionId)).toBe('rejected');
    await h.smtp.waitFor((m) => m.subject === `Redemption ${r.redemptionId} rejected`);
    await expect.poll(async () => (await lotHandle.query(lotStateQuery)).balance, { timeout: 15_000 }).toBe(50);
  });

  it('CLC-6: a request not decided within 45 days is released by the daily run on the 45th day', async () => {
    const { lot } = await activeLot(20);
    const requestedOn = await h.today();
    const r = await requestRedemption(h.desk, {
      accountId: null,
      lotId: lot.id,
      kind: 'digital-learning',
      credits: 20,
      autoApprove: false,
    });
    expect(r.state.holdUntil).toBe(addDays(requestedOn, 45));
    await h.skipTo(addDays(requestedOn, 44));
    expect(await releaseDueHolds()).toMatchObject({ on: addDays(requestedOn, 44), released: 0 });
    expect(await balanceOf(h, lot.id)).toBe(0);
    expect(await statusOf(r.redemptionId)).toBe('pending');
    await h.skipTo(addDays(requestedOn, 45), '00:00:01'); // the schedule runs at 00:00 UTC
    expect(await releaseDueHolds()).toMatchObject({ on: addDays(requestedOn, 45), released: 1 });
    expect(await statusOf(r.redemptionId)).toBe('expired');
    expect(await balanceOf(h, lot.id)).toBe(20);
    await h.smtp.waitFor((m) => m.subject === `Redemption ${r.redemptionId} expired`);
    // Too late now: the captain's approval is refused.
    await expect(decideRedemption(h.desk, r.redemptionId, true)).rejects.toThrow(/already expired/);
  });

  it('CLC-6: a hold never outlives the lot: released at its expiry, then the lot forfeits', async () => {
    const today = await h.today();
    const { lot } = await activeLot(40, addDays(addYears(today, -1), 20)); // expires in 20 days
    const r = await requestRedemption(h.desk, {
      accountId: null,
      lotId: lot.id,
      kind: 'digital-learning',
      credits: 15,
      autoApprove: false,
    });
    expect(r.state.holdUntil).toBe(lot.expiresOn);
    await h.skipTo(lot.expiresOn);
    expect((await releaseDueHolds()).released).toBe(1);
    expect(await statusOf(r.redemptionId)).toBe('expired');
    await vi.waitFor(
      async () => expect((await ledgerOf(h, lot.id)).filter((e) => e.kind === 'forfeit')).toEqual([{ kind: 'forfeit', credits: -40 }]),
      { timeout: 15_000 },
    );
    expect(await balanceOf(h, lot.id)).toBe(0);
  });

  it('CLC-6, ALL-2: an email the API committed but never sent (it crashed) goes out with the daily run', async () => {
    const { lot } = await activeLot(10);
    const r = await requestRedemption(h.desk, { accountId: null, lotId: lot.id, kind: 'digital-learning', credits: 3, autoApprove: false });
    const key = `redemption-${r.redemptionId}:waiting`;
    await emailsInFlight();
    await h.smtp.waitFor((m) => m.text.includes(r.redemptionId));
    // As if the process died after the commit, before the send, a quarter of an hour ago.
    await h
      .db('notifications')
      .where({ id: key })
      .update({ sent_at: null, created_at: h.db.raw("now() - interval '15 minutes'") });
    expect((await releaseDueHolds()).resent).toBeGreaterThanOrEqual(1);
    expect(await h.db('notifications').where({ id: key }).whereNotNull('sent_at').first()).toBeTruthy();
    const copies = () => h.smtp.received.filter((m) => m.text.includes(r.redemptionId) && m.subject.includes('waits for your approval'));
    await vi.waitFor(() => expect(copies()).toHaveLength(2), { timeout: 10_000 });
    // The same message again, by its Message-ID, for mail systems to de-duplicate.
    expect(new Set(copies().map((m) => m.messageId)).size).toBe(1);
  });

  it('CLC-5: exam vouchers must be ordered five days before expiry; training must begin before it', async () => {
    const today = await h.today();
    const { lot } = await activeLot(10, addDays(addYears(today, -1), 4)); // expires in 4 days
    await expect(
      requestRedemption(h.desk, { accountId: null, lotId: lot.id, kind: 'exam-voucher', credits: 1, autoApprove: true }),
    ).rejects.toThrow(`exam vouchers must be ordered by ${addDays(lot.expiresOn, -5)}`);
    await expect(
      requestRedemption(h.desk, {
        accountId: null,
        lotId: lot.id,
        kind: 'training',
        credits: 1,
        startsOn: lot.expiresOn,
        autoApprove: true,
      }),
    ).rejects.toThrow(`training must begin before ${lot.expiresOn}`);
    // An event may take place after expiry, if registered before it.
    const event = await requestRedemption(h.desk, {
      accountId: null,
      lotId: lot.id,
      kind: 'event',
      credits: 5,
      startsOn: addDays(lot.expiresOn, 90),
      autoApprove: true,
    });
    expect(event.state.status).toBe('approved');
    expect(await balanceOf(h, lot.id)).toBe(5);
  });

  it('CLC-6: 200 concurrent requests at one lot never take its balance below zero', async () => {
    const { lot } = await activeLot(1500);
    // Half wait for approval (holds), half are auto-approved (redeemed at once): both draw on one balance.
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        requestRedemption(h.desk, { accountId: null, lotId: lot.id, kind: 'digital-learning', credits: 10, autoApprove: i % 2 === 0 }),
      ),
    );
    const accepted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(accepted).toHaveLength(150);
    expect(refused).toHaveLength(50);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(CreditRefusal);
    expect(await balanceOf(h, lot.id)).toBe(0);
    // Every prefix of the ledger, in commit order, is non-negative.
    let running = 0;
    for (const e of await ledgerOf(h, lot.id)) {
      running += e.credits;
      expect(running).toBeGreaterThanOrEqual(0);
    }
  }, 120_000);
});
