import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, addYears } from '../../domain/calendar';
import { apiHarness, startApi, type ApiHarness } from '../helpers/apiHarness';
import { nominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';

const AM = 'tok-account-manager';
const OPS = 'tok-ops-0000';
const CAPTAIN = 'tok-captain-dlee';
const OTHER = 'tok-captain-other';
const P1 = 'tok-partner-p1';

// The portal's lists on the real stack: each is role- and ownership-checked, paged, and links its workflow.
describe("API: the portal's lists and work queues", () => {
  let h: ApiHarness;
  let linked: Awaited<ReturnType<typeof startApi>>;
  const today = new Date().toISOString().slice(0, 10);
  let mine: string;
  let theirs: string;
  let waiting: string;
  let decided: string;
  let oldLot: string;

  const purchase = async (accountId: string, invoiceDate: string) => {
    const res = await h.api.call('POST', '/v1/purchases', {
      token: AM,
      body: { accountId, country: 'US', invoiceDate, packages: [{ size: 100, quantity: 1 }] },
    });
    expect(res.status).toBe(201);
    return res.body.lotId as string;
  };
  const redeem = async (credits: number) => {
    const res = await h.api.call('POST', '/v1/redemptions', {
      token: CAPTAIN,
      body: {
        accountId: mine,
        kind: 'exam-voucher',
        credits,
        paysFor: 'CCNA 200-301',
        learner: { name: 'Kim Osei', email: 'kim@learners.example' },
      },
    });
    expect(res.status).toBe(201);
    return res.body.redemptionId as string;
  };

  beforeAll(async () => {
    h = await apiHarness();
    linked = await startApi({
      temporal: h.env.client,
      db: h.db,
      taskQueue: h.taskQueue,
      config: { temporalUiUrl: 'http://ui.example:8233/', temporalNamespace: 'default' },
    });
    [mine, theirs] = [uniqueId('QMINE'), uniqueId('QTHEIRS')];
    for (const [group, ccoId] of [
      [mine, 'dlee'],
      [theirs, 'someone-else'],
    ] as const)
      expect((await h.api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group, ccoId }) })).status).toBe(201);
    expect((await h.api.call('POST', `/v1/accounts/${mine}/terms-acceptance`, { token: CAPTAIN, body: { version: 'T1' } })).status).toBe(
      200,
    );
    await purchase(mine, addDays(today, -10));
    oldLot = await purchase(mine, addDays(today, -330));
    waiting = await redeem(10);
    decided = await redeem(5);
    expect((await h.api.call('POST', `/v1/redemptions/${decided}/decision`, { token: CAPTAIN, body: { approve: false } })).status).toBe(
      200,
    );
    const plan = { usagePlan: 'Two CCNP boot camps in the spring' };
    expect((await h.api.call('POST', `/v1/lots/${oldLot}/extension-requests`, { token: CAPTAIN, body: plan })).status).toBe(201);
  });
  afterAll(async () => {
    await linked?.close();
    await h?.close();
  });

  it('ALL-3, LOY-8: a Team Captain lists its own accounts only, each linked to its workflow', async () => {
    const res = await linked.call('GET', '/v1/my/accounts', { token: CAPTAIN });
    expect(res.status).toBe(200);
    const ids = res.body.accounts.map((a: { id: string }) => a.id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(theirs);
    expect(res.body.accounts.find((a: { id: string }) => a.id === mine)).toMatchObject({
      state: 'enrolled',
      workflowId: `loyalty-account-${mine}`,
      workflowUrl: `http://ui.example:8233/namespaces/default/workflows/loyalty-account-${mine}`,
    });
    const other = await h.api.call('GET', '/v1/my/accounts', { token: OTHER });
    expect(other.body.accounts.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([theirs]));
    expect(other.body.accounts.map((a: { id: string }) => a.id)).not.toContain(mine);
    expect((await h.api.call('GET', '/v1/my/accounts', { token: OPS })).status).toBe(403);
  });

  // The redemptions draw on the lot nearest expiry (the old one: 100 - 10 held; the rejected 5 came back),
  // and a hold ends at 45 days or that lot's expiry, whichever is first (CLC-6).
  it('CLC-6, ALL-3: redemptions waiting for the captain, and its history; another captain sees none of them', async () => {
    const waitingNow = await h.api.call('GET', '/v1/my/redemptions', { token: CAPTAIN });
    expect(waitingNow.status).toBe(200);
    expect(waitingNow.body.redemptions.map((r: { id: string }) => r.id)).toEqual([waiting]);
    expect(waitingNow.body.redemptions[0]).toMatchObject({
      status: 'pending',
      credits: 10,
      holdUntil: addYears(addDays(today, -330), 1),
      accountId: mine,
    });
    const history = await h.api.call('GET', '/v1/my/redemptions?view=history', { token: CAPTAIN });
    expect(history.body.redemptions.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([[decided, 'rejected']]);
    for (const view of ['waiting', 'history'])
      expect((await h.api.call('GET', `/v1/my/redemptions?view=${view}`, { token: OTHER })).body.redemptions).toEqual([]);
    const paged = await h.api.call('GET', '/v1/my/redemptions?limit=201', { token: CAPTAIN });
    expect(paged.status).toBe(400);
    expect(paged.body.errors.map((e: { field: string }) => e.field)).toEqual(['limit']);
    expect((await h.api.call('GET', '/v1/my/redemptions', { token: OPS })).status).toBe(403);
  });

  it('CLC-4: ops list the open reissue requests with the lot left and its expiry; no one else may', async () => {
    const res = await linked.call('GET', '/v1/queues/extension-requests', { token: OPS });
    expect(res.status).toBe(200);
    const row = res.body.extensionRequests.find((r: { lotId: string }) => r.lotId === oldLot);
    expect(row).toMatchObject({
      accountId: mine,
      usagePlan: 'Two CCNP boot camps in the spring',
      requestedBy: 'team-captain:dlee',
      expiresOn: addYears(addDays(today, -330), 1),
      balance: 90,
      workflowUrl: `http://ui.example:8233/namespaces/default/workflows/credit-lot-${oldLot}`,
    });
    for (const token of [CAPTAIN, AM, P1]) expect((await h.api.call('GET', '/v1/queues/extension-requests', { token })).status).toBe(403);
  });

  it('CLC-6, CLC-4: ops see the holds releasing within 7 days and the extensions ending within 30', async () => {
    // A redemption asked 42 days ago and a lot extended to three weeks from now (dates set in the read model).
    await h
      .db('redemptions')
      .where({ id: waiting })
      .update({ hold_until: addDays(today, 3) });
    await h
      .db('credit_lots')
      .where({ id: oldLot })
      .update({ extended_to: addDays(today, 21) });
    const holds = await h.api.call('GET', '/v1/queues/holds-releasing', { token: OPS });
    expect(holds.body.redemptions.map((r: { id: string; holdUntil: string }) => [r.id, r.holdUntil])).toEqual([
      [waiting, addDays(today, 3)],
    ]);
    const ending = await h.api.call('GET', '/v1/queues/extensions-ending', { token: OPS });
    expect(ending.body.lots).toEqual([expect.objectContaining({ lotId: oldLot, extendedTo: addDays(today, 21), balance: 90 })]);
    await h
      .db('redemptions')
      .where({ id: waiting })
      .update({ hold_until: addDays(today, 45) });
    expect((await h.api.call('GET', '/v1/queues/holds-releasing', { token: OPS })).body.redemptions).toEqual([]);
    expect((await h.api.call('GET', '/v1/queues/holds-releasing', { token: CAPTAIN })).status).toBe(403);
  });

  it('LOY-4, ALL-3: nominations waiting for terms, for ops and for the Account Manager who manages them', async () => {
    for (const token of [OPS, AM]) {
      const res = await h.api.call('GET', '/v1/queues/nominations-waiting?limit=200', { token });
      expect(res.status).toBe(200);
      const ids = res.body.accounts.map((a: { id: string }) => a.id);
      expect(ids).toContain(theirs);
      expect(ids).not.toContain(mine);
    }
    const other = await h.api.call('GET', '/v1/queues/nominations-waiting?limit=200', { token: 'tok-account-manager-2' });
    expect(other.body.accounts.map((a: { id: string }) => a.id)).not.toContain(theirs);
    expect((await h.api.call('GET', '/v1/queues/nominations-waiting', { token: CAPTAIN })).status).toBe(403);
  });

  it("CERT-2, CERT-3, LCI-2, ALL-3: a partner's own certifications with their dates and engagements; ops' Re-Cert queue", async () => {
    const anniversary = addDays(today, 20);
    await h.db('partners').insert([
      { id: 'P-1', name: 'P One', email: 'p1@partner.example' },
      { id: 'P-9', name: 'P Nine', email: 'p9@partner.example' },
    ]);
    await h.db('certifications').insert([
      { id: 'P-1-US', partner_id: 'P-1', country: 'US', state: 're-cert', certified_on: addDays(anniversary, -365), anniversary },
      { id: 'P-9-DE', partner_id: 'P-9', country: 'DE', state: 're-cert', certified_on: '2025-01-10', anniversary: addDays(today, -25) },
    ]);
    const mineNow = await h.api.call('GET', '/v1/my/certifications', { token: P1 });
    expect(mineNow.body.certifications).toEqual([
      expect.objectContaining({
        id: 'P-1-US',
        anniversary,
        recertOpensOn: addDays(anniversary, -90),
        lapsesOn: addDays(anniversary, 30),
        losingWithinWeek: false,
        workflowId: 'certification-P-1-US',
      }),
    ]);
    const due = await h.api.call('GET', '/v1/queues/certifications-due', { token: OPS });
    expect(due.body.certifications.map((c: { id: string; losingWithinWeek: boolean }) => [c.id, c.losingWithinWeek])).toEqual([
      ['P-9-DE', true],
      ['P-1-US', false],
    ]);
    expect((await h.api.call('GET', '/v1/queues/certifications-due', { token: P1 })).status).toBe(403);
    expect((await h.api.call('GET', '/v1/my/engagements', { token: P1 })).body.engagements).toEqual([]);
    expect((await h.api.call('GET', '/v1/my/engagements', { token: OPS })).status).toBe(403);
  });

  it('LCI-4: ops see the active engagements whose phase expires within 30 days, from their workflows', async () => {
    // Five days on, a one-month phase opened today expires within 30 days; a twelve-month one does not.
    const soon = await startApi({
      temporal: h.env.client,
      db: h.db,
      taskQueue: h.taskQueue,
      today: () => addDays(today, 5),
      config: { incentivePhaseMonths: 1, temporalUiUrl: 'http://ui.example:8233', temporalNamespace: 'default' },
    });
    try {
      expect(
        (await h.api.call('POST', '/v1/partners', { token: OPS, body: { id: 'P-7', name: 'P Seven', email: 'p7@partner.example' } }))
          .status,
      ).toBe(201);
      const open = async (api: typeof soon, customerId: string) => {
        const res = await api.call('POST', '/v1/engagements', {
          token: OPS,
          body: { partnerId: 'P-7', customerId, useCaseId: 'security-mfa' },
        });
        expect(res.status).toBe(201);
        return res.body.engagementId as string;
      };
      const near = await open(soon, 'CUST-NEAR');
      await open(h.api, 'CUST-FAR');
      const res = await soon.call('GET', '/v1/queues/engagements-near-expiry', { token: OPS });
      expect(res.status).toBe(200);
      expect(res.body.engagements).toEqual([
        expect.objectContaining({
          id: near,
          partnerId: 'P-7',
          customerId: 'CUST-NEAR',
          deadline: addMonths(today, 1),
          workflowUrl: `http://ui.example:8233/namespaces/default/workflows/incentive-${near}`,
        }),
      ]);
      expect((await soon.call('GET', '/v1/queues/engagements-near-expiry', { token: P1 })).status).toBe(403);
    } finally {
      await soon.close();
    }
  });
});
