import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../api/operations';
import { fillPath } from '../../api/route';
import { addDays } from '../../domain/calendar';
import { apiHarness, type ApiHarness } from '../helpers/apiHarness';
import { fullRequirements } from '../helpers/certification';
import { seedEntities, tierTableBody, useCaseBody, type EntityKind, type Seeds } from '../helpers/authzSeeds';
import { nominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';

// ALL-3: every operation x every role x own / another's entity -> the status it must answer, from one table.
const ROLES = {
  'account-manager': 'tok-account-manager',
  ops: 'tok-ops-0000',
  'team-captain': 'tok-captain-dlee',
  partner: 'tok-partner-p1',
  telemetry: 'tok-telemetry-0',
  'no token': undefined,
} as const;
type RoleName = keyof typeof ROLES;
const WHOSE = ['own', 'another'] as const;
type Whose = (typeof WHOSE)[number];

/** One status for both entities, or [own, another]. */
type Expected = number | readonly [number, number];
interface Row {
  /** The entity named by the path's `{id}`; none: the same request for "own" and "another". */
  on?: EntityKind;
  params?: Record<string, string>;
  query?: string;
  body?: (whose: Whose, seeds: Seeds) => unknown;
  /** The roles that pass; every other role is 403, and no token 401. */
  allow: Partial<Record<Exclude<RoleName, 'no token'>, Expected>>;
}

const today = new Date().toISOString().slice(0, 10);
// Each account's own captain again: passing the check shows as LOY-8's "already the Team Captain", and
// the captains the later cells rely on stay.
const captain = (whose: Whose) => ({ name: 'Dana Lee', email: 'captain@matrix.example', ccoId: whose === 'own' ? 'dlee' : 'someone-else' });
const application = (whose: Whose) => ({ country: whose === 'own' ? 'DE' : 'FR', requirements: fullRequirements() });
const OWN_AND_ANOTHER = (own: number, another: number) => [own, another] as const;
// Another's entity is the 404 of an absent one (issue 24): the answer tells no one what is enrolled, or whose.
const AM_OWN = (ok: number) => OWN_AND_ANOTHER(ok, 404);
const bookings = { fiscalYear: 2026, directUsd: 1_000_000, indirectUsd: 0 };
const company = () => ({ id: uniqueId('JOIN'), name: 'Joiner', country: 'US', endUser: true, bookings: [bookings] });

// Ordered: what closes or moves an entity comes after everything that reads or changes it.
const TABLE: Record<string, Row> = {
  'post /v1/nominations': { body: () => nominationFor(today, { group: uniqueId('AZN') }), allow: { 'account-manager': 201 } },
  'get /v1/me': { allow: { 'account-manager': 200, ops: 200, 'team-captain': 200, partner: 200, telemetry: 200 } },
  'get /v1/accounts': { allow: { 'account-manager': 200, ops: 200 } },
  'get /v1/accounts/{id}': { on: 'account', allow: { 'account-manager': AM_OWN(200), ops: 200, 'team-captain': AM_OWN(200) } },
  'post /v1/accounts/{id}/terms-acceptance': { on: 'account', body: () => ({ version: 'T1' }), allow: { 'team-captain': AM_OWN(200) } },
  'put /v1/accounts/{id}/team-captain': { on: 'account', body: captain, allow: { 'account-manager': AM_OWN(409), ops: 409 } },
  'post /v1/accounts/{id}/bookings': { on: 'account', body: () => bookings, allow: { 'account-manager': AM_OWN(200), ops: 200 } },
  'post /v1/accounts/{id}/companies': { on: 'account', body: company, allow: { 'account-manager': AM_OWN(200), ops: 200 } },
  'put /v1/accounts/{id}/account-manager': {
    on: 'account',
    body: (whose) => ({ amId: whose === 'own' ? 'am-test' : 'am-other' }),
    allow: { ops: 200 },
  },
  'get /v1/tier-tables/{fy}': { params: { fy: '2030' }, allow: { ops: 200, 'account-manager': 200 } },
  'put /v1/tier-tables/{fy}': { params: { fy: '2040' }, body: () => tierTableBody, allow: { ops: OWN_AND_ANOTHER(201, 200) } },
  'post /v1/purchases': {
    body: (whose, s) => ({
      accountId: s.account[whose === 'own' ? 0 : 1],
      country: 'US',
      invoiceDate: addDays(today, -10),
      packages: [{ size: 10, quantity: 1 }],
    }),
    allow: { ops: 201, 'account-manager': AM_OWN(201) },
  },
  'get /v1/lots/{id}': { on: 'lot', allow: { ops: 200, 'account-manager': AM_OWN(200), 'team-captain': AM_OWN(200) } },
  'put /v1/accounts/{id}/auto-approval': { on: 'account', body: () => ({ enabled: false }), allow: { 'team-captain': AM_OWN(200) } },
  // The second asking of a lot's one extension is refused (CLC-4): ops ask first.
  'post /v1/lots/{id}/extension-requests': {
    on: 'windowLot',
    body: () => ({ usagePlan: 'Exams for the whole team this spring' }),
    allow: { ops: 201, 'team-captain': AM_OWN(409) },
  },
  'get /v1/extension-requests': { allow: { ops: 200 } },
  'post /v1/extension-requests/{id}/decision': { on: 'extensionRequest', body: () => ({ approve: false }), allow: { ops: 200 } },
  'post /v1/redemptions': {
    body: (whose, s) => ({ accountId: s.account[whose === 'own' ? 0 : 1], kind: 'digital-learning', credits: 1, paysFor: 'Cisco U.' }),
    allow: { ops: 201, 'team-captain': AM_OWN(201) },
  },
  'get /v1/redemptions/{id}': { on: 'redemption', allow: { ops: 200, 'account-manager': AM_OWN(200), 'team-captain': AM_OWN(200) } },
  'post /v1/redemptions/{id}/decision': { on: 'redemption', body: () => ({ approve: true }), allow: { 'team-captain': AM_OWN(200) } },
  'get /v1/accounts/{id}/lots': { on: 'account', allow: { ops: 200, 'account-manager': AM_OWN(200), 'team-captain': AM_OWN(200) } },
  'get /v1/accounts/{id}/balance': { on: 'account', allow: { ops: 200, 'account-manager': AM_OWN(200), 'team-captain': AM_OWN(200) } },
  'get /v1/accounts/{id}/statements': { on: 'account', allow: { ops: 200, 'account-manager': AM_OWN(200), 'team-captain': AM_OWN(200) } },
  // No statement was made for that month: the 404 shows the caller got past the check.
  'get /v1/accounts/{id}/statements/{month}': {
    on: 'account',
    params: { month: '2020-01' },
    allow: { ops: 404, 'account-manager': AM_OWN(404), 'team-captain': AM_OWN(404) },
  },
  'get /v1/reports/balances': { allow: { ops: 200, 'account-manager': 200 } },
  'get /v1/reports/expiring': { allow: { ops: 200, 'account-manager': 200 } },
  'get /v1/reports/redemptions': { query: `from=${addDays(today, -30)}&to=${today}`, allow: { ops: 200, 'account-manager': 200 } },
  'get /v1/vouchers/{id}': { on: 'voucher', allow: { ops: 200, 'account-manager': AM_OWN(200), 'team-captain': AM_OWN(200) } },
  'get /v1/reports/training-records': { allow: { ops: 200, 'account-manager': 200 } },
  'post /v1/partners': { body: () => ({ id: uniqueId('P'), name: 'Partner Ltd', email: 'p@partner.example' }), allow: { ops: 201 } },
  'post /v1/certifications': { body: application, allow: { partner: 201 } },
  'get /v1/certifications': { allow: { ops: 200, partner: 200 } },
  'get /v1/certifications/{id}': { on: 'certification', allow: { ops: 200, partner: AM_OWN(200) } },
  'post /v1/certifications/{id}/decision': { on: 'certification', body: () => ({ approve: true }), allow: { ops: 200 } },
  'post /v1/certifications/{id}/renewal': { on: 'certification', body: fullRequirements, allow: { partner: AM_OWN(409) } },
  'post /v1/certifications/{id}/csat-responses': {
    on: 'certification',
    // Received today: the dev server's clock is the wall clock.
    body: () => ({ count: 10, receivedOn: new Date().toISOString().slice(0, 10) }),
    allow: { ops: 200 },
  },
  'post /v1/certifications/{id}/non-compliance-notices': {
    on: 'certification',
    body: () => ({ reason: 'Lost the 8x5 desk', awareOn: today }),
    allow: { partner: AM_OWN(200) },
  },
  // Only the own certification's partner gave notice (the other partner was refused): CERT-5 lets ops act on that one.
  'post /v1/certifications/{id}/extension': {
    on: 'certification',
    body: () => ({ until: addDays(today, 60) }),
    allow: { ops: OWN_AND_ANOTHER(200, 409) },
  },
  'post /v1/certifications/{id}/compliance': { on: 'certification', body: () => ({}), allow: { ops: OWN_AND_ANOTHER(200, 409) } },
  'post /v1/certifications/{id}/gold': { on: 'certification', body: () => ({}), allow: { ops: 200 } },
  'get /v1/catalogue': { allow: { ops: 200, partner: 200 } },
  'get /v1/catalogue/use-cases/{id}': { on: 'useCase', allow: { ops: 200, partner: 200 } },
  'put /v1/catalogue/use-cases/{id}': { on: 'useCase', body: () => useCaseBody, allow: { ops: 200 } },
  'post /v1/engagements': {
    body: (_w, s) => ({ partnerId: 'P-1', customerId: uniqueId('CU'), useCaseId: s.useCase[0] }),
    allow: { partner: 201, ops: 201 },
  },
  'get /v1/engagements/{id}': { on: 'engagement', allow: { ops: 200, partner: AM_OWN(200) } },
  'post /v1/engagements/{id}/success-plan': { on: 'engagement', body: () => ({ document: 'Plan' }), allow: { partner: AM_OWN(201) } },
  'post /v1/telemetry': {
    body: () => ({
      readings: [{ readingId: randomUUID(), customerId: 'CU-none', metric: 'm', value: 1, measuredAt: new Date().toISOString() }],
    }),
    allow: { telemetry: 202 },
  },
  'get /v1/payments': { allow: { ops: 200, partner: 200 } },
  'get /v1/audit': { allow: { ops: 200 } },
  // The portal's lists (issue 13): a list names no entity; what each caller sees of others' is test/api/queues.test.ts.
  'get /v1/my/accounts': { allow: { 'team-captain': 200 } },
  'get /v1/my/redemptions': { allow: { 'team-captain': 200 } },
  'get /v1/my/certifications': { allow: { partner: 200 } },
  'get /v1/my/engagements': { allow: { partner: 200 } },
  'get /v1/queues/extension-requests': { allow: { ops: 200 } },
  'get /v1/queues/holds-releasing': { allow: { ops: 200 } },
  'get /v1/queues/nominations-waiting': { allow: { ops: 200, 'account-manager': 200 } },
  'get /v1/queues/bookings-missing': { allow: { ops: 200, 'account-manager': 200 } },
  'get /v1/queues/certifications-due': { allow: { ops: 200 } },
  'get /v1/queues/extensions-ending': { allow: { ops: 200 } },
  'get /v1/queues/engagements-near-expiry': { allow: { ops: 200 } },
  'get /v1/queues/failed-notices': { allow: { ops: 200 } },
  'post /v1/terms-versions': { body: () => ({ version: uniqueId('T') }), allow: { ops: 201 } },
  'delete /v1/catalogue/use-cases/{id}': { on: 'retiredUseCase', allow: { ops: 200 } },
  'post /v1/certifications/{id}/revocation': { on: 'certification', body: () => ({ reason: 'Out of compliance' }), allow: { ops: 200 } },
  'post /v1/accounts/{id}/withdrawal': { on: 'account', body: () => ({ reason: 'Matrix' }), allow: { ops: 200 } },
};

/** The status a cell must answer, from its row. */
function expected(row: Row, role: RoleName, whose: Whose): number {
  if (role === 'no token') return 401;
  const e = row.allow[role];
  if (e === undefined) return 403;
  return typeof e === 'number' ? e : e[whose === 'own' ? 0 : 1];
}

describe('API: who may do what (ALL-3)', () => {
  let h: ApiHarness;
  let seeds: Seeds;
  const call = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': randomUUID() };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${h.api.base}${path}`, {
      method: method.toUpperCase(),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
  };

  beforeAll(async () => {
    h = await apiHarness();
    seeds = await seedEntities(call, today);
  }, 180_000);
  afterAll(async () => h?.close());

  it('ALL-3: the table names every operation of the API, and only those, with the roles each declares', () => {
    const declared = operations.map((op) => `${op.method} ${op.path}`).sort();
    expect(Object.keys(TABLE).sort()).toEqual(declared);
    // The roles a row lets through are the roles its operation declares (and serves in /openapi.json).
    for (const op of operations) expect(Object.keys(TABLE[`${op.method} ${op.path}`]!.allow).sort(), op.path).toEqual([...op.roles].sort());
  });

  it('ALL-3: every operation x every role x own / another entity answers the status of the table (100% of cells)', async () => {
    const wrong: string[] = [];
    let cells = 0;
    for (const [key, row] of Object.entries(TABLE)) {
      const [method, path] = key.split(' ') as [string, string];
      for (const [role, token] of Object.entries(ROLES) as [RoleName, string | undefined][])
        for (const whose of WHOSE) {
          const id = row.on ? seeds[row.on][whose === 'own' ? 0 : 1] : '';
          const url = fillPath(path, { id, ...row.params }) + (row.query ? `?${row.query}` : '');
          const res = await call(method, url, token, row.body?.(whose, seeds));
          cells += 1;
          const want = expected(row, role, whose);
          if (res.status !== want) wrong.push(`${key} as ${role} on ${whose}: ${res.status}, expected ${want} ${JSON.stringify(res.body)}`);
        }
    }
    expect(wrong).toEqual([]);
    expect(cells).toBe(operations.length * Object.keys(ROLES).length * WHOSE.length);
  }, 600_000);
});
