import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addYears } from '../../domain/calendar';
import { decideRedemptionUpdate, lotStateQuery } from '../../workflows/creditDefinitions';
import { requestRedemption, startPurchasedLot } from '../helpers/credits';
import { recordedHistories, recordIfAsked, replay, type History } from '../helpers/histories';
import { loyaltyHarness, type LoyaltyHarness } from '../helpers/loyaltyHarness';

const ledgerOf = (h: LoyaltyHarness, lotId: string) => h.db('ledger_entries').where({ lot_id: lotId }).orderBy('id').select('kind', 'credits');
const balanceOf = async (h: LoyaltyHarness, lotId: string) => (await ledgerOf(h, lotId)).reduce((s, e) => s + e.credits, 0);

// Redemptions against real lots: holds, approval, release, and the ledger that never goes negative.
describe('redemptions', () => {
  let h: LoyaltyHarness;
  beforeAll(async () => {
    h = await loyaltyHarness();
  });
  afterAll(async () => h?.close());

  async function activeLot(credits: number, invoiceDate?: string) {
    const started = await startPurchasedLot(h.env, h.taskQueue, { credits, invoiceDate: invoiceDate ?? addDays(await h.today(), -10) });
    await h.skipTo(addDays(await h.today(), 1)); // past activation
    expect((await started.handle.query(lotStateQuery)).state).toBe('active');
    return started;
  }

  it('CLC-6, CLC-8: an approved request holds, then redeems: hold, release and redemption entries; the lot hears its balance', async () => {
    const { lot, handle: lotHandle } = await activeLot(100);
    const r = await requestRedemption(h.env, h.taskQueue, { accountId: null, lotId: lot.id, kind: 'digital-learning', credits: 30, autoApprove: false });
    expect(r.state).toMatchObject({ status: 'pending', allocation: [{ lotId: lot.id, credits: 30 }] });
    expect(await balanceOf(h, lot.id)).toBe(70); // held credits cannot be spent twice
    // ALL-2: the notice was committed with the hold, before the request answered.
    expect(await h.db('notifications').where({ id: `redemption-${r.redemptionId}:waiting` }).first()).toBeTruthy();
    await h.smtp.waitFor((m) => m.subject.includes(`redemption of 30 credits waits for your approval`));

    const decided = await r.handle.executeUpdate(decideRedemptionUpdate, { args: [{ approve: true, by: 'team-captain:dlee' }] });
    expect(decided.status).toBe('approved');
    expect(await h.db('notifications').where({ id: `redemption-${r.redemptionId}:settled` }).first()).toBeTruthy();
    await h.smtp.waitFor((m) => m.subject === `Redemption ${r.redemptionId} approved`);
    expect(await ledgerOf(h, lot.id)).toEqual([
      { kind: 'purchase', credits: 100 },
      { kind: 'hold', credits: -30 },
      { kind: 'release', credits: 30 },
      { kind: 'redemption', credits: -30 },
    ]);
    await expect.poll(async () => (await lotHandle.query(lotStateQuery)).balance, { timeout: 15_000 }).toBe(70);
    // Decided once: a second decision is refused (the request may already have closed) and changes nothing.
    await expect(r.handle.executeUpdate(decideRedemptionUpdate, { args: [{ approve: false, by: 'x' }] })).rejects.toThrow();
    expect((await h.db('redemptions').where({ id: r.redemptionId }).first()).status).toBe('approved');
  });

  it('CLC-6: a rejected request releases its credits', async () => {
    const { lot } = await activeLot(50);
    const r = await requestRedemption(h.env, h.taskQueue, { accountId: null, lotId: lot.id, kind: 'training', credits: 50, startsOn: addDays(await h.today(), 30), autoApprove: false });
    expect(await balanceOf(h, lot.id)).toBe(0);
    expect((await r.handle.executeUpdate(decideRedemptionUpdate, { args: [{ approve: false, by: 'team-captain:dlee' }] })).status).toBe('rejected');
    expect(await balanceOf(h, lot.id)).toBe(50);
    expect((await h.db('redemptions').where({ id: r.redemptionId }).first()).status).toBe('rejected');
  });

  it('CLC-6: a request not decided within 45 days is released', async () => {
    const { lot } = await activeLot(20);
    const requestedOn = await h.today();
    const r = await requestRedemption(h.env, h.taskQueue, { accountId: null, lotId: lot.id, kind: 'digital-learning', credits: 20, autoApprove: false });
    expect(r.state.holdUntil).toBe(addDays(requestedOn, 45));
    await h.skipTo(addDays(requestedOn, 44));
    expect(await balanceOf(h, lot.id)).toBe(0);
    await h.skipTo(addDays(requestedOn, 45));
    expect((await r.handle.result()).status).toBe('expired');
    expect(await balanceOf(h, lot.id)).toBe(20);
  });

  it('CLC-6: a hold never outlives the lot: released at its expiry, then the lot forfeits', async () => {
    const today = await h.today();
    const { lot } = await activeLot(40, addDays(addYears(today, -1), 20)); // expires in 20 days
    const r = await requestRedemption(h.env, h.taskQueue, { accountId: null, lotId: lot.id, kind: 'digital-learning', credits: 15, autoApprove: false });
    expect(r.state.holdUntil).toBe(lot.expiresOn);
    await h.skipTo(lot.expiresOn);
    expect((await r.handle.result()).status).toBe('expired');
    const ledger = await ledgerOf(h, lot.id);
    expect(ledger.filter((e) => e.kind === 'forfeit')).toEqual([{ kind: 'forfeit', credits: -40 }]);
    expect(await balanceOf(h, lot.id)).toBe(0);
  });

  it('CLC-5: exam vouchers must be ordered five days before expiry; training must begin before it', async () => {
    const today = await h.today();
    const { lot } = await activeLot(10, addDays(addYears(today, -1), 4)); // expires in 4 days
    await expect(requestRedemption(h.env, h.taskQueue, { accountId: null, lotId: lot.id, kind: 'exam-voucher', credits: 1, autoApprove: true })).rejects.toMatchObject({
      cause: { type: 'Invalid', message: expect.stringContaining(`exam vouchers must be ordered by ${addDays(lot.expiresOn, -5)}`) },
    });
    await expect(requestRedemption(h.env, h.taskQueue, { accountId: null, lotId: lot.id, kind: 'training', credits: 1, startsOn: lot.expiresOn, autoApprove: true })).rejects.toMatchObject({
      cause: { message: expect.stringContaining(`training must begin before ${lot.expiresOn}`) },
    });
    // An event may take place after expiry, if registered before it.
    const event = await requestRedemption(h.env, h.taskQueue, { accountId: null, lotId: lot.id, kind: 'event', credits: 5, startsOn: addDays(lot.expiresOn, 90), autoApprove: true });
    expect(event.state.status).toBe('approved');
    expect(await balanceOf(h, lot.id)).toBe(5);
  });

  it('CLC-6: 200 concurrent requests at one lot never take its balance below zero', async () => {
    const { lot } = await activeLot(1500);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () => requestRedemption(h.env, h.taskQueue, { accountId: null, lotId: lot.id, kind: 'digital-learning', credits: 10, autoApprove: true })),
    );
    const approved = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(approved).toHaveLength(150);
    expect(refused).toHaveLength(50);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ cause: { type: 'Invalid' } });
    expect(await balanceOf(h, lot.id)).toBe(0);
    // Every prefix of the ledger, in commit order, is non-negative.
    let running = 0;
    for (const e of await ledgerOf(h, lot.id)) {
      running += e.credits;
      expect(running).toBeGreaterThanOrEqual(0);
    }
  }, 120_000);
});

