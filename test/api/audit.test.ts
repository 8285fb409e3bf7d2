import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addYears } from '../../domain/calendar';
import { FY22_TIER_TABLE } from '../../domain/loyalty';
import { apiHarness, type ApiHarness } from '../helpers/apiHarness';
import { useCaseBody } from '../helpers/authzSeeds';
import { fullRequirements } from '../helpers/certification';
import { nominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';

const AM = 'tok-account-manager';
const AM2 = 'tok-account-manager-2';
const OPS = 'tok-ops-0000';
const CAPTAIN = 'tok-captain-dlee';
// Issue 24: the static ops token has no id of its own, so its actor is the first 12 hex digits of its SHA-256.
const OPS_ACTOR = 'ops:token-a70da586d867';

// Who did what (ALL-3): the append-only audit record and who manages which account, on the real stack.
describe('API: the audit record and who manages an account', () => {
  let h: ApiHarness;
  const today = new Date().toISOString().slice(0, 10);
  const events = async (query: string) => (await h.api.call('GET', `/v1/audit?${query}`, { token: OPS })).body.events as any[];
  const nominated = async (token = AM) => {
    const id = uniqueId('AUD');
    expect((await h.api.call('POST', '/v1/nominations', { token, body: nominationFor(today, { group: id }) })).status).toBe(201);
    return id;
  };

  beforeAll(async () => {
    h = await apiHarness();
  }, 180_000);
  afterAll(async () => h?.close());

  it('ALL-3: an account is managed by the Account Manager who nominated it, until ops reassign it (audited)', async () => {
    const id = await nominated();
    expect((await h.db('accounts').where({ id }).first()).account_manager_id).toBe('am-test');
    expect((await h.api.call('GET', `/v1/accounts/${id}`, { token: AM })).status).toBe(200);
    expect((await h.api.call('GET', `/v1/accounts/${id}`, { token: AM2 })).status).toBe(404);
    expect((await h.api.call('GET', '/v1/accounts?limit=200', { token: AM2 })).body.accounts.map((a: any) => a.id)).not.toContain(id);

    expect((await h.api.call('PUT', `/v1/accounts/${id}/account-manager`, { token: AM2, body: { amId: 'am-other' } })).status).toBe(403);
    const moved = await h.api.call('PUT', `/v1/accounts/${id}/account-manager`, { token: OPS, body: { amId: 'am-other' } });
    expect(moved).toMatchObject({ status: 200, body: { accountId: id, accountManagerId: 'am-other', previous: 'am-test' } });
    expect((await h.api.call('GET', `/v1/accounts/${id}`, { token: AM })).status).toBe(404);
    expect(
      (await h.api.call('POST', `/v1/accounts/${id}/bookings`, { token: AM, body: { fiscalYear: 2026, directUsd: 1, indirectUsd: 0 } }))
        .status,
    ).toBe(404);
    expect((await h.api.call('GET', `/v1/accounts/${id}`, { token: AM2 })).status).toBe(200);
    expect((await h.api.call('GET', '/v1/accounts?limit=200', { token: AM2 })).body.accounts.map((a: any) => a.id)).toContain(id);
    expect(await events(`entityType=account&entityId=${id}`)).toMatchObject([
      { actor: 'account-manager:am-test', actorName: 'Alex Manager', action: 'account.nominated' },
      {
        actor: OPS_ACTOR,
        actorName: 'ops-test',
        action: 'account.account-manager.reassigned',
        before: { accountManagerId: 'am-test' },
        after: { accountManagerId: 'am-other' },
      },
    ]);
    expect((await h.api.call('PUT', '/v1/accounts/NOPE-1/account-manager', { token: OPS, body: { amId: 'am-other' } })).status).toBe(404);
  });

  it('ALL-3: captain changes, bookings, companies and auto-approval are recorded with who, when, before and after; a refused change records nothing', async () => {
    const id = await nominated();
    const captain = { name: 'Sam Poe', email: 'sam@aud.example', ccoId: 'spoe' };
    expect((await h.api.call('POST', `/v1/accounts/${id}/terms-acceptance`, { token: CAPTAIN, body: { version: 'T1' } })).status).toBe(200);
    expect((await h.api.call('PUT', `/v1/accounts/${id}/auto-approval`, { token: CAPTAIN, body: { enabled: true } })).status).toBe(200);
    const bookings = { fiscalYear: 2026, directUsd: 4_000_000, indirectUsd: 0 };
    expect((await h.api.call('POST', `/v1/accounts/${id}/bookings`, { token: AM, body: bookings })).status).toBe(200);
    expect((await h.api.call('PUT', `/v1/accounts/${id}/team-captain`, { token: AM, body: captain })).status).toBe(200);
    // The same captain again is refused (LOY-8): nothing happened, nothing is recorded.
    expect((await h.api.call('PUT', `/v1/accounts/${id}/team-captain`, { token: AM, body: captain })).status).toBe(409);
    const company = { id: `${id}-J`, name: 'Joiner', country: 'US', endUser: true, bookings: [bookings] };
    expect((await h.api.call('POST', `/v1/accounts/${id}/companies`, { token: OPS, body: company })).status).toBe(200);
    const recorded = await events(`entityId=${id}`);
    // Issue 24: the nomination and the terms acceptance are recorded too, each actor beside its display name.
    expect(recorded.map((e) => [e.actor, e.actorName, e.action])).toEqual([
      ['account-manager:am-test', 'Alex Manager', 'account.nominated'],
      ['team-captain:dlee', 'team-captain:dlee', 'account.terms.accepted'],
      ['team-captain:dlee', 'team-captain:dlee', 'account.auto-approval.set'],
      ['account-manager:am-test', 'Alex Manager', 'account.bookings'],
      ['account-manager:am-test', 'Alex Manager', 'account.team-captain'],
      [OPS_ACTOR, 'ops-test', 'account.companies'],
    ]);
    expect(recorded[5].after).toEqual({ company });
    expect(recorded[1]).toMatchObject({ before: { termsAccepted: null }, after: { termsAccepted: { version: 'T1', acceptedBy: 'dlee' } } });
    expect(recorded[2]).toMatchObject({ entityType: 'account', before: { autoApproval: false }, after: { autoApproval: true } });
    expect(recorded[3].after.bookings).toContainEqual(bookings);
    expect(recorded[3].before.bookings).not.toContainEqual(bookings);
    expect(recorded[4]).toMatchObject({ before: { teamCaptain: { ccoId: 'dlee' } }, after: { teamCaptain: captain } });
    for (const e of recorded) expect(Date.now() - Date.parse(e.at)).toBeLessThan(120_000);
  });

  it('LOY-5, ALL-3: a tier table is never overwritten: each PUT is a new version, reads take the latest, each is audited', async () => {
    // The table there before (seeded FY2022) is version 1.
    expect(await h.db('tier_tables').where({ fiscal_year: 2022 }).select('version')).toEqual([{ version: 1 }]);
    const first = FY22_TIER_TABLE.bands;
    const second = structuredClone(first);
    second[4]!.quarterlyCredits = 1_200;
    expect((await h.api.call('PUT', '/v1/tier-tables/2045', { token: OPS, body: { bands: first } })).status).toBe(201);
    expect((await h.api.call('PUT', '/v1/tier-tables/2045', { token: OPS, body: { bands: second } })).status).toBe(200);
    expect((await h.api.call('GET', '/v1/tier-tables/2046', { token: AM })).body).toMatchObject({ effectiveFrom: 2045, bands: second });
    const versions = await h.db('tier_tables').where({ fiscal_year: 2045 }).orderBy('version').select('version', 'bands');
    expect(versions).toEqual([
      { version: 1, bands: first },
      { version: 2, bands: second },
    ]);
    const recorded = await events('entityType=tier-table&entityId=2045');
    expect(recorded).toMatchObject([
      { actor: OPS_ACTOR, actorName: 'ops-test', action: 'tier-table.published', before: null, after: { version: 1, bands: first } },
      {
        actor: OPS_ACTOR,
        actorName: 'ops-test',
        action: 'tier-table.published',
        before: { version: 1, bands: first },
        after: { version: 2, bands: second },
      },
    ]);
  });

  it("ALL-3 audit, issue 24 finding 4: terms publication, catalogue changes and ops decisions on extensions and certifications are audited, with the actor's display name", async () => {
    const version = uniqueId('V');
    expect((await h.api.call('POST', '/v1/terms-versions', { token: OPS, body: { version } })).status).toBe(201);
    expect(await events(`entityType=terms-version&entityId=${version}`)).toMatchObject([
      { actor: OPS_ACTOR, actorName: 'ops-test', after: { version } },
    ]);

    const useCase = uniqueId('UC');
    expect((await h.api.call('PUT', `/v1/catalogue/use-cases/${useCase}`, { token: OPS, body: useCaseBody })).status).toBe(201);
    expect((await h.api.call('DELETE', `/v1/catalogue/use-cases/${useCase}`, { token: OPS })).status).toBe(200);
    expect((await h.api.call('DELETE', `/v1/catalogue/use-cases/${useCase}`, { token: OPS })).status).toBe(200);
    const catalogue = await events(`entityType=use-case&entityId=${useCase}`);
    // Issue 24 finding 4: the stable subject with the display name beside it.
    expect(catalogue.map((e) => [e.action, e.actor, e.actorName])).toEqual([
      ['use-case.put', OPS_ACTOR, 'ops-test'],
      ['use-case.retired', OPS_ACTOR, 'ops-test'],
    ]);
    expect(catalogue[1]).toMatchObject({ before: { retiredAt: null }, after: { retiredAt: expect.any(String) } });

    const id = await nominated();
    const invoiceDate = addDays(addYears(today, -1), 30);
    const lot = await h.api.call('POST', '/v1/purchases', {
      token: AM,
      body: { accountId: id, country: 'US', invoiceDate, packages: [{ size: 10, quantity: 1 }] },
    });
    const ask = await h.api.call('POST', `/v1/lots/${lot.body.lotId}/extension-requests`, {
      token: CAPTAIN,
      body: { usagePlan: 'Exams for the team' },
    });
    const xr = ask.body.requestId as string;
    // ALL-3: an Account Manager's reports hold the accounts it manages only.
    const balances = async (token: string) =>
      (await h.api.call('GET', '/v1/reports/balances', { token })).body.balances.map((b: any) => b.accountId);
    expect(await balances(AM)).toContain(id);
    expect(await balances(AM2)).not.toContain(id);
    expect(await balances(OPS)).toContain(id);
    expect((await h.api.call('POST', `/v1/extension-requests/${xr}/decision`, { token: OPS, body: { approve: true } })).status).toBe(200);
    expect(await events(`entityType=extension-request&entityId=${xr}`)).toMatchObject([
      { actor: OPS_ACTOR, action: 'extension-request.decided', before: { status: 'pending' }, after: { status: 'approved' } },
    ]);

    expect(
      (await h.api.call('POST', '/v1/partners', { token: OPS, body: { id: 'P-1', name: 'P-1 Ltd', email: 'p1@partner.example' } })).status,
    ).toBe(201);
    const applied = await h.api.call('POST', '/v1/certifications', {
      token: 'tok-partner-p1',
      body: { country: 'US', requirements: fullRequirements() },
    });
    const cert = applied.body.certificationId as string;
    expect((await h.api.call('POST', `/v1/certifications/${cert}/decision`, { token: OPS, body: { approve: true } })).status).toBe(200);
    // Issue 24 finding 4: the application is audited too, by the partner, in the workflow's first write.
    expect(await events(`entityType=certification&entityId=${cert}`)).toMatchObject([
      { actor: 'partner:P-1', action: 'certification.applied', before: null, after: { state: 'applied' } },
      { actor: OPS_ACTOR, action: 'certification.decision', before: { state: 'applied' }, after: { state: 'approved' } },
    ]);
  });

  it('ALL-3: only ops read the record, a page at a time; the table refuses UPDATE and DELETE', async () => {
    expect((await h.api.call('GET', '/v1/audit', { token: AM })).status).toBe(403);
    expect((await h.api.call('GET', '/v1/audit', { token: CAPTAIN })).status).toBe(403);
    expect((await h.api.call('GET', '/v1/audit?limit=201', { token: OPS })).status).toBe(400);
    const all = await events('limit=200');
    expect(all.length).toBeGreaterThan(3);
    const page = await h.api.call('GET', '/v1/audit?limit=2&offset=1', { token: OPS });
    expect(page.body).toMatchObject({ limit: 2, offset: 1 });
    expect(page.body.events.map((e: any) => e.id)).toEqual(all.slice(1, 3).map((e) => e.id));
    await expect(h.db('audit_events').update({ actor: 'someone' })).rejects.toThrow(/append-only/);
    await expect(h.db('audit_events').delete()).rejects.toThrow(/append-only/);
    expect(await events('limit=200')).toEqual(all);
  });
});
