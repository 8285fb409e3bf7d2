import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, holderFromClaims } from '../../api/auth';
import { addDays, addYears, fiscalYearOf } from '../../domain/calendar';
import { apiHarness, startApi, type ApiHarness } from '../helpers/apiHarness';
import { eventually, installAuditRefusals } from '../helpers/auditRefusals';
import { nominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';
import { loyaltyWorkflowId, stateQuery } from '../../workflows/loyaltyDefinitions';

const AM = 'tok-account-manager';
const OPS = 'tok-ops-0000';
const OPS_SAME_NAME = 'tok-ops-same-name';
const CAPTAIN = 'tok-captain-dlee';
// A lone UTF-16 surrogate: Postgres `text` stores it (as U+FFFD), `jsonb` refuses it, so its audit row fails.
const SURROGATE = 'Mallory \ud800';

// Issue 24 findings 1 and 4 (ALL-3 audit): the change and its record are one fact. A failure injected
// between them (a value the audit's jsonb refuses, or a trigger refusing the audit insert) leaves neither;
// once the record can be written, both land together. Against the real stack.
describe('API: the change and its audit record are one transaction (issue 24)', () => {
  let h: ApiHarness;
  // The same API with a short deadline: a change still retrying answers 503 in 3 s, not 25.
  let api: Awaited<ReturnType<typeof startApi>>;
  const today = new Date().toISOString().slice(0, 10);
  const auditOf = async (entityId: string) => h.db('audit_events').where({ entity_id: entityId }).orderBy('id');
  const nominated = async () => {
    const id = uniqueId('ATX');
    expect((await api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group: id }) })).status).toBe(201);
    return id;
  };
  let refuseAuditOf: (id: string, how?: { asData?: boolean }) => Promise<unknown>;
  let allowAuditOf: (id: string) => Promise<unknown>;

  beforeAll(async () => {
    h = await apiHarness();
    api = await startApi({ temporal: h.env.client, db: h.db, taskQueue: h.taskQueue, config: { requestTimeoutMs: 3_000 } });
    await h.db('partners').insert({ id: 'P-2', name: 'P Two', email: 'p2@partner.example' });
    // The injected failure: an audit insert for an entity listed fails, as a refused jsonb would.
    ({ refuseAuditOf, allowAuditOf } = await installAuditRefusals(h.db));
  }, 180_000);
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  it('ALL-3 audit, issue 24 finding 1: a captain whose audit row Postgres refuses (a lone surrogate in the name) is not appointed either', async () => {
    const id = await nominated();
    const mallory = { name: SURROGATE, email: 'mallory@atx.example', ccoId: 'mallory' };
    const replaced = await api.call('PUT', `/v1/accounts/${id}/team-captain`, { token: AM, body: mallory });
    expect(replaced.status).toBeGreaterThanOrEqual(400);
    expect((await h.db('accounts').where({ id }).first()).captain_cco_id).toBe('dlee');
    expect((await auditOf(id)).map((e) => e.action)).toEqual(['account.nominated']);
  });

  it('ALL-3 audit, issue 24 finding 1: bookings, auto-approval, a company and the terms acceptance whose audit insert fails are not written; once it can be, change and row land together', async () => {
    const id = await nominated();
    await refuseAuditOf(id);
    const fy = fiscalYearOf(today);
    const bookings = { fiscalYear: fy, directUsd: 7_654_321, indirectUsd: 0 };
    const company = { id: `${id}-J`, name: 'Joiner', country: 'US', endUser: true, bookings: [bookings] };
    const answers = [
      await api.call('POST', `/v1/accounts/${id}/bookings`, { token: AM, body: bookings }),
      await api.call('PUT', `/v1/accounts/${id}/auto-approval`, { token: CAPTAIN, body: { enabled: true } }),
      await api.call('POST', `/v1/accounts/${id}/companies`, { token: AM, body: company }),
      await api.call('POST', `/v1/accounts/${id}/terms-acceptance`, { token: CAPTAIN, body: { version: 'T1' } }),
    ];
    // Each caller is told it did not (yet) happen: never a silent success.
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503, 503]);
    expect(await h.db('bookings').where({ account_id: id, fiscal_year: fy }).first()).toBeUndefined();
    expect((await h.db('accounts').where({ id }).first()).auto_approval).toBe(false);
    expect(
      await h
        .db('companies')
        .where({ id: `${id}-J` })
        .first(),
    ).toBeUndefined();
    expect(await h.db('terms_acceptances').where({ account_id: id }).first()).toBeUndefined();
    expect((await auditOf(id)).map((e) => e.action)).toEqual(['account.nominated']);

    await allowAuditOf(id);
    await eventually(async () => {
      const actions = (await auditOf(id)).map((e) => e.action).sort();
      expect(actions).toEqual([
        'account.auto-approval.set',
        'account.bookings',
        'account.companies',
        'account.nominated',
        'account.terms.accepted',
      ]);
    });
    expect(await h.db('bookings').where({ account_id: id, fiscal_year: fy }).first()).toMatchObject({ direct_usd: '7654321.00' });
    expect((await h.db('accounts').where({ id }).first()).auto_approval).toBe(true);
    expect(
      await h
        .db('companies')
        .where({ id: `${id}-J` })
        .first(),
    ).toMatchObject({ account_id: id });
    expect(await h.db('terms_acceptances').where({ account_id: id }).first()).toMatchObject({ terms_version: 'T1', accepted_by: 'dlee' });
  }, 240_000);

  it('ALL-3 audit, issue 24 finding 1: a withdrawal whose audit insert fails leaves the account open; once it can be written, both land', async () => {
    const id = await nominated();
    await refuseAuditOf(id);
    expect((await api.call('POST', `/v1/accounts/${id}/withdrawal`, { token: OPS, body: { reason: 'test' } })).status).toBe(503);
    expect((await h.db('accounts').where({ id }).first()).state).toBe('nominated');
    await allowAuditOf(id);
    await eventually(async () => expect((await h.db('accounts').where({ id }).first()).state).toBe('withdrawn'));
    expect((await auditOf(id)).map((e) => [e.action, e.actor, e.before, e.after])).toEqual([
      ['account.nominated', 'account-manager:am-test', null, expect.anything()],
      ['account.withdrawal', 'ops:token-a70da586d867', { state: 'nominated' }, { state: 'withdrawn' }],
    ]);
  }, 240_000);

  it('ALL-3 audit, issue 24 finding 1: a nomination whose audit row Postgres refuses is not recorded either', async () => {
    const id = uniqueId('ATX');
    const nomination = nominationFor(today, { group: id });
    nomination.teamCaptain.name = SURROGATE;
    expect((await api.call('POST', '/v1/nominations', { token: AM, body: nomination })).status).toBeGreaterThanOrEqual(400);
    expect(await h.db('accounts').where({ id }).first()).toBeUndefined();
    expect(await auditOf(id)).toEqual([]);
  });

  it('LCI-3, ALL-3 audit, issue 24 finding 4: success plans are kept as versions, each audited with its partner; one whose row fails is not kept', async () => {
    const opened = await api.call('POST', '/v1/engagements', {
      token: OPS,
      body: { partnerId: 'P-2', customerId: uniqueId('CUST'), useCaseId: 'collab-meetings' },
    });
    const id = opened.body.engagementId as string;
    const keep = (document: string) =>
      api.call('POST', `/v1/engagements/${id}/success-plan`, { token: 'tok-partner-p2', body: { document } });
    expect((await keep('Plan A')).status).toBe(201);
    expect((await keep('Plan B')).status).toBe(201);
    expect((await keep(SURROGATE)).status).toBeGreaterThanOrEqual(400);
    expect(await h.db('success_plans').where({ engagement_id: id }).orderBy('version').select('version', 'document', 'kept_by')).toEqual([
      { version: 1, document: 'Plan A', kept_by: 'partner:P-2' },
      { version: 2, document: 'Plan B', kept_by: 'partner:P-2' },
    ]);
    expect((await auditOf(id)).map((e) => [e.action, e.actor, e.after])).toEqual([
      ['engagement.opened', 'ops:token-a70da586d867', expect.objectContaining({ partnerId: 'P-2' })],
      ['engagement.success-plan.kept', 'partner:P-2', { version: 1, document: 'Plan A' }],
      ['engagement.success-plan.kept', 'partner:P-2', { version: 2, document: 'Plan B' }],
    ]);
  });

  it('ALL-3 audit, issue 24 finding 6: two ops with one display name are two actors (stable subjects), each with the name beside it', async () => {
    const id = await nominated();
    const captain = (ccoId: string) => ({ name: 'Sam Poe', email: `${ccoId}@atx.example`, ccoId });
    expect((await api.call('PUT', `/v1/accounts/${id}/team-captain`, { token: OPS, body: captain('spoe') })).status).toBe(200);
    expect((await api.call('PUT', `/v1/accounts/${id}/team-captain`, { token: OPS_SAME_NAME, body: captain('kpoe') })).status).toBe(200);
    expect((await auditOf(id)).map((e) => [e.action, e.actor, e.actor_name])).toEqual([
      ['account.nominated', 'account-manager:am-test', 'Alex Manager'],
      ['account.team-captain', 'ops:token-a70da586d867', 'ops-test'],
      ['account.team-captain', 'ops:ops-2', 'ops-test'],
    ]);
    // A signed-in ops person is its issuer's subject, whatever its name.
    expect(actorOf(holderFromClaims({ role: 'ops', sub: 'oidc-sub-42', name: 'ops-test' })!)).toBe('ops:oidc-sub-42');
  });
  it('ALL-3 audit, issue 24 finding 4: a purchase names who made it in its ledger entry and audit row; a partner registration is audited, one whose row fails is not registered', async () => {
    const id = await nominated();
    const invoiceDate = addDays(addYears(today, -1), 30);
    const bought = await api.call('POST', '/v1/purchases', {
      token: AM,
      body: { accountId: id, country: 'US', invoiceDate, packages: [{ size: 10, quantity: 1 }] },
    });
    expect(bought.status).toBe(201);
    const lotId = bought.body.lotId as string;
    expect(await h.db('ledger_entries').where({ lot_id: lotId }).select('kind', 'actor')).toEqual([
      { kind: 'purchase', actor: 'account-manager:am-test' },
    ]);
    expect((await auditOf(lotId)).map((e) => [e.action, e.actor, e.actor_name, e.after])).toEqual([
      ['lot.purchased', 'account-manager:am-test', 'Alex Manager', { accountId: id, country: 'US', credits: 10, invoiceDate }],
    ]);

    const partner = { id: uniqueId('P'), name: 'Partner Ltd', email: 'p@partner.example' };
    expect((await api.call('POST', '/v1/partners', { token: OPS_SAME_NAME, body: partner })).status).toBe(201);
    expect((await auditOf(partner.id)).map((e) => [e.action, e.actor, e.actor_name, e.after])).toEqual([
      ['partner.registered', 'ops:ops-2', 'ops-test', partner],
    ]);
    const refused = { id: uniqueId('P'), name: SURROGATE, email: 'm@partner.example' };
    expect((await api.call('POST', '/v1/partners', { token: OPS, body: refused })).status).toBeGreaterThanOrEqual(400);
    expect(await h.db('partners').where({ id: refused.id }).first()).toBeUndefined();
  });

  it('LOY-8, ALL-3 audit, issue 24 finding 1/4: a captain change the activity refuses (RefusedData) leaves the workflow, Postgres and the record with the old captain', async () => {
    const id = await nominated();
    const workflow = h.env.client.workflow.getHandle(loyaltyWorkflowId(id));
    const sam = { name: 'Sam Poe', email: 'spoe@atx.example', ccoId: 'spoe' };
    await refuseAuditOf(id, { asData: true });
    expect((await api.call('PUT', `/v1/accounts/${id}/team-captain`, { token: AM, body: sam })).status).toBe(422);
    expect((await workflow.query(stateQuery)).teamCaptain.ccoId).toBe('dlee');
    expect((await workflow.query(stateQuery)).captainChanges).toBe(0);
    expect((await h.db('accounts').where({ id }).first()).captain_cco_id).toBe('dlee');
    expect((await auditOf(id)).map((e) => e.action)).toEqual(['account.nominated']);
    // The workflow kept dlee: the same replacement, once its row can be written, is made (not "already the captain").
    await allowAuditOf(id);
    expect((await api.call('PUT', `/v1/accounts/${id}/team-captain`, { token: AM, body: sam })).status).toBe(200);
    expect((await workflow.query(stateQuery)).teamCaptain.ccoId).toBe('spoe');
    expect((await h.db('accounts').where({ id }).first()).captain_cco_id).toBe('spoe');
    expect((await auditOf(id)).map((e) => [e.action, e.actor, e.after])).toEqual([
      ['account.nominated', 'account-manager:am-test', expect.anything()],
      ['account.team-captain', 'account-manager:am-test', { teamCaptain: sam }],
    ]);
  }, 240_000);
});