// Running redemptions must replay: test/histories/redemption-*.json were recorded from earlier releases
// (RECORD_HISTORIES=1 records the current code's under RELEASE), and fresh runs of today's code
// replay too. Each release's patch keeps its older command sequence for the runs that wrote it.
/** The release whose histories RECORD_HISTORIES=1 records; name a new one with each change to the workflow. */
const RELEASE = 'redemption-fewer-tasks';
describe('determinism: replaying redemption histories', () => {
  let h: LoyaltyHarness;
  const fresh: { name: string; history: History }[] = [];

  beforeAll(async () => {
    h = await loyaltyHarness();
    const started = await startPurchasedLot(h.env, h.taskQueue, { credits: 100, invoiceDate: addDays(await h.today(), -10) });
    await h.skipTo(addDays(await h.today(), 1));
    const lotId = started.lot.id;
    const approved = await requestRedemption(h.env, h.taskQueue, { accountId: null, lotId, kind: 'digital-learning', credits: 10, autoApprove: false });
    await approved.handle.executeUpdate(decideRedemptionUpdate, { args: [{ approve: true, by: 'team-captain:dlee' }] });
    await approved.handle.result();
    const rejected = await requestRedemption(h.env, h.taskQueue, { accountId: null, lotId, kind: 'digital-learning', credits: 10, autoApprove: false });
    await rejected.handle.executeUpdate(decideRedemptionUpdate, { args: [{ approve: false, by: 'team-captain:dlee' }] });
    await rejected.handle.result();
    const auto = await requestRedemption(h.env, h.taskQueue, { accountId: null, lotId, kind: 'digital-learning', credits: 10, autoApprove: true });
    await auto.handle.result();
    // Still waiting for its captain: the case of a redemption that is running when a release ships.
    const waiting = await requestRedemption(h.env, h.taskQueue, { accountId: null, lotId, kind: 'digital-learning', credits: 10, autoApprove: false });
    await h.smtp.waitFor((m) => m.subject.includes('waits for your approval') && m.text.includes(waiting.redemptionId));
    for (const [name, r] of Object.entries({ approved, rejected, auto, waiting })) fresh.push({ name: `redemption-${name}`, history: await r.handle.fetchHistory() });
  });
  afterAll(async () => h?.close());

  it('replays fresh runs of the current code', async () => {
    expect(await replay(fresh.map((f) => ({ workflowId: f.name, history: f.history })))).toEqual([]);
    recordIfAsked(fresh, RELEASE);
  });

  it('replays the redemptions recorded from earlier releases (their older command sequence)', async () => {
    const recorded = recordedHistories('redemption-');
    expect(recorded.length).toBeGreaterThanOrEqual(4);
    expect(await replay(recorded)).toEqual([]);
  });
});
