import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, tokens, type ApiHarness } from '../helpers/apiHarness';

const P1 = 'tok-partner-p1';
const OPS = 'tok-ops-0000';
const TEL = 'tok-telemetry';
tokens[TEL] = { role: 'telemetry' };
tokens['tok-partner-p2'] = { role: 'partner', partnerId: 'P-2' };

// Telemetry through the API reaching real engagement workflows on the dev server.
describe('API: Lifecycle Incentives', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
    await h.db('partners').insert([
      { id: 'P-1', name: 'P One', email: 'p1@partner.example' },
      { id: 'P-2', name: 'P Two', email: 'p2@partner.example' },
    ]);
  });
  afterAll(async () => h?.close());

  it('LCI-1, LCI-2, ALL-3: telemetry completes a phase and approves its payment; another partner is refused', async () => {
    const catalogue = await h.api.call('GET', '/v1/catalogue', { token: P1 });
    expect(catalogue.body.useCases.map((u: { id: string }) => u.id)).toEqual(['collab-meetings', 'security-mfa']);
    expect((await h.api.call('POST', '/v1/engagements', { token: P1, body: { customerId: 'bad id!', useCaseId: 'x' } })).status).toBe(400);
    const opened = await h.api.call('POST', '/v1/engagements', { token: P1, body: { customerId: 'CUST-9', useCaseId: 'security-mfa' } });
    expect(opened.status).toBe(201);
    const id = opened.body.engagementId;
    expect((await h.api.call('GET', `/v1/engagements/${id}`, { token: 'tok-partner-p2' })).status).toBe(404);

    const bad = await h.api.call('POST', '/v1/telemetry', {
      token: TEL,
      body: { readings: [{ readingId: 'r0', customerId: 'CUST-9', metric: 'x', value: 'high', measuredAt: 'yesterday' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['readings.0.measuredAt', 'readings.0.value']);
    expect((await h.api.call('POST', '/v1/telemetry', { token: P1, body: { readings: [] } })).status).toBe(403);

    const batch = {
      readings: [
        { readingId: 'r1', customerId: 'CUST-9', metric: 'devices_reporting_pct', value: 88, measuredAt: '2026-11-24T10:00:00Z' },
        { readingId: 'r2', customerId: 'CUST-9', metric: 'enrolled_users_pct', value: 12, measuredAt: '2026-11-24T10:00:00Z' },
      ],
    };
    const sent = await h.api.call('POST', '/v1/telemetry', { token: TEL, body: batch });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ accepted: 2, duplicates: 0, engagementsSignalled: 1 });
    // Resent: not stored twice, delivered again (harmless, the newest per metric wins), so a retry after a 503 still arrives.
    expect((await h.api.call('POST', '/v1/telemetry', { token: TEL, body: batch })).body).toEqual({
      accepted: 0,
      duplicates: 2,
      engagementsSignalled: 1,
    });

    await expect
      .poll(async () => (await h.api.call('GET', '/v1/payments', { token: P1 })).body.payments.length, { timeout: 15_000 })
      .toBe(1);
    const mine = await h.api.call('GET', '/v1/payments', { token: P1 });
    expect(mine.body.payments[0]).toMatchObject({ engagementId: id, phase: 'Onboard', amountUsd: 1500 });
    expect((await h.api.call('GET', '/v1/payments', { token: 'tok-partner-p2' })).body.payments).toEqual([]);
    // The payment row is written just before the workflow moves on to the next phase.
    await expect
      .poll(async () => (await h.api.call('GET', `/v1/engagements/${id}`, { token: P1 })).body.phase, { timeout: 15_000 })
      .toBe('Implement');
    const progress = await h.api.call('GET', `/v1/engagements/${id}`, { token: P1 });
    expect(progress.body.state).toBe('active');
    expect(progress.body.progress).toContainEqual(
      expect.objectContaining({ metric: 'enrolled_users_pct', threshold: 30, value: 12, met: false }),
    );
  });

  it('LCI-2: reading times are compared as instants, whatever their precision', async () => {
    const opened = await h.api.call('POST', '/v1/engagements', { token: P1, body: { customerId: 'CUST-T', useCaseId: 'security-mfa' } });
    const reading = (readingId: string, metric: string, value: number, measuredAt: string) => ({
      readingId,
      customerId: 'CUST-T',
      metric,
      value,
      measuredAt,
    });
    await h.api.call('POST', '/v1/telemetry', {
      token: TEL,
      body: {
        readings: [
          reading('t1', 'devices_reporting_pct', 85, '2026-11-24T10:00:01Z'),
          reading('t2', 'enrolled_users_pct', 5, '2026-11-24T10:00:01Z'),
        ],
      },
    });
    // Half a second later, though as text it sorts before "…01Z".
    await h.api.call('POST', '/v1/telemetry', {
      token: TEL,
      body: { readings: [reading('t3', 'enrolled_users_pct', 12, '2026-11-24T10:00:01.5Z')] },
    });
    await expect
      .poll(async () => (await h.db('incentive_payments').where({ engagement_id: opened.body.engagementId })).length, { timeout: 15_000 })
      .toBe(1);
  });

  it('LCI-3: a Customer Success Plan is kept, never required', async () => {
    const opened = await h.api.call('POST', '/v1/engagements', {
      token: OPS,
      body: { partnerId: 'P-2', customerId: 'CUST-7', useCaseId: 'collab-meetings' },
    });
    expect(opened.status).toBe(201);
    expect(
      (await h.api.call('POST', `/v1/engagements/${opened.body.engagementId}/success-plan`, { token: P1, body: { document: 'plan' } }))
        .status,
    ).toBe(404);
    expect(
      (
        await h.api.call('POST', `/v1/engagements/${opened.body.engagementId}/success-plan`, {
          token: 'tok-partner-p2',
          body: { document: 'Outcomes: fewer meeting rooms' },
        })
      ).status,
    ).toBe(201);
    // Issue 24: kept as a version of its own (migration 018), never overwritten.
    expect(await h.db('success_plans').where({ engagement_id: opened.body.engagementId }).select('version', 'document')).toEqual([
      { version: 1, document: 'Outcomes: fewer meeting rooms' },
    ]);
  });

  it('LCI-5: a second engagement for the same partner, customer and use case is refused with 409 naming the open one; nothing more starts', async () => {
    const body = { customerId: 'CUST-5', useCaseId: 'security-mfa' };
    const first = await h.api.call('POST', '/v1/engagements', { token: P1, body });
    expect(first.status).toBe(201);
    const open = first.body.engagementId;
    const refusal = {
      error: 'conflict',
      message: `Engagement ${open} is open for partner P-1, customer CUST-5 and use case security-mfa: one at a time (LCI-5)`,
      errors: [
        { field: 'customerId', message: `engagement ${open} is open for this customer and use case` },
        { field: 'useCaseId', message: `engagement ${open} is open for this customer and use case` },
      ],
    };
    expect(await h.api.call('POST', '/v1/engagements', { token: P1, body })).toMatchObject({ status: 409, body: refusal });
    // Ops opening it for the partner are refused alike.
    expect(await h.api.call('POST', '/v1/engagements', { token: OPS, body: { ...body, partnerId: 'P-1' } })).toMatchObject({
      status: 409,
      body: refusal,
    });
    // Another use case, another customer, another partner: each is an engagement of its own.
    for (const [token, other] of [
      [P1, { customerId: 'CUST-5', useCaseId: 'collab-meetings' }],
      [P1, { customerId: 'CUST-6', useCaseId: 'security-mfa' }],
      ['tok-partner-p2', body],
    ] as const)
      expect((await h.api.call('POST', '/v1/engagements', { token, body: other })).status).toBe(201);
    expect(await h.db('engagements').where({ partner_id: 'P-1', customer_id: 'CUST-5', use_case_id: 'security-mfa' }).pluck('id')).toEqual([
      open,
    ]);
    await expect
      .poll(
        () =>
          h.env.client.workflow.count(
            `PartnerId = 'P-1' AND CustomerId = 'CUST-5' AND UseCase = 'security-mfa' AND ExecutionStatus = 'Running'`,
          ),
        {
          timeout: 10_000,
        },
      )
      .toMatchObject({ count: 1 });
  });

  it('LCI-5: two requests at once for the same partner, customer and use case: one opens, the other is refused with 409 naming it', async () => {
    const body = { customerId: 'CUST-RACE', useCaseId: 'security-mfa' };
    const answers = await Promise.all([1, 2, 3].map(() => h.api.call('POST', '/v1/engagements', { token: P1, body })));
    const opened = answers.filter((a) => a.status === 201);
    expect(opened).toHaveLength(1);
    const open = opened[0]!.body.engagementId;
    for (const refused of answers.filter((a) => a.status !== 201))
      expect(refused).toMatchObject({
        status: 409,
        body: {
          message: `Engagement ${open} is open for partner P-1, customer CUST-RACE and use case security-mfa: one at a time (LCI-5)`,
        },
      });
    expect(await h.db('engagements').where({ customer_id: 'CUST-RACE' }).pluck('id')).toEqual([open]);
  });
});
