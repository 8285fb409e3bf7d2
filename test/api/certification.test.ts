import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addYears } from '../../domain/calendar';
import { apiHarness, type ApiHarness } from '../helpers/apiHarness';
import { fullRequirements } from '../helpers/certification';

const OPS = 'tok-ops-0000';
const P1 = 'tok-partner-p1';

// The certification API on the dev server with a real worker, Postgres and SMTP.
describe('API: Premier Certification', () => {
  let h: ApiHarness;
  const today = new Date().toISOString().slice(0, 10);
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => h?.close());

  it('CERT-1, ALL-3: only a Registered Partner applies; a refusal lists every unmet requirement and writes nothing', async () => {
    expect(
      (await h.api.call('POST', '/v1/certifications', { token: P1, body: { country: 'US', requirements: fullRequirements() } })).status,
    ).toBe(403); // not registered yet
    expect(
      (await h.api.call('POST', '/v1/partners', { token: P1, body: { id: 'P-1', name: 'P One', email: 'p1@partner.example' } })).status,
    ).toBe(403);
    expect((await h.api.call('POST', '/v1/partners', { token: OPS, body: { id: 'P-1', name: 'P One', email: 'nope' } })).status).toBe(400);
    expect(
      (await h.api.call('POST', '/v1/partners', { token: OPS, body: { id: 'P-1', name: 'P One', email: 'p1@partner.example' } })).status,
    ).toBe(201);

    const malformed = await h.api.call('POST', '/v1/certifications', {
      token: P1,
      body: { country: 'usa', requirements: { specializations: 'x' } },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['country', 'requirements.specializations', 'requirements.resaleAgreement']),
    );
    const lacking = await h.api.call('POST', '/v1/certifications', {
      token: P1,
      body: { country: 'US', requirements: { ...fullRequirements(), specializations: [], customerService8x5: false } },
    });
    expect(lacking.status).toBe(422);
    expect(lacking.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'requirements.specializations',
      'requirements.customerService8x5',
    ]);
    expect(await h.db('certifications').where({ partner_id: 'P-1' })).toEqual([]);
  });

  it('CERT-1, CERT-2, ALL-3: an application, approved by ops, has its anniversary a year on; partners see only their own', async () => {
    const applied = await h.api.call('POST', '/v1/certifications', {
      token: P1,
      body: { country: 'US', requirements: fullRequirements() },
    });
    expect(applied.status).toBe(201);
    expect(applied.body).toEqual({ certificationId: 'P-1-US', workflowId: 'certification-P-1-US' });
    expect(
      (await h.api.call('POST', '/v1/certifications', { token: P1, body: { country: 'US', requirements: fullRequirements() } })).status,
    ).toBe(409);
    expect((await h.api.call('POST', '/v1/certifications/P-1-US/decision', { token: P1, body: { approve: true } })).status).toBe(403);
    const decided = await h.api.call('POST', '/v1/certifications/P-1-US/decision', { token: OPS, body: { approve: true } });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ state: 'approved', anniversary: addYears(today, 1) });
    await h.smtp.waitFor((m) => m.to.includes('p1@partner.example') && /approved/.test(m.subject));

    await h.db('partners').insert({ id: 'P-2', name: 'P Two', email: 'p2@partner.example' });
    await h.db('certifications').insert({ id: 'P-2-DE', partner_id: 'P-2', country: 'DE', state: 'approved' });
    expect((await h.api.call('GET', '/v1/certifications/P-2-DE', { token: P1 })).status).toBe(404);
    expect((await h.api.call('POST', '/v1/certifications/P-2-DE/renewal', { token: P1, body: fullRequirements() })).status).toBe(404);
    const mine = await h.api.call('GET', '/v1/certifications', { token: P1 });
    expect(mine.body.certifications.map((c: { id: string }) => c.id)).toEqual(['P-1-US']);
    const all = await h.api.call('GET', '/v1/certifications?state=approved', { token: OPS });
    expect(all.body.certifications.map((c: { id: string }) => c.id)).toEqual(['P-1-US', 'P-2-DE']);
  });

  it('CERT-4, ALL-3: survey responses carry the day they were received: missing is 400, a future day 422 naming receivedOn, nothing recorded', async () => {
    const path = '/v1/certifications/P-1-US/csat-responses';
    const missing = await h.api.call('POST', path, { token: OPS, body: { count: 3 } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['receivedOn']);
    const future = await h.api.call('POST', path, { token: OPS, body: { count: 3, receivedOn: addDays(today, 1) } });
    expect(future.status).toBe(422);
    expect(future.body.errors).toEqual([{ field: 'receivedOn', message: `must not be after today (${today})` }]);
    expect((await h.api.call('GET', '/v1/certifications/P-1-US', { token: OPS })).body.csatResponses).toEqual([]);
    const recorded = await h.api.call('POST', path, {
      token: OPS,
      body: { count: 3, receivedOn: addDays(today, -2), lowScoreFollowUpDone: true },
    });
    expect(recorded.status).toBe(200);
    expect(recorded.body.csatResponses).toEqual([{ on: addDays(today, -2), count: 3 }]);
  });

  it('CERT-3, CERT-5: renewal outside the window is 409; after late notice ops may refuse the extension and revoke', async () => {
    expect((await h.api.call('POST', '/v1/certifications/P-1-US/renewal', { token: P1, body: fullRequirements() })).status).toBe(409);
    const late = await h.api.call('POST', '/v1/certifications/P-1-US/non-compliance-notices', {
      token: P1,
      body: { reason: 'pre-sales team left', awareOn: '2020-01-01' },
    });
    expect(late.status).toBe(200);
    expect(late.body.nonCompliance).toMatchObject({ timely: false });
    // CERT-5 as amended: late notice no longer forbids an extension (it was 422); ops refuse it by revoking.
    const past = await h.api.call('POST', '/v1/certifications/P-1-US/extension', { token: OPS, body: { until: today } });
    expect(past.status).toBe(422);
    expect(past.body.errors[0].field).toBe('until');
    const revoked = await h.api.call('POST', '/v1/certifications/P-1-US/revocation', { token: OPS, body: { reason: 'no timely notice' } });
    expect(revoked.status).toBe(200);
    expect(revoked.body.state).toBe('revoked');
    expect(await h.db('certifications').where({ id: 'P-1-US' }).first()).toMatchObject({ state: 'revoked' });
  });
});
