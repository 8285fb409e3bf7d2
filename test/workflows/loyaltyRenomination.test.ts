import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApi } from '../helpers/apiHarness';
import { nominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// LOY-10 and LOY-4 through the API on the time-skipping server, at dates written out from 2027-09-01 (issue 24,
// finding 3): who may nominate a closed account again, what the new lifecycle gets of the earlier one's
// credits (nothing), and no redemption before the terms are accepted.
describe('loyalty account: nominated again (LOY-10) and redemptions before the terms (LOY-4)', () => {
  let h: WorkflowHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  let apiToday = '2027-09-01';
  const [AM, OTHER_AM, OPS] = ['tok-account-manager', 'tok-account-manager-2', 'tok-ops-0000'];
  const [CAPTAIN, NEW_CAPTAIN] = ['tok-captain-dlee', 'tok-captain-other'];

  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2027-09-01' });
    api = await startApi({ temporal: h.env.client, db: h.db, taskQueue: h.taskQueue, today: () => apiToday });
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  /** Moves the Temporal clock and the API's day together. */
  async function dayIs(date: string) {
    await h.skipTo(date);
    apiToday = date;
  }

  /** Ops buy `credits` for the account, invoiced on `invoiceDate`; the lot once its workflow activated it (CLC-2: 5 days on). */
  async function purchasedLot(accountId: string, invoiceDate: string, activeOn: string, credits = 10) {
    const body = { accountId, country: 'US', invoiceDate, packages: [{ size: credits, quantity: 1 }] };
    const bought = await api.call('POST', '/v1/purchases', { token: OPS, body });
    expect(bought.status).toBe(201);
    expect(bought.body.activatesOn).toBe(activeOn);
    await dayIs(activeOn);
    await vi.waitFor(
      async () => expect(await h.db('credit_lots').where({ id: bought.body.lotId }).first()).toMatchObject({ state: 'active' }),
      {
        timeout: 20_000,
        interval: 100,
      },
    );
    return bought.body.lotId as string;
  }

  const redeem = (token: string, where: { accountId: string } | { lotId: string }, credits: number) =>
    api.call('POST', '/v1/redemptions', { token, body: { ...where, kind: 'digital-learning', credits, paysFor: 'Cisco U.' } });
  const ledgerOf = (lotId: string) =>
    h.db('ledger_entries').where({ lot_id: lotId }).orderBy('id').select('kind', 'credits', 'actor', 'occurred_on');

  it('LOY-4, issue 24 finding 3: a Team Captain cannot redeem before the terms are accepted (409 naming why); nothing is held', async () => {
    await dayIs('2027-09-01');
    const group = uniqueId('TERMS');
    expect((await api.call('POST', '/v1/nominations', { token: AM, body: nominationFor('2027-09-01', { group }) })).status).toBe(201);
    const lotId = await purchasedLot(group, '2027-09-01', '2027-09-06');

    const byAccount = await redeem(CAPTAIN, { accountId: group }, 4);
    expect(byAccount.status).toBe(409);
    const why = `account ${group} has not accepted the program terms: its Team Captain accepts them before redeeming`;
    expect(byAccount.body.errors).toEqual([{ field: 'accountId', message: why }]);
    const byLot = await redeem(CAPTAIN, { lotId }, 4);
    expect(byLot.status).toBe(409);
    expect(byLot.body.errors).toEqual([{ field: 'lotId', message: why }]);
    expect(await h.db('redemptions').where({ account_id: group })).toEqual([]);
    expect(await ledgerOf(lotId)).toMatchObject([{ kind: 'purchase', credits: 10, occurred_on: '2027-09-01' }]);

    // Accepted, the same request is held for the captain's decision.
    const accepted = await api.call('POST', `/v1/accounts/${group}/terms-acceptance`, { token: CAPTAIN, body: { version: 'T1' } });
    expect(accepted.body).toMatchObject({ state: 'enrolled' });
    const held = await redeem(CAPTAIN, { accountId: group }, 4);
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ status: 'pending', credits: 4 });
  });

  it("LOY-10, issue 24 finding 3: another Account Manager's re-nomination of a withdrawn account is refused until ops hand it over; the new lifecycle gets none of the earlier one's credits or waiting requests; audited", async () => {
    await dayIs('2027-10-01');
    const group = uniqueId('RENOM');
    expect((await api.call('POST', '/v1/nominations', { token: AM, body: nominationFor('2027-10-01', { group }) })).status).toBe(201);
    await api.call('POST', `/v1/accounts/${group}/terms-acceptance`, { token: CAPTAIN, body: { version: 'T1' } });
    const lotId = await purchasedLot(group, '2027-10-01', '2027-10-06');
    const waiting = await redeem(CAPTAIN, { accountId: group }, 4);
    expect(waiting.body).toMatchObject({ status: 'pending' });
    await dayIs('2027-10-07');
    expect((await api.call('POST', `/v1/accounts/${group}/withdrawal`, { token: OPS, body: { reason: 'left the program' } })).status).toBe(
      200,
    );

    // Another Account Manager, naming its own captain: refused, naming the group and why; nothing written.
    await dayIs('2027-10-08');
    const takeover = nominationFor('2027-10-08', { group, ccoId: 'someone-else' });
    const refused = await api.call('POST', '/v1/nominations', { token: OTHER_AM, body: takeover });
    expect(refused.status).toBe(409);
    const why = `account ${group} (withdrawn) is managed by another Account Manager: ops hand it to you (PUT /v1/accounts/${group}/account-manager) before you nominate it again`;
    expect(refused.body.errors).toEqual([{ field: 'company.corporateGroupId', message: why }]);
    expect(await h.db('accounts').where({ id: group }).first()).toMatchObject({
      lifecycle: 1,
      state: 'withdrawn',
      captain_cco_id: 'dlee',
      account_manager_id: 'am-test',
    });
    expect(await h.db('redemptions').where({ id: waiting.body.redemptionId }).first()).toMatchObject({ status: 'pending' });

    // Ops' confirmation: the closed account handed to the other Account Manager, who may now nominate it.
    const handed = await api.call('PUT', `/v1/accounts/${group}/account-manager`, { token: OPS, body: { amId: 'am-other' } });
    expect(handed.status).toBe(200);
    expect((await api.call('POST', '/v1/nominations', { token: OTHER_AM, body: takeover })).status).toBe(201);
    expect(await h.db('accounts').where({ id: group }).first()).toMatchObject({
      lifecycle: 2,
      state: 'nominated',
      captain_cco_id: 'someone-else',
      account_manager_id: 'am-other',
    });

    // The earlier lifecycle's waiting request ended, its hold released; what was left on the lot forfeited.
    expect(await h.db('redemptions').where({ id: waiting.body.redemptionId }).first()).toMatchObject({
      status: 'expired',
      decided_by: 'account-manager:am-other',
      decided_on: '2027-10-08',
    });
    expect(await ledgerOf(lotId)).toMatchObject([
      { kind: 'purchase', credits: 10, occurred_on: '2027-10-01' },
      { kind: 'hold', credits: -4, actor: 'team-captain:dlee', occurred_on: '2027-10-06' },
      { kind: 'release', credits: 4, actor: 'account-manager:am-other', occurred_on: '2027-10-08' },
      { kind: 'forfeit', credits: -10, actor: 'account-manager:am-other', occurred_on: '2027-10-08' },
    ]);

    // The new captain sees no balance and nothing waiting; the earlier captain no longer sees the account.
    const balance = await api.call('GET', `/v1/accounts/${group}/balance`, { token: NEW_CAPTAIN });
    expect(balance.body).toEqual({ accountId: group, balance: 0, lots: [] });
    expect((await api.call('GET', '/v1/my/redemptions', { token: NEW_CAPTAIN })).body.redemptions).toEqual([]);
    expect((await api.call('GET', `/v1/accounts/${group}/balance`, { token: CAPTAIN })).status).toBe(404);
    // Nor can it spend any: before the terms (LOY-4), then with nothing left.
    expect((await redeem(NEW_CAPTAIN, { accountId: group }, 1)).status).toBe(409);
    await api.call('POST', `/v1/accounts/${group}/terms-acceptance`, { token: NEW_CAPTAIN, body: { version: 'T1' } });
    const spent = await redeem(NEW_CAPTAIN, { accountId: group }, 1);
    expect(spent.status).toBe(422);
    expect(spent.body.errors).toEqual([{ field: 'credits', message: 'only 0 credits are available for this request, 1 asked' }]);

    const audit = await api.call('GET', `/v1/audit?entityType=account&entityId=${group}`, { token: OPS });
    expect(audit.body.events.filter((e: { action: string }) => e.action === 'account.renominated')).toMatchObject([
      {
        actor: 'account-manager:am-other',
        before: { lifecycle: 1, state: 'withdrawn', captainCcoId: 'dlee', accountManagerId: 'am-other' },
        after: {
          lifecycle: 2,
          captainCcoId: 'someone-else',
          accountManagerId: 'am-other',
          releasedRedemptions: [waiting.body.redemptionId],
          forfeited: [{ lotId, credits: 10 }],
        },
      },
    ]);
  });

  it('LOY-10, issue 24 finding 3: a lapsed account is nominated again by its own Account Manager without ops; another is refused', async () => {
    await dayIs('2027-11-01');
    const group = uniqueId('LAPSE');
    expect((await api.call('POST', '/v1/nominations', { token: AM, body: nominationFor('2027-11-01', { group }) })).status).toBe(201);
    // LOY-4: 90 days without acceptance: lapsed on 2028-01-30.
    await dayIs('2028-01-31');
    await vi.waitFor(async () => expect(await h.db('accounts').where({ id: group }).first()).toMatchObject({ state: 'lapsed' }), {
      timeout: 20_000,
      interval: 100,
    });
    const again = nominationFor('2028-01-31', { group });
    const refused = await api.call('POST', '/v1/nominations', { token: OTHER_AM, body: again });
    expect(refused.status).toBe(409);
    expect(refused.body.errors).toEqual([
      { field: 'company.corporateGroupId', message: expect.stringContaining(`account ${group} (lapsed)`) },
    ]);
    expect((await api.call('POST', '/v1/nominations', { token: AM, body: again })).status).toBe(201);
    expect(await h.db('accounts').where({ id: group }).first()).toMatchObject({
      lifecycle: 2,
      state: 'nominated',
      account_manager_id: 'am-test',
    });
  });
});
