import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addYears } from '../../domain/calendar';
import { extendedExpiry } from '../../domain/credits';
import { decideExtensionUpdate, lotStateQuery, requestExtensionUpdate } from '../../workflows/creditsDefinitions';
import { startPurchasedLot } from '../helpers/credits';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

const ledgerOf = (h: WorkflowHarness, lotId: string) =>
  h.db('ledger_entries').where({ lot_id: lotId }).orderBy('id').select('kind', 'credits');
const balanceOf = async (h: WorkflowHarness, lotId: string) => (await ledgerOf(h, lotId)).reduce((s, e) => s + e.credits, 0);

// A lot's whole life on the time-skipping server, with a real worker, Postgres and SMTP.
describe('Learning Credit lots', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness();
  });
  afterAll(async () => h?.close());

  it('CLC-2, CLC-3: a purchase activates 5 days after invoice, is reminded at 90/30/7 days, forfeits at expiry, closes 60 days on', async () => {
    const invoiceDate = await h.today();
    const ownerEmail = 'buyer1@example.com';
    const { lot, handle } = await startPurchasedLot(h.env, h.taskQueue, { credits: 110, invoiceDate, ownerEmail });
    const expiry = addYears(invoiceDate, 1);
    expect(lot.expiresOn).toBe(expiry);

    await h.skipTo(addDays(invoiceDate, 4));
    expect((await handle.query(lotStateQuery)).state).toBe('pending');
    await h.skipTo(addDays(invoiceDate, 5));
    expect((await handle.query(lotStateQuery)).state).toBe('active');
    await h.smtp.waitFor((m) => m.to.includes(ownerEmail) && /110 Cisco Learning Credits are active/.test(m.subject));

    for (const days of [90, 30, 7]) {
      await h.skipTo(addDays(expiry, -days - 1));
      expect(h.smtp.received.some((m) => m.to.includes(ownerEmail) && m.subject.includes(`expire in ${days} days`))).toBe(false);
      await h.skipTo(addDays(expiry, -days));
      await h.smtp.waitFor((m) => m.to.includes(ownerEmail) && m.subject === `110 Learning Credits expire in ${days} days (lot ${lot.id})`);
    }

    await h.skipTo(addDays(expiry, -1));
    expect(await balanceOf(h, lot.id)).toBe(110);
    await h.skipTo(expiry);
    expect(await ledgerOf(h, lot.id)).toEqual([
      { kind: 'purchase', credits: 110 },
      { kind: 'forfeit', credits: -110 },
    ]);
    await h.smtp.waitFor((m) => m.to.includes(ownerEmail) && m.subject === `110 Learning Credits expired (lot ${lot.id})`);
    expect(await handle.query(lotStateQuery)).toMatchObject({ state: 'expired', balance: 0, forfeited: 110 });

    const final = await handle.result();
    expect(final.state).toBe('closed');
    expect(final.closesOn).toBe(addDays(expiry, 60));
    expect(await h.db('credit_lots').where({ id: lot.id }).first()).toMatchObject({ state: 'closed', expires_on: expiry });
  });

  it('CLC-4: approved after expiry, the extension restores the forfeited credits; a second request is refused', async () => {
    const invoiceDate = await h.today();
    const { lot, handle } = await startPurchasedLot(h.env, h.taskQueue, { credits: 10, invoiceDate, ownerEmail: 'buyer2@example.com' });
    const expiry = addYears(invoiceDate, 1);
    await h.skipTo(addDays(expiry, 20));
    expect(await balanceOf(h, lot.id)).toBe(0);

    await handle.executeUpdate(requestExtensionUpdate, {
      args: [{ requestId: `X-${lot.id}`, usagePlan: 'CCNP boot camp in Q3', by: 'owner' }],
    });
    await expect(
      handle.executeUpdate(requestExtensionUpdate, { args: [{ requestId: `Y-${lot.id}`, usagePlan: 'again', by: 'owner' }] }),
    ).rejects.toMatchObject({ cause: { type: 'Conflict' } });
    const state = await handle.executeUpdate(decideExtensionUpdate, {
      args: [{ requestId: `X-${lot.id}`, approve: true, by: 'ops:test' }],
    });
    expect(state).toMatchObject({ state: 'active', expiresOn: extendedExpiry(expiry), balance: 10, forfeited: 0 });
    expect(await ledgerOf(h, lot.id)).toEqual([
      { kind: 'purchase', credits: 10 },
      { kind: 'forfeit', credits: -10 },
      { kind: 'extension', credits: 10 },
    ]);
    expect(await h.db('extension_requests').where({ lot_id: lot.id })).toMatchObject([
      { status: 'approved', usage_plan: 'CCNP boot camp in Q3', decided_by: 'ops:test' },
    ]);

    // At the new expiry the credits go for good: no second extension, so the lot closes at once.
    const final = await handle.result();
    expect(final).toMatchObject({ state: 'closed', expiresOn: extendedExpiry(expiry), forfeited: 10 });
    expect(await balanceOf(h, lot.id)).toBe(0);
  });

  it('CLC-4: a request is open only from 60 days before to 60 days after expiry; approved before expiry it just moves the date', async () => {
    const invoiceDate = await h.today();
    const { lot, handle } = await startPurchasedLot(h.env, h.taskQueue, { credits: 100, invoiceDate });
    const expiry = addYears(invoiceDate, 1);
    await h.skipTo(addDays(expiry, -61));
    await expect(
      handle.executeUpdate(requestExtensionUpdate, { args: [{ requestId: `E-${lot.id}`, usagePlan: 'plan', by: 'owner' }] }),
    ).rejects.toMatchObject({
      cause: { type: 'Invalid', message: expect.stringContaining(`open from ${addDays(expiry, -60)} to ${addDays(expiry, 60)}`) },
    });
    await h.skipTo(addDays(expiry, -60));
    await handle.executeUpdate(requestExtensionUpdate, { args: [{ requestId: `E-${lot.id}`, usagePlan: 'plan', by: 'owner' }] });
    await handle.executeUpdate(decideExtensionUpdate, { args: [{ requestId: `E-${lot.id}`, approve: true, by: 'ops:test' }] });
    await h.skipTo(addDays(expiry, 1));
    expect(await balanceOf(h, lot.id)).toBe(100); // not forfeited at the old date
    expect((await handle.query(lotStateQuery)).expiresOn).toBe(extendedExpiry(expiry));
  });

  it('CLC-4: a denied extension leaves the credits forfeited, and the lot closes when the window does', async () => {
    const invoiceDate = await h.today();
    const { lot, handle } = await startPurchasedLot(h.env, h.taskQueue, { credits: 1, invoiceDate });
    const expiry = addYears(invoiceDate, 1);
    await h.skipTo(addDays(expiry, 59));
    await handle.executeUpdate(requestExtensionUpdate, { args: [{ requestId: `D-${lot.id}`, usagePlan: 'plan', by: 'owner' }] });
    await handle.executeUpdate(decideExtensionUpdate, { args: [{ requestId: `D-${lot.id}`, approve: false, by: 'ops:test' }] });
    const final = await handle.result();
    expect(final).toMatchObject({ state: 'closed', expiresOn: expiry, extension: { status: 'denied' } });
    expect(await balanceOf(h, lot.id)).toBe(0);
  });

  it('CLC-4: a lot with an undecided request stays open past the window until the decision, which restores its credits', async () => {
    const invoiceDate = await h.today();
    const { lot, handle } = await startPurchasedLot(h.env, h.taskQueue, { credits: 7, invoiceDate });
    const expiry = addYears(invoiceDate, 1);
    await h.skipTo(addDays(expiry, 50));
    await handle.executeUpdate(requestExtensionUpdate, { args: [{ requestId: `U-${lot.id}`, usagePlan: 'plan', by: 'owner' }] });
    await h.skipTo(addDays(expiry, 75));
    expect(await handle.query(lotStateQuery)).toMatchObject({ state: 'expired', extension: { status: 'pending' } });
    expect(await h.db('credit_lots').where({ id: lot.id }).first()).toMatchObject({ state: 'expired' });
    const state = await handle.executeUpdate(decideExtensionUpdate, {
      args: [{ requestId: `U-${lot.id}`, approve: true, by: 'ops:test' }],
    });
    expect(state).toMatchObject({ state: 'active', expiresOn: extendedExpiry(expiry), balance: 7, forfeited: 0 });
    expect(await ledgerOf(h, lot.id)).toEqual([
      { kind: 'purchase', credits: 7 },
      { kind: 'forfeit', credits: -7 },
      { kind: 'extension', credits: 7 },
    ]);
  });

  it('CLC-4: ops is told of each extension request, once', async () => {
    const invoiceDate = await h.today();
    const { lot, handle } = await startPurchasedLot(h.env, h.taskQueue, { credits: 5, invoiceDate });
    const expiry = addYears(invoiceDate, 1);
    await h.skipTo(addDays(expiry, -10));
    const requestId = `O-${lot.id}`;
    await handle.executeUpdate(requestExtensionUpdate, {
      args: [{ requestId, usagePlan: 'CCNA exam vouchers in May', by: 'captain:dlee' }],
    });
    const told = await h.smtp.waitFor((m) => m.to.includes('ops@test.example') && m.subject.includes(lot.id));
    expect(told.subject).toBe(`Extension of lot ${lot.id} requested by captain:dlee`);
    expect(told.text).toContain('CCNA exam vouchers in May');
    expect(told.text).toContain(`(request ${requestId})`);
    expect(told.text).toContain('Decide the request: https://programs.test.example/app/ops/extension-requests\n'); // ALL-5
    await handle.executeUpdate(decideExtensionUpdate, { args: [{ requestId, approve: false, by: 'ops:test' }] });
    await h.skipTo(addDays(expiry, 61));
    await handle.result();
    expect(h.smtp.received.filter((m) => m.to.includes('ops@test.example') && m.subject.includes(lot.id))).toHaveLength(1);
    expect(
      await h
        .db('notifications')
        .where({ recipient: 'ops@test.example', kind: 'lot-extension-requested' })
        .where('subject', 'like', `%${lot.id}%`),
    ).toHaveLength(1);
  });
});

