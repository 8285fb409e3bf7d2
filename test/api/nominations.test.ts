import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb } from '../../db/connect';
import { loyaltyWorkflowId, loyaltySearchAttributes } from '../../workflows/loyaltyDefinitions';
import { createTestDatabase } from '../helpers/db';
import { nominationFor } from '../helpers/fixtures';
import { startSmtpServer } from '../helpers/smtp';
import { devServerEnv, startWorker, uniqueId, uniqueTaskQueue } from '../helpers/temporal';
import { startApi } from '../helpers/api';
import pino from 'pino';
import { createApp } from '../../api/app';

// The API against the real dev server, a real worker, Postgres and SMTP.
describe('API: nominations and accounts', () => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let api: Awaited<ReturnType<typeof startApi>>;
  const taskQueue = uniqueTaskQueue();
  const today = new Date().toISOString().slice(0, 10);
  const AM = 'tok-account-manager';

  beforeAll(async () => {
    [env, database, smtp] = await Promise.all([devServerEnv(), createTestDatabase(), startSmtpServer()]);
    worker = await startWorker(env, { db: database.db, smtpUrl: smtp.url, taskQueue });
    api = await startApi({ temporal: env.client, db: database.db, taskQueue });
  });

  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await env?.teardown();
    await smtp?.close();
    await database?.drop();
  });

  const accountCount = async (group: string) =>
    Number((await database.db('accounts').where({ corporate_group_id: group }).count({ n: '*' }))[0]!.n);
  const workflowExists = async (group: string) =>
    env.client.workflow
      .getHandle(loyaltyWorkflowId(group))
      .describe()
      .then(
        () => true,
        (err) => (err instanceof WorkflowNotFoundError ? false : Promise.reject(err)),
      );

  it('health: 200 when Postgres and Temporal answer', async () => {
    const res = await api.call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ postgres: 'ok', temporal: 'ok' });
  });

  it('health: 503 naming Postgres when it does not answer', async () => {
    const deadDb = connectDb('postgres://nobody:x@127.0.0.1:1/none', { min: 0, max: 1 });
    const app = createApp({
      temporal: env.client,
      db: deadDb,
      logger: pino({ level: 'silent' }),
      config: { tokens: {}, taskQueue, termsVersion: 'T1' },
      today: () => today,
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/healthz`);
    const body = (await res.json()) as { checks: Record<string, string> };
    server.close();
    await deadDb.destroy();
    expect(res.status).toBe(503);
    expect(body.checks.postgres).toMatch(/^failed/);
    expect(body.checks.temporal).toBe('ok');
  });

  it('ALL-3: no token is 401, a role that may not nominate is 403, and nothing is written', async () => {
    const body = nominationFor(today, { group: uniqueId('AUTH') });
    expect((await api.call('POST', '/v1/nominations', { body })).status).toBe(401);
    expect((await api.call('POST', '/v1/nominations', { body, token: 'not-a-token' })).status).toBe(401);
    const asCaptain = await api.call('POST', '/v1/nominations', { body, token: 'tok-captain-dlee' });
    expect(asCaptain.status).toBe(403);
    expect(await accountCount(body.company.corporateGroupId)).toBe(0);
    expect(await workflowExists(body.company.corporateGroupId)).toBe(false);
  });

  it('ALL-3: a malformed nomination is 400 naming each bad field, and nothing is written', async () => {
    const res = await api.call('POST', '/v1/nominations', {
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
    const notJson = await api.call('POST', '/v1/nominations', { token: AM, raw: '{"company":' });
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
    const res = await api.call('POST', '/v1/nominations', { token: AM, body });
    expect(res.status).toBe(422);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['bookings', 'company.country', 'company.endUser', 'teamCaptain.ccoId']);
    expect(await accountCount(group)).toBe(0);
    expect(await workflowExists(group)).toBe(false);
  });

  it('LOY-1, LOY-4: an Account Manager nominates; the workflow runs, the account is stored and the captain emailed', async () => {
    const group = uniqueId('ACME');
    const body = nominationFor(today, { group });
    const res = await api.call('POST', '/v1/nominations', { token: AM, body });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ accountId: group, workflowId: `loyalty-account-${group}` });

    const description = await env.client.workflow.getHandle(res.body.workflowId).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.typedSearchAttributes.get(loyaltySearchAttributes.AccountId)).toBe(group);

    const mail = await smtp.waitFor((m) => m.to.includes(body.teamCaptain.email));
    expect(mail.subject).toMatch(/terms are waiting/);
    const row = await database.db('accounts').where({ id: group }).first();
    expect(row).toMatchObject({ state: 'nominated', corporate_group_id: group, nominated_by: 'account-manager:am-test' });
  });

  it('LOY-3: a second company of the same corporate group is refused with 409 naming the account', async () => {
    const group = uniqueId('GRP');
    expect((await api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group, id: `${group}-1` }) })).status).toBe(
      201,
    );
    await smtp.waitFor((m) => m.subject.includes(`${group} Corp`));
    const second = await api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group, id: `${group}-2` }) });
    expect(second.status).toBe(409);
    expect(second.body.message).toContain(`account ${group}`);
    expect(
      await database
        .db('companies')
        .where({ id: `${group}-2` })
        .first(),
    ).toBeUndefined();
  });

  it("ALL-3, LOY-4: only the account's own Team Captain reads it and accepts its terms", async () => {
    const group = uniqueId('OWN');
    expect((await api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group }) })).status).toBe(201);

    const asOps = await api.call('GET', `/v1/accounts/${group}`, { token: 'tok-ops-0000' });
    expect(asOps.status).toBe(200);
    expect(asOps.body).toMatchObject({ accountId: group, state: 'nominated', tier: 1, termsVersion: 'T1' });
    expect((await api.call('GET', `/v1/accounts/${group}`, { token: 'tok-captain-other' })).status).toBe(403);
    expect((await api.call('GET', `/v1/accounts/${group}`, { token: 'tok-partner-p1' })).status).toBe(403);
    expect((await api.call('GET', '/v1/accounts/NO-SUCH', { token: 'tok-ops-0000' })).status).toBe(404);

    expect(
      (await api.call('POST', `/v1/accounts/${group}/terms-acceptance`, { token: 'tok-captain-other', body: { version: 'T1' } })).status,
    ).toBe(403);
    expect((await api.call('POST', `/v1/accounts/${group}/terms-acceptance`, { token: 'tok-captain-dlee', body: {} })).status).toBe(400);
    const stale = await api.call('POST', `/v1/accounts/${group}/terms-acceptance`, { token: 'tok-captain-dlee', body: { version: 'T0' } });
    expect(stale.status).toBe(422);
    expect(stale.body.errors).toEqual([{ field: 'version', message: expect.stringContaining('not the current version') }]);

    const accepted = await api.call('POST', `/v1/accounts/${group}/terms-acceptance`, {
      token: 'tok-captain-dlee',
      body: { version: 'T1' },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ state: 'enrolled', termsAccepted: { version: 'T1', acceptedBy: 'dlee', acceptedOn: today } });
    const again = await api.call('POST', `/v1/accounts/${group}/terms-acceptance`, { token: 'tok-captain-dlee', body: { version: 'T1' } });
    expect(again.status).toBe(409);
  });

  it('LOY-9: only ops withdraws an account', async () => {
    const group = uniqueId('WD');
    expect((await api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group }) })).status).toBe(201);
    expect((await api.call('POST', `/v1/accounts/${group}/withdrawal`, { token: AM, body: { reason: 'x' } })).status).toBe(403);
    expect((await api.call('POST', `/v1/accounts/${group}/withdrawal`, { token: 'tok-ops-0000', body: {} })).status).toBe(400);
    const res = await api.call('POST', `/v1/accounts/${group}/withdrawal`, { token: 'tok-ops-0000', body: { reason: 'left the program' } });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('withdrawn');
  });

  it('serves an OpenAPI document generated from the request schemas, and a docs page', async () => {
    const doc = await api.call('GET', '/openapi.json');
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
    const page = await fetch(`${api.base}/docs`);
    expect(await page.text()).toContain('SwaggerUIBundle');
    expect((await fetch(`${api.base}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
  });
});
