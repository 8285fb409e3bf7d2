import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, tokens, type ApiHarness } from '../helpers/apiHarness';

const OPS = 'tok-ops-0000';
const P1 = 'tok-partner-p1';
const TEL = 'tok-telemetry-catalogue';
tokens[TEL] = { role: 'telemetry' };

/** A use case of two phases on one metric; `pay` and `first` vary between versions. */
const definition = (first: number, pay: number) => ({
  technology: 'Networking (Meraki)',
  name: 'SD-WAN branches',
  phases: [
    { name: 'Onboard', paymentUsd: pay, goals: [{ metric: 'sites_online_pct', comparison: '>=', threshold: first }] },
    {
      name: 'Adopt',
      paymentUsd: 2 * pay,
      goals: [
        { metric: 'sites_online_pct', comparison: '>=', threshold: 90 },
        { metric: 'tunnels_down', comparison: '==', threshold: 0 },
      ],
    },
  ],
});

// Catalogue management by ops through the API, with engagements running on the real dev server.
describe('API: the Lifecycle Incentives catalogue', () => {
  let h: ApiHarness;
  let seq = 0;
  beforeAll(async () => {
    h = await apiHarness();
    await h.db('partners').insert({ id: 'P-1', name: 'P One', email: 'p1@partner.example' });
  });
  afterAll(async () => h?.close());

  const put = (id: string, body: unknown, token = OPS) => h.api.call('PUT', `/v1/catalogue/use-cases/${id}`, { token, body });
  const open = async (customerId: string, useCaseId: string) =>
    h.api.call('POST', '/v1/engagements', { token: P1, body: { customerId, useCaseId } });
  const send = (customerId: string, metric: string, value: number) =>
    h.api.call('POST', '/v1/telemetry', {
      token: TEL,
      body: {
        readings: [
          { readingId: `cat-${++seq}`, customerId, metric, value, measuredAt: new Date(Date.UTC(2026, 10, 24, 12, 0, seq)).toISOString() },
        ],
      },
    });
  const payments = (engagementId: string) =>
    h.db('incentive_payments').where({ engagement_id: engagementId }).orderBy('phase_index').select('phase', 'amount_usd');

  it('LCI-1, ALL-3: only ops change the catalogue; bad input names each field and writes nothing', async () => {
    const before = await h.db('use_cases').orderBy('id');
    expect((await h.api.call('PUT', '/v1/catalogue/use-cases/sdwan', { body: definition(50, 1000) })).status).toBe(401);
    expect((await put('sdwan', definition(50, 1000), P1)).status).toBe(403);
    expect((await put('sdwan', definition(50, 1000), TEL)).status).toBe(403);
    expect((await h.api.call('DELETE', '/v1/catalogue/use-cases/security-mfa', { token: P1 })).status).toBe(403);

    const bad = await put('security-mfa', {
      technology: '',
      name: 'MFA',
      phases: [
        { name: 'Onboard', paymentUsd: -5, goals: [{ metric: 'enrolled users', comparison: '=>', threshold: 'high' }] },
        { name: 'Onboard', paymentUsd: 1.5, goals: [] },
        { name: 'completed', paymentUsd: 10, goals: [{ metric: 'x', comparison: '>=', threshold: 1 }] },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'phases.0.goals.0.comparison',
      'phases.0.goals.0.metric',
      'phases.0.goals.0.threshold',
      'phases.0.paymentUsd',
      'phases.1.goals',
      'phases.1.paymentUsd',
      'phases.2.name',
      'technology',
    ]);
    expect((await put('bad id!', definition(50, 1000))).body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
    // Phases need distinct names: the Phase search attribute and the emails name them.
    const twice = await put('sdwan', { ...definition(50, 1000), phases: [definition(50, 1000).phases[0], definition(50, 1000).phases[0]] });
    expect(twice.body.errors).toEqual([{ field: 'phases.1.name', message: 'phase Onboard appears twice' }]);
    expect((await put('sdwan', { technology: 'x', name: 'y', phases: [] })).status).toBe(400);
    expect(await h.db('use_cases').orderBy('id')).toEqual(before);
    expect((await h.api.call('DELETE', '/v1/catalogue/use-cases/nope', { token: OPS })).status).toBe(404);
  });

  it('LCI-1: ops create, replace and retire a use case; open engagements keep the phases they started with', async () => {
    const created = await put('sdwan', definition(50, 1000));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'sdwan', version: 1, retiredAt: null, openEngagements: 0 });
    const listed = await h.api.call('GET', '/v1/catalogue', { token: P1 });
    expect(listed.body.useCases.map((u: { id: string }) => u.id)).toEqual(['collab-meetings', 'sdwan', 'security-mfa']);
    expect(listed.body.useCases[1].phases[1].goals[1]).toEqual({ metric: 'tunnels_down', comparison: '==', threshold: 0 });

    const first = await open('CUST-OLD', 'sdwan');
    expect(first.status).toBe(201);

    // Version 2 raises the bar and the payment; the running engagement is told neither.
    const replaced = await put('sdwan', definition(70, 5000));
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      version: 2,
      openEngagements: 1,
      phases: [expect.objectContaining({ paymentUsd: 5000 }), expect.anything()],
    });
    const second = await open('CUST-NEW', 'sdwan');

    await send('CUST-OLD', 'sites_online_pct', 60);
    await send('CUST-NEW', 'sites_online_pct', 60);
    await expect.poll(() => payments(first.body.engagementId), { timeout: 15_000 }).toEqual([{ phase: 'Onboard', amount_usd: 1000 }]);
    const newer = await h.api.call('GET', `/v1/engagements/${second.body.engagementId}`, { token: P1 });
    expect(newer.body).toMatchObject({ phase: 'Onboard', useCase: { version: 2 } });
    expect(newer.body.progress).toEqual([{ metric: 'sites_online_pct', comparison: '>=', threshold: 70, value: 60, met: false }]);
    expect(await payments(second.body.engagementId)).toEqual([]);
    await send('CUST-NEW', 'sites_online_pct', 70);
    await expect.poll(() => payments(second.body.engagementId), { timeout: 15_000 }).toEqual([{ phase: 'Onboard', amount_usd: 5000 }]);

    // Retired: offered to no new engagement, while the open ones still run to the end.
    const retired = await h.api.call('DELETE', '/v1/catalogue/use-cases/sdwan', { token: OPS });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ id: 'sdwan', version: 2, retiredAt: expect.any(String), openEngagements: 2 });
    expect((await h.api.call('GET', '/v1/catalogue', { token: P1 })).body.useCases.map((u: { id: string }) => u.id)).not.toContain('sdwan');
    expect((await h.api.call('GET', '/v1/catalogue/use-cases/sdwan', { token: P1 })).body.retiredAt).toEqual(retired.body.retiredAt);
    const refused = await open('CUST-LATE', 'sdwan');
    expect(refused.status).toBe(409);
    expect(refused.body.errors).toEqual([{ field: 'useCaseId', message: 'retired' }]);
    await send('CUST-OLD', 'tunnels_down', 0);
    await send('CUST-OLD', 'sites_online_pct', 95);
    await expect
      .poll(() => payments(first.body.engagementId), { timeout: 15_000 })
      .toEqual([
        { phase: 'Onboard', amount_usd: 1000 },
        { phase: 'Adopt', amount_usd: 2000 },
      ]);
    expect(await h.db('engagements').where({ id: first.body.engagementId }).first()).toMatchObject({ state: 'completed' });

    // Put again, it is offered again, as a new version.
    expect((await put('sdwan', definition(70, 5000))).body).toMatchObject({ version: 3, retiredAt: null, openEngagements: 1 });
    expect((await open('CUST-LATE', 'sdwan')).status).toBe(201);
  });

  it('LCI-1: the catalogue paths and the use-case shape are in the OpenAPI document', async () => {
    const doc = await h.api.call('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/catalogue', '/v1/catalogue/use-cases/{id}', '/v1/engagements', '/v1/telemetry', '/v1/payments']),
    );
    expect(Object.keys(doc.body.paths['/v1/catalogue/use-cases/{id}'])).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
    expect(doc.body.components.schemas.IncentiveGoal.properties.comparison.enum).toEqual(['>=', '>', '<=', '<', '==']);
  });
});
