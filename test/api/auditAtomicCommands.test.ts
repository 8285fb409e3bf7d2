import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addYears } from '../../domain/calendar';
import { apiHarness, startApi, type ApiHarness } from '../helpers/apiHarness';
import { eventually, installAuditRefusals } from '../helpers/auditRefusals';
import { fullRequirements } from '../helpers/certification';
import { nominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';

const AM = 'tok-account-manager';
const OPS = 'tok-ops-0000';
const OPS_ACTOR = ['ops:token-a70da586d867', 'ops-test'];
const PARTNER = 'tok-partner-p2';
const PARTNER_ACTOR = ['partner:P-2', 'partner:P-2'];
const CAPTAIN = 'tok-captain-dlee';
// A lone UTF-16 surrogate: the audit's jsonb refuses it.
const SURROGATE = 'Mallory \ud800 notice';

// Issue 24 findings 1 and 4 (ALL-3 audit): ops' certification commands, the partner's application and notices,
// and ops' extension decisions are audited by the workflow's activity with the change. A failure injected
// between change and row (a trigger refusing the audit insert) leaves the change undone (the caller told
// 503); once the row can be written both land, the row naming the stable subject and the display name.
describe('API: certification commands and extension decisions and their audit rows are one fact (issue 24)', () => {
  let h: ApiHarness;
  // A short deadline: a change still retrying answers 503 in 3 s.
  let api: Awaited<ReturnType<typeof startApi>>;
  let refuseAuditOf: (id: string) => Promise<unknown>;
  let allowAuditOf: (id: string) => Promise<unknown>;
  const today = new Date().toISOString().slice(0, 10);
  const rowsOf = async (entityId: string) =>
    (await h.db('audit_events').where({ entity_id: entityId }).orderBy('id')).map((e) => [e.action, e.actor, e.actor_name]);
  const stateOf = async (id: string) => (await api.call('GET', `/v1/certifications/${id}`, { token: OPS })).body;
  const applied = async (country: string) => {
    const answer = await api.call('POST', '/v1/certifications', { token: PARTNER, body: { country, requirements: fullRequirements() } });
    expect(answer.status).toBe(201);
    return answer.body.certificationId as string;
  };

  beforeAll(async () => {
    h = await apiHarness();
    api = await startApi({ temporal: h.env.client, db: h.db, taskQueue: h.taskQueue, config: { requestTimeoutMs: 3_000 } });
    await h.db('partners').insert({ id: 'P-2', name: 'P Two', email: 'p2@partner.example' });
    ({ refuseAuditOf, allowAuditOf } = await installAuditRefusals(h.db));
  }, 180_000);
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  it('ALL-3 audit, issue 24 finding 1/4: an application is audited; an approval whose row fails leaves it applied; once the row can be written both land', async () => {
    const id = await applied('DE');
    expect(id).toBe('P-2-DE');
    await refuseAuditOf(id);
    expect((await api.call('POST', `/v1/certifications/${id}/decision`, { token: OPS, body: { approve: true } })).status).toBe(503);
    expect((await stateOf(id)).state).toBe('applied');
    expect((await h.db('certifications').where({ id }).first()).state).toBe('applied');
    expect(await rowsOf(id)).toEqual([['certification.applied', ...PARTNER_ACTOR]]);
    await allowAuditOf(id);
    await eventually(async () => expect((await stateOf(id)).state).toBe('approved'));
    expect(await rowsOf(id)).toEqual([
      ['certification.applied', ...PARTNER_ACTOR],
      ['certification.decision', ...OPS_ACTOR],
    ]);
  }, 240_000);

  it("ALL-3 audit, issue 24 finding 1/4: a partner's notice, ops' extension, a move to Gold, CSAT responses and compliance whose rows fail change nothing; once written they land, each with its actor", async () => {
    const id = await applied('FR');
    expect((await api.call('POST', `/v1/certifications/${id}/decision`, { token: OPS, body: { approve: true } })).status).toBe(200);
    await refuseAuditOf(id);
    const notice = { reason: 'Lost the managed service SLA', awareOn: today };
    expect((await api.call('POST', `/v1/certifications/${id}/non-compliance-notices`, { token: PARTNER, body: notice })).status).toBe(503);
    expect((await stateOf(id)).nonCompliance).toBeNull();
    await allowAuditOf(id);
    await eventually(async () => expect((await stateOf(id)).nonCompliance).toMatchObject({ reason: 'Lost the managed service SLA' }));

    await refuseAuditOf(id);
    const until = addDays(today, 30);
    expect((await api.call('POST', `/v1/certifications/${id}/extension`, { token: OPS, body: { until } })).status).toBe(503);
    expect((await api.call('POST', `/v1/certifications/${id}/gold`, { token: OPS })).status).toBe(503);
    const meanwhile = await stateOf(id);
    expect(meanwhile.nonCompliance.extensionUntil).toBeNull();
    expect(meanwhile.goldSince ?? null).toBeNull();
    expect((await h.db('certifications').where({ id }).first()).state).toBe('approved');
    await allowAuditOf(id);
    await eventually(async () => expect((await stateOf(id)).goldSince).toBe(today));
    expect((await stateOf(id)).nonCompliance.extensionUntil).toBe(until);
    expect(await rowsOf(id)).toEqual([
      ['certification.applied', ...PARTNER_ACTOR],
      ['certification.decision', ...OPS_ACTOR],
      ['certification.non-compliance-notices', ...PARTNER_ACTOR],
      ['certification.extension', ...OPS_ACTOR],
      ['certification.gold', ...OPS_ACTOR],
    ]);

    // CSAT responses and ops' word that the partner is compliant again: the same, each its own row.
    await refuseAuditOf(id);
    const csat = { count: 7, receivedOn: today };
    expect((await api.call('POST', `/v1/certifications/${id}/csat-responses`, { token: OPS, body: csat })).status).toBe(503);
    expect((await api.call('POST', `/v1/certifications/${id}/compliance`, { token: OPS })).status).toBe(503);
    expect((await stateOf(id)).csatResponses).toEqual([]);
    expect((await stateOf(id)).nonCompliance).not.toBeNull();
    await allowAuditOf(id);
    await eventually(async () => expect((await stateOf(id)).nonCompliance).toBeNull());
    expect((await stateOf(id)).csatResponses).toEqual([{ on: today, count: 7 }]);
    expect((await rowsOf(id)).slice(5)).toEqual([
      ['certification.csat-responses', ...OPS_ACTOR],
      ['certification.compliance', ...OPS_ACTOR],
    ]);
  }, 240_000);

  it('ALL-3 audit, issue 24 finding 1: a revocation whose row fails leaves the certification approved; a notice whose row Postgres refuses is not taken', async () => {
    const id = await applied('IT');
    expect((await api.call('POST', `/v1/certifications/${id}/decision`, { token: OPS, body: { approve: true } })).status).toBe(200);
    const refused = { reason: SURROGATE, awareOn: today };
    expect(
      (await api.call('POST', `/v1/certifications/${id}/non-compliance-notices`, { token: PARTNER, body: refused })).status,
    ).toBeGreaterThanOrEqual(400);
    expect((await stateOf(id)).nonCompliance).toBeNull();

    await refuseAuditOf(id);
    expect(
      (await api.call('POST', `/v1/certifications/${id}/revocation`, { token: OPS, body: { reason: 'Audit found gaps' } })).status,
    ).toBe(503);
    expect((await stateOf(id)).state).toBe('approved');
    expect((await h.db('certifications').where({ id }).first()).state).toBe('approved');
    await allowAuditOf(id);
    await eventually(async () => expect((await h.db('certifications').where({ id }).first()).state).toBe('revoked'));
    expect(await rowsOf(id)).toEqual([
      ['certification.applied', ...PARTNER_ACTOR],
      ['certification.decision', ...OPS_ACTOR],
      ['certification.revocation', ...OPS_ACTOR],
    ]);
  }, 240_000);

  it("ALL-3 audit, issue 24 finding 1: ops' extension decision whose row fails leaves the request pending and the lot's expiry; once written both land", async () => {
    const accountId = uniqueId('ATC');
    expect((await api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group: accountId }) })).status).toBe(201);
    const invoiceDate = addDays(addYears(today, -1), 30);
    const bought = await api.call('POST', '/v1/purchases', {
      token: AM,
      body: { accountId, country: 'US', invoiceDate, packages: [{ size: 10, quantity: 1 }] },
    });
    const lotId = bought.body.lotId as string;
    const asked = await api.call('POST', `/v1/lots/${lotId}/extension-requests`, {
      token: CAPTAIN,
      body: { usagePlan: 'Exams for the team' },
    });
    expect(asked.status).toBe(201);
    const xr = asked.body.requestId as string;
    const expiresOn = (await h.db('credit_lots').where({ id: lotId }).first()).expires_on;
    await refuseAuditOf(xr);
    expect((await api.call('POST', `/v1/extension-requests/${xr}/decision`, { token: OPS, body: { approve: true } })).status).toBe(503);
    expect((await h.db('extension_requests').where({ id: xr }).first()).status).toBe('pending');
    expect((await h.db('credit_lots').where({ id: lotId }).first()).expires_on).toEqual(expiresOn);
    await allowAuditOf(xr);
    await eventually(async () => expect((await h.db('extension_requests').where({ id: xr }).first()).status).toBe('approved'));
    const rows = await h.db('audit_events').where({ entity_id: xr });
    expect(rows.map((e) => [e.action, e.actor, e.actor_name, e.before.status, e.after.status])).toEqual([
      ['extension-request.decided', ...OPS_ACTOR, 'pending', 'approved'],
    ]);
  }, 240_000);

  it('ALL-3 audit, issue 24 finding 4: a redemption request and its decision are audited in their transaction; one whose row fails is not placed, nor decided', async () => {
    const accountId = uniqueId('ATR');
    expect((await api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group: accountId }) })).status).toBe(201);
    const invoiceDate = addDays(today, -10);
    const body = { accountId, country: 'US', invoiceDate, packages: [{ size: 10, quantity: 1 }] };
    expect((await api.call('POST', '/v1/purchases', { token: AM, body })).status).toBe(201);
    const redemption = { accountId, kind: 'digital-learning', credits: 2, paysFor: 'Cisco U.' };
    await refuseAuditOf(accountId);
    expect((await api.call('POST', '/v1/redemptions', { token: OPS, body: redemption })).status).toBeGreaterThanOrEqual(500);
    expect(await h.db('redemptions').where({ account_id: accountId })).toEqual([]);
    await allowAuditOf(accountId);
    const asked = await api.call('POST', '/v1/redemptions', { token: OPS, body: redemption });
    expect(asked.status).toBe(201);
    const id = asked.body.redemptionId as string;

    await refuseAuditOf(id);
    const decide = () => api.call('POST', `/v1/redemptions/${id}/decision`, { token: CAPTAIN, body: { approve: true } });
    expect((await decide()).status).toBeGreaterThanOrEqual(500);
    expect((await h.db('redemptions').where({ id }).first()).status).toBe('pending');
    await allowAuditOf(id);
    expect((await decide()).status).toBe(200);
    const rows = await h.db('audit_events').where({ entity_id: id }).orderBy('id');
    expect(rows.map((e) => [e.action, e.actor, e.actor_name, e.before, e.after.status])).toEqual([
      ['redemption.requested', ...OPS_ACTOR, null, 'pending'],
      ['redemption.decided', 'team-captain:dlee', 'team-captain:dlee', { status: 'pending' }, 'approved'],
    ]);
    expect(rows[0].after).toMatchObject({ accountId, kind: 'digital-learning', credits: 2, paysFor: 'Cisco U.' });
  }, 240_000);

  it('ALL-3 audit, issue 24 finding 4: opening an engagement is audited with its record; one whose row fails is not opened until it can be written', async () => {
    const customerId = uniqueId('CUST');
    await refuseAuditOf(customerId);
    const opened = await api.call('POST', '/v1/engagements', { token: PARTNER, body: { customerId, useCaseId: 'collab-meetings' } });
    expect(opened.status).toBe(503);
    expect(await h.db('engagements').where({ customer_id: customerId })).toEqual([]);
    await allowAuditOf(customerId);
    await eventually(async () => expect(await h.db('engagements').where({ customer_id: customerId })).toHaveLength(1));
    const { id } = await h.db('engagements').where({ customer_id: customerId }).first();
    const rows = await h.db('audit_events').where({ entity_id: id });
    expect(rows.map((e) => [e.action, e.actor, e.actor_name, e.after])).toEqual([
      ['engagement.opened', ...PARTNER_ACTOR, { partnerId: 'P-2', customerId, useCaseId: 'collab-meetings', phase: expect.any(String) }],
    ]);
  }, 240_000);
});