// CLC-4 (amended): the reissue window's last day, expiry + 60, is open all day, as the forfeit email says.
// Dates written out: the clock starts on 2030-03-09; the lots are invoiced 2030-03-10 and expire 2031-03-10.
describe('Learning Credit lots: the last day of the reissue window', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2030-03-09' });
  });
  afterAll(async () => h?.close());

  it('CLC-4: a request on the 60th day after expiry is accepted, and a lot never asked closes only when that day ends', async () => {
    const asked = await startPurchasedLot(h.env, h.taskQueue, {
      credits: 12,
      invoiceDate: '2030-03-10',
      ownerEmail: 'asks.late@example.com',
      lotId: 'LP-ASKS',
    });
    const quiet = await startPurchasedLot(h.env, h.taskQueue, {
      credits: 3,
      invoiceDate: '2030-03-10',
      ownerEmail: 'never.asks@example.com',
      lotId: 'LP-QUIET',
    });
    expect(asked.lot.expiresOn).toBe('2031-03-10');

    await h.skipTo('2031-03-10');
    const forfeit = await h.smtp.waitFor((m) => m.subject === '12 Learning Credits expired (lot LP-ASKS)');
    expect(forfeit.text).toContain('Lot LP-ASKS expired on 2031-03-10; its 12 unused credits are forfeited.');
    expect(forfeit.text).toContain('Ask for the one six-month extension by the end of 2031-05-09: approved, it restores them.');

    // The last day of the window, late in the day.
    await h.skipTo('2031-05-09', '23:00:00');
    expect(await quiet.handle.query(lotStateQuery)).toMatchObject({ state: 'expired', closesOn: '2031-05-09' });
    const requested = await asked.handle.executeUpdate(requestExtensionUpdate, {
      args: [{ requestId: 'XR-LAST-DAY', usagePlan: 'CCNP training for two engineers', by: 'team-captain:dlee' }],
    });
    expect(requested).toMatchObject({
      state: 'expired',
      extension: { requestId: 'XR-LAST-DAY', requestedOn: '2031-05-09', status: 'pending' },
    });

    // The day over: the quiet lot closes; the asked one stays open for its decision.
    await h.skipTo('2031-05-10', '00:00:01');
    // Read without letting time skip on (env.client's handle would skip to the next timer while it waits).
    const quietRun = h.steadyClient.workflow.getHandle(quiet.handle.workflowId);
    expect(await quietRun.result()).toMatchObject({ state: 'closed', closesOn: '2031-05-09', forfeited: 3 });
    await h.skipTo('2031-05-20');
    expect(await asked.handle.query(lotStateQuery)).toMatchObject({ state: 'expired', extension: { status: 'pending' } });
    const decided = await asked.handle.executeUpdate(decideExtensionUpdate, {
      args: [{ requestId: 'XR-LAST-DAY', approve: true, by: 'ops:test' }],
    });
    expect(decided).toMatchObject({ state: 'active', expiresOn: '2031-09-10', balance: 12, forfeited: 0 });
    expect(await ledgerOf(h, 'LP-ASKS')).toEqual([
      { kind: 'purchase', credits: 12 },
      { kind: 'forfeit', credits: -12 },
      { kind: 'extension', credits: 12 },
    ]);

    // Every email of the asking owner, in order.
    await h.smtp.waitFor((m) => m.subject === 'Extension of lot LP-ASKS approved');
    expect(h.smtp.received.filter((m) => m.to.includes('asks.late@example.com')).map((m) => m.subject)).toEqual([
      '12 Cisco Learning Credits are active (lot LP-ASKS)',
      '12 Learning Credits expire in 90 days (lot LP-ASKS)',
      '12 Learning Credits expire in 30 days (lot LP-ASKS)',
      '12 Learning Credits expire in 7 days (lot LP-ASKS)',
      '12 Learning Credits expired (lot LP-ASKS)',
      'Extension of lot LP-ASKS approved',
    ]);
    const told = await h.smtp.waitFor((m) => m.to.includes('ops@test.example') && m.subject.includes('LP-ASKS'));
    expect(told.subject).toBe('Extension of lot LP-ASKS requested by team-captain:dlee');
  });
});
