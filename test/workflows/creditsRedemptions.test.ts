import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { emailsInFlight, RedemptionConflict } from '../../services/creditsRedemptions';
import { CreditRefusal } from '../../db/credits';
import { addDays, addYears } from '../../domain/calendar';
import { lotStateQuery } from '../../workflows/creditsDefinitions';
import { replaceCaptainUpdate, setAutoApprovalUpdate } from '../../workflows/loyaltyDefinitions';
import { captainRedemptions } from '../../db/creditsQueues';
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

  it('CLC-6: a request not decided within 45 days is released by the daily run once its 45th day has ended', async () => {
    const { lot } = await activeLot(20);
    const requestedOn = await h.today();
    const r = await requestRedemption(h.desk, {
      accountId: null,
      lotId: lot.id,
      kind: 'digital-learning',
      credits: 20,
      autoApprove: false,
    });
    expect(r.state.holdUntil).toBe(addDays(requestedOn, 46));
    await h.skipTo(addDays(requestedOn, 45), '00:00:01'); // the schedule runs at 00:00 UTC: the 45th day is still open
    expect(await releaseDueHolds()).toMatchObject({ on: addDays(requestedOn, 45), released: 0 });
    expect(await balanceOf(h, lot.id)).toBe(0);
    expect(await statusOf(r.redemptionId)).toBe('pending');
    await h.skipTo(addDays(requestedOn, 46), '00:00:01');
    expect(await releaseDueHolds()).toMatchObject({ on: addDays(requestedOn, 46), released: 1 });
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

// CLC-6 (amended): the 45th day of a hold is open all day; a replaced captain's waiting requests pass to the
// new captain, who is told; turning auto-approval on approves the requests already waiting. Dates written
// out: the clock starts on 2030-01-31.
describe('redemptions: the 45th day, a new captain, auto-approval turned on', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2030-01-31' });
  });
  afterAll(async () => h?.close());

  const releaseDueHolds = () =>
    h.steadyClient.workflow.execute(redemptionHolds, { workflowId: uniqueId('redemption-holds'), taskQueue: h.taskQueue, args: [] });
  const rowOf = (id: string) => h.db('redemptions').where({ id }).first('status', 'decided_by', 'decided_on', 'hold_until');
  const mailsAbout = (id: string) => h.smtp.received.filter((m) => m.text.includes(id)).map((m) => `${m.to.join(',')}: ${m.subject}`);

  it('CLC-6: a request made on 2030-03-01 may be decided all through its 45th day, 2030-04-15, and is released on 2030-04-16', async () => {
    const { lot } = await startPurchasedLot(h.env, h.taskQueue, { credits: 100, invoiceDate: '2030-02-01', lotId: 'LP-HOLD' });
    await h.skipTo('2030-03-01');
    const decided = await requestRedemption(h.desk, {
      accountId: null,
      lotId: lot.id,
      kind: 'digital-learning',
      credits: 20,
      autoApprove: false,
      approverEmail: 'approver@buyer.example',
    });
    const undecided = await requestRedemption(h.desk, {
      accountId: null,
      lotId: lot.id,
      kind: 'digital-learning',
      credits: 30,
      autoApprove: false,
      approverEmail: 'approver@buyer.example',
    });
    expect(decided.state.holdUntil).toBe('2030-04-16');
    await emailsInFlight();
    const waiting = await h.smtp.waitFor((m) => m.text.includes(decided.redemptionId));
    expect(waiting.text).toContain('Approve or reject it by the end of 2030-04-15; undecided, its credits are released on 2030-04-16.');

    // The daily run at the start of the 45th day releases nothing; the captain decides late that day.
    await h.skipTo('2030-04-15', '00:00:01');
    expect(await releaseDueHolds()).toMatchObject({ on: '2030-04-15', released: 0 });
    expect(await rowOf(undecided.redemptionId)).toMatchObject({ status: 'pending' });
    await h.skipTo('2030-04-15', '23:00:00');
    expect(await decideRedemption(h.desk, decided.redemptionId, true)).toMatchObject({ status: 'approved' });

    await h.skipTo('2030-04-16', '00:00:01');
    expect(await releaseDueHolds()).toMatchObject({ on: '2030-04-16', released: 1 });
    expect(await rowOf(undecided.redemptionId)).toMatchObject({ status: 'expired', decided_on: '2030-04-16' });
    expect(await ledgerOf(h, lot.id)).toEqual([
      { kind: 'purchase', credits: 100 },
      { kind: 'hold', credits: -20 },
      { kind: 'hold', credits: -30 },
      { kind: 'release', credits: 20 },
      { kind: 'redemption', credits: -20 },
      { kind: 'release', credits: 30 },
    ]);
    await emailsInFlight();
    await h.smtp.waitFor((m) => m.subject === `Redemption ${undecided.redemptionId} expired`);
    expect(mailsAbout(undecided.redemptionId)).toEqual([
      `approver@buyer.example: A digital-learning redemption of 30 credits waits for your approval`,
      `approver@buyer.example: Redemption ${undecided.redemptionId} expired`,
    ]);
  });

  it('CLC-6: a replaced captain’s waiting request passes to the new captain, who is told and decides it', async () => {
    await h.skipTo('2030-04-20');
    const { accountId, handle, captainEmail } = await h.enrolled();
    await startPurchasedLot(h.env, h.taskQueue, {
      credits: 50,
      invoiceDate: '2030-04-10',
      accountId,
      ownerEmail: captainEmail,
      lotId: 'LP-TEAM',
    });
    await h.skipTo('2030-04-21');
    const r = await requestRedemption(h.desk, {
      accountId,
      kind: 'digital-learning',
      credits: 15,
      autoApprove: false,
      approverEmail: captainEmail,
    });
    await emailsInFlight();
    await h.smtp.waitFor((m) => m.to.includes(captainEmail) && m.text.includes(r.redemptionId));

    await h.skipTo('2030-04-22');
    const sam = { name: 'Sam Park', email: 'sam.park@team.example', ccoId: 'spark' };
    await handle.executeUpdate(replaceCaptainUpdate, { args: [sam] });
    const handover = await h.smtp.waitFor((m) => m.to.includes(sam.email) && m.text.includes(r.redemptionId));
    expect(handover.subject).toBe(`1 redemption waits for your approval (account ${accountId})`);
    expect(handover.text).toContain(`Dear Sam Park,`);
    expect(handover.text).toContain(`${r.redemptionId}: 15 credits (digital-learning), to decide by the end of 2030-06-05`);
    expect(handover.text).toContain('See the redemptions waiting: https://programs.test.example/app\n');
    expect((await captainRedemptions(h.db, 'spark', true, { limit: 10, offset: 0 })).map((w) => w.id)).toEqual([r.redemptionId]);

    await h.skipTo('2030-04-23');
    expect(await decideRedemption(h.desk, r.redemptionId, true, 'team-captain:spark')).toMatchObject({ status: 'approved' });
    await emailsInFlight();
    await h.smtp.waitFor((m) => m.subject === `Redemption ${r.redemptionId} approved`);
    expect(mailsAbout(r.redemptionId)).toEqual([
      `${captainEmail}: A digital-learning redemption of 15 credits waits for your approval`,
      `${sam.email}: 1 redemption waits for your approval (account ${accountId})`,
      `${sam.email}: Redemption ${r.redemptionId} approved`,
    ]);
  });

  it('CLC-6: turning auto-approval on approves the requests already waiting, each told; later ones are approved at once', async () => {
    await h.skipTo('2030-04-24');
    const { accountId, handle, captainEmail } = await h.enrolled();
    const { handle: lotRun } = await startPurchasedLot(h.env, h.taskQueue, {
      credits: 60,
      invoiceDate: '2030-04-10',
      accountId,
      ownerEmail: captainEmail,
      lotId: 'LP-AUTO',
    });
    // Invoiced 14 days ago: it activates at once, in its first workflow task.
    await expect.poll(async () => (await lotRun.query(lotStateQuery)).state, { timeout: 15_000 }).toBe('active');
    const ask = (credits: number) =>
      requestRedemption(h.desk, { accountId, kind: 'digital-learning', credits, autoApprove: false, approverEmail: captainEmail });
    const first = await ask(5);
    const second = await ask(7);

    await h.skipTo('2030-04-25');
    await handle.executeUpdate(setAutoApprovalUpdate, { args: [{ enabled: true }] });
    for (const r of [first, second])
      expect(await rowOf(r.redemptionId)).toMatchObject({ status: 'approved', decided_by: 'auto-approval', decided_on: '2030-04-25' });
    expect(await ledgerOf(h, 'LP-AUTO')).toEqual([
      { kind: 'purchase', credits: 60 },
      { kind: 'hold', credits: -5 },
      { kind: 'hold', credits: -7 },
      { kind: 'release', credits: 5 },
      { kind: 'redemption', credits: -5 },
      { kind: 'release', credits: 7 },
      { kind: 'redemption', credits: -7 },
    ]);
    await h.smtp.waitFor((m) => m.subject === `Redemption ${second.redemptionId} approved`);
    for (const r of [first, second])
      expect(mailsAbout(r.redemptionId)).toEqual([
        `${captainEmail}: A digital-learning redemption of ${r === first ? 5 : 7} credits waits for your approval`,
        `${captainEmail}: Redemption ${r.redemptionId} approved`,
      ]);
    // With auto-approval on, a request is redeemed at once, even one whose caller read the switch before it moved.
    const third = await ask(3);
    expect(third.state).toMatchObject({ status: 'approved', holdUntil: null, decidedBy: 'auto-approval' });
    expect(await rowOf(third.redemptionId)).toMatchObject({ status: 'approved', decided_by: 'auto-approval', decided_on: '2030-04-25' });
  });
});
