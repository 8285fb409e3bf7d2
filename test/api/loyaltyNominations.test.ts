import { defaultPayloadConverter, WorkflowNotFoundError } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb } from '../../db/connect';
import { loyaltyWorkflowId, loyaltySearchAttributes } from '../../workflows/loyaltyDefinitions';
import { apiHarness, startApi, type ApiHarness } from '../helpers/apiHarness';
import { nominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';

describe('API: nominations and accounts', () => {
  let h: ApiHarness;
  const today = new Date().toISOString().slice(0, 10);
  const AM = 'tok-account-manager';
  const OPS = 'tok-ops-0000';

  beforeAll(async () => {
    h = await apiHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  const accountCount = async (group: string) =>
    Number((await h.db('accounts').where({ corporate_group_id: group }).count({ n: '*' }))[0]!.n);
  const workflowExists = async (group: string) =>
    h.env.client.workflow
      .getHandle(loyaltyWorkflowId(group))
      .describe()
      .then(
        () => true,
        (err) => (err instanceof WorkflowNotFoundError ? false : Promise.reject(err)),
      );

  it('health: 200 when Postgres and Temporal answer; only ops are shown each check', async () => {
    const res = await h.api.call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    const asOps = await h.api.call('GET', '/healthz', { token: 'tok-ops-0000' });
    expect(asOps.body).toEqual({ status: 'ok', checks: { postgres: 'ok', temporal: 'ok' } });
  });

  it('issue 24 (readiness): 503 with Retry-After when Postgres does not answer; which one fails, and why, only ops are told', async () => {
    const deadDb = connectDb('postgres://nobody:x@127.0.0.1:1/none', { min: 0, max: 1 });
    const deadApi = await startApi({ temporal: h.env.client, db: deadDb, taskQueue: h.taskQueue, today: () => today });
    const [anonymous, captain, ops] = [
      await deadApi.call('GET', '/health/ready'),
      await deadApi.call('GET', '/health/ready', { token: 'tok-captain-dlee' }),
      await deadApi.call('GET', '/health/ready', { token: 'tok-ops-0000' }),
    ];
    await deadApi.close();
    await deadDb.destroy();
    for (const res of [anonymous, captain]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body).toEqual({ status: 'unavailable' });
    }
    expect(ops.status).toBe(503);
    const body = ops.body as { checks: Record<string, string> };
    expect(body.checks.postgres).toMatch(/^failed: ./);
    expect(body.checks.temporal).toBe('ok');
  });

  it('ALL-3: no token is 401, a role that may not nominate is 403, and nothing is written', async () => {
    const body = nominationFor(today, { group: uniqueId('AUTH') });
    expect((await h.api.call('POST', '/v1/nominations', { body })).status).toBe(401);
    expect((await h.api.call('POST', '/v1/nominations', { body, token: 'not-a-token' })).status).toBe(401);
    const asCaptain = await h.api.call('POST', '/v1/nominations', { body, token: 'tok-captain-dlee' });
    expect(asCaptain.status).toBe(403);
    expect(await accountCount(body.company.corporateGroupId)).toBe(0);
    expect(await workflowExists(body.company.corporateGroupId)).toBe(false);
  });

  it('ALL-3: a malformed nomination is 400 naming each bad field, and nothing is written', async () => {
    const res = await h.api.call('POST', '/v1/nominations', {
      token: AM,
      body: {
        company: { id: 'X-1', name: '', country: 'usa', endUser: 'yes', corporateGroupId: 'X' },
        teamCaptain: { name: 'A', email: 'not-an-email', ccoId: 'a' },
        bookings: [],
      },
    });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['bookings', 'company.country', 'company.endUser', 'company.name', 'teamCaptain.email']);
    const notJson = await h.api.call('POST', '/v1/nominations', { token: AM, raw: '{"company":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors[0].field).toBe('(body)');
    expect(await accountCount('X')).toBe(0);
    expect(await workflowExists('X')).toBe(false);
  });

  it('LOY-2: an ineligible nomination is 422 naming every reason, and nothing is written', async () => {
    const group = uniqueId('POOR');
    const body = nominationFor(today, { group, yearlyUsd: 900_000 });
    body.company.endUser = false;
    body.company.country = 'ZZ';
    body.teamCaptain.ccoId = '';
    const res = await h.api.call('POST', '/v1/nominations', { token: AM, body });
    expect(res.status).toBe(422);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['bookings', 'company.country', 'company.endUser', 'teamCaptain.ccoId']);
    expect(await accountCount(group)).toBe(0);
    expect(await workflowExists(group)).toBe(false);
  });

  it('LOY-1, LOY-4: an Account Manager nominates; the workflow runs, the account is stored and the captain emailed', async () => {
    const group = uniqueId('ACME');
    const body = nominationFor(today, { group });
    const res = await h.api.call('POST', '/v1/nominations', { token: AM, body });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ accountId: group, workflowId: `loyalty-account-${group}` });

    const description = await h.env.client.workflow.getHandle(res.body.workflowId).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.typedSearchAttributes.get(loyaltySearchAttributes.AccountId)).toBe(group);

    const mail = await h.smtp.waitFor((m) => m.to.includes(body.teamCaptain.email));
    expect(mail.subject).toMatch(/terms are waiting/);
    const row = await h.db('accounts').where({ id: group }).first();
    expect(row).toMatchObject({ state: 'nominated', corporate_group_id: group, nominated_by: 'account-manager:am-test' });
  });

  /** What the account's workflow was started with: the nomination as the API recorded it. */
  const startedNomination = async (workflowId: string) => {
    const [started] = (await h.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const [input] = started!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    return defaultPayloadConverter.fromPayload<{ nomination: { accountManager?: unknown } }>(input!).nomination;
  };

  it('LOY-6: a nomination naming no Account Manager records the signed-in one (name and email), to be asked for missing bookings', async () => {
    const group = uniqueId('SIGNEDAM');
    const { accountManager: _named, ...unnamed } = nominationFor(today, { group });
    const res = await h.api.call('POST', '/v1/nominations', { token: 'tok-account-manager-mail', body: unnamed });
    expect(res.status).toBe(201);
    expect((await startedNomination(res.body.workflowId)).accountManager).toEqual({ name: 'Casey Manager', email: 'casey@cisco.example' });

    // One the body names is kept as named; a machine token with no email on record adds none.
    const named = uniqueId('NAMEDAM');
    const body = { ...nominationFor(today, { group: named }), accountManager: { name: 'Robin Desk', email: 'robin@cisco.example' } };
    const res2 = await h.api.call('POST', '/v1/nominations', { token: 'tok-account-manager-mail', body });
    expect(res2.status).toBe(201);
    expect((await startedNomination(res2.body.workflowId)).accountManager).toEqual({ name: 'Robin Desk', email: 'robin@cisco.example' });
    const { accountManager: _none, ...bare } = nominationFor(today, { group: uniqueId('NOMAILAM') });
    const res3 = await h.api.call('POST', '/v1/nominations', { token: AM, body: bare });
    expect(res3.status).toBe(201);
    expect((await startedNomination(res3.body.workflowId)).accountManager).toBeUndefined();
  });

  it('LOY-3: a second company of the same corporate group is refused with 409 naming the account', async () => {
    const group = uniqueId('GRP');
    expect(
      (await h.api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group, id: `${group}-1` }) })).status,
    ).toBe(201);
    await h.smtp.waitFor((m) => m.subject.includes(`${group} Corp`));
    const second = await h.api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group, id: `${group}-2` }) });
    expect(second.status).toBe(409);
    expect(second.body.message).toContain(`account ${group}`);
    expect(
      await h
        .db('companies')
        .where({ id: `${group}-2` })
        .first(),
    ).toBeUndefined();
  });

  it('LOY-10: a withdrawn group is nominated again: a new run of the same workflow, the earlier lifecycle still readable', async () => {
    const group = uniqueId('AGAIN');
    const body = nominationFor(today, { group });
    expect((await h.api.call('POST', '/v1/nominations', { token: AM, body })).status).toBe(201);
    const firstRun = (await h.env.client.workflow.getHandle(loyaltyWorkflowId(group)).describe()).runId;
    const withdrawal = { token: OPS, body: { reason: 'left the program' } };
    expect((await h.api.call('POST', `/v1/accounts/${group}/withdrawal`, withdrawal)).status).toBe(200);

    const again = await h.api.call('POST', '/v1/nominations', { token: AM, body });
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ accountId: group, workflowId: `loyalty-account-${group}` });
    const run = await h.env.client.workflow.getHandle(loyaltyWorkflowId(group)).describe();
    expect(run.status.name).toBe('RUNNING');
    expect(run.runId).not.toBe(firstRun);
    expect((await h.env.client.workflow.getHandle(loyaltyWorkflowId(group), firstRun).describe()).status.name).toBe('COMPLETED');
    const waiting = () =>
      h.smtp.received.filter((m) => m.to.includes(`captain@${group.toLowerCase()}.example`) && /terms are waiting/.test(m.subject));
    await h.smtp.waitFor(() => waiting().length === 2);
    const read = await h.api.call('GET', `/v1/accounts/${group}`, { token: OPS });
    expect(read.body).toMatchObject({ state: 'nominated', lifecycle: 2 });
    expect(read.body.earlierLifecycles).toEqual([
      {
        ...{ lifecycle: 1, state: 'withdrawn', nominatedOn: today, nominatedBy: 'account-manager:am-test', captainCcoId: 'dlee' },
        // LOY-10: its members as it ended (migration 015).
        companies: [{ id: `${group}-1`, name: `${group} Corp` }],
      },
    ]);
    expect(await h.db('accounts').where({ id: group }).first()).toMatchObject({ state: 'nominated', lifecycle: 2 });
  });

  it('LOY-10, LOY-3: a company of another open account is refused naming it; once that account is closed it may join a new one', async () => {
    const [a, b] = [uniqueId('OPEN'), uniqueId('NEWG')];
    expect((await h.api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group: a }) })).status).toBe(201);
    const moved = nominationFor(today, { group: b, id: `${a}-1` });
    const refused = await h.api.call('POST', '/v1/nominations', { token: AM, body: moved });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(`account ${a}`);
    expect((await h.api.call('POST', `/v1/accounts/${a}/withdrawal`, { token: OPS, body: { reason: 'merged' } })).status).toBe(200);
    expect((await h.api.call('POST', '/v1/nominations', { token: AM, body: moved })).status).toBe(201);
    expect(
      await h
        .db('companies')
        .where({ id: `${a}-1` })
        .first(),
    ).toMatchObject({ account_id: b });
  });

  it("ALL-3, LOY-4: only the account's own Team Captain reads it and accepts its terms", async () => {
    const group = uniqueId('OWN');
    expect((await h.api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group }) })).status).toBe(201);

    const asOps = await h.api.call('GET', `/v1/accounts/${group}`, { token: 'tok-ops-0000' });
    expect(asOps.status).toBe(200);
    expect(asOps.body).toMatchObject({ accountId: group, state: 'nominated', tier: 1, termsVersion: 'T1' });
    expect((await h.api.call('GET', `/v1/accounts/${group}`, { token: 'tok-captain-other' })).status).toBe(404);
    expect((await h.api.call('GET', `/v1/accounts/${group}`, { token: 'tok-partner-p1' })).status).toBe(403);
    expect((await h.api.call('GET', '/v1/accounts/NO-SUCH', { token: 'tok-ops-0000' })).status).toBe(404);

    expect(
      (await h.api.call('POST', `/v1/accounts/${group}/terms-acceptance`, { token: 'tok-captain-other', body: { version: 'T1' } })).status,
    ).toBe(404);
    expect((await h.api.call('POST', `/v1/accounts/${group}/terms-acceptance`, { token: 'tok-captain-dlee', body: {} })).status).toBe(400);
    const stale = await h.api.call('POST', `/v1/accounts/${group}/terms-acceptance`, {
      token: 'tok-captain-dlee',
      body: { version: 'T0' },
    });
    expect(stale.status).toBe(422);
    expect(stale.body.errors).toEqual([{ field: 'version', message: expect.stringContaining('not the current version') }]);

    const accepted = await h.api.call('POST', `/v1/accounts/${group}/terms-acceptance`, {
      token: 'tok-captain-dlee',
      body: { version: 'T1' },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ state: 'enrolled', termsAccepted: { version: 'T1', acceptedBy: 'dlee', acceptedOn: today } });
    const again = await h.api.call('POST', `/v1/accounts/${group}/terms-acceptance`, {
      token: 'tok-captain-dlee',
      body: { version: 'T1' },
    });
    expect(again.status).toBe(409);
  });

  it('LOY-9: only ops withdraws an account', async () => {
    const group = uniqueId('WD');
    expect((await h.api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group }) })).status).toBe(201);
    expect((await h.api.call('POST', `/v1/accounts/${group}/withdrawal`, { token: AM, body: { reason: 'x' } })).status).toBe(403);
    expect((await h.api.call('POST', `/v1/accounts/${group}/withdrawal`, { token: 'tok-ops-0000', body: {} })).status).toBe(400);
    const res = await h.api.call('POST', `/v1/accounts/${group}/withdrawal`, {
      token: 'tok-ops-0000',
      body: { reason: 'left the program' },
    });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('withdrawn');
  });

  it('serves an OpenAPI document generated from the request schemas, and a docs page', async () => {
    const doc = await h.api.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/nominations',
        '/v1/accounts/{id}',
        '/healthz',
        '/v1/redemptions',
        '/v1/purchases',
        '/v1/tier-tables/{fy}',
        '/v1/certifications',
        '/v1/certifications/{id}/renewal',
      ]),
    );
    expect(doc.body.components.schemas.Nomination.properties.company.required).toContain('corporateGroupId');
    const page = await fetch(`${h.api.base}/docs`);
    expect(await page.text()).toContain('<script src="/docs/init.js"></script>'); // no inline script: the CSP allows none
    expect(await (await fetch(`${h.api.base}/docs/init.js`)).text()).toContain('SwaggerUIBundle');
    expect((await fetch(`${h.api.base}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
  });
});
