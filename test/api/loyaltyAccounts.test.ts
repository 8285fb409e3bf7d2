import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from '../helpers/apiHarness';
import { nominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';
import { firstAwardDate, fiscalYearOf } from '../../domain/calendar';
import { loyaltySearchAttributes } from '../../workflows/loyaltyDefinitions';

const AM = 'tok-account-manager';
const OPS = 'tok-ops-0000';
const CAPTAIN = 'tok-captain-dlee';

describe('API: running accounts, tier tables and terms versions', () => {
  let h: ApiHarness;
  const today = new Date().toISOString().slice(0, 10);
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => h?.close());

  async function nominated() {
    const group = uniqueId('API');
    const res = await h.api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group }) });
    expect(res.status).toBe(201);
    return group;
  }

  it('LOY-8, ALL-3: the Account Manager replaces the Team Captain; the new one owns the account, the old one loses it', async () => {
    const id = await nominated();
    const newCaptain = { name: 'Other Captain', email: 'other@example.com', ccoId: 'someone-else' };
    expect((await h.api.call('PUT', `/v1/accounts/${id}/team-captain`, { token: CAPTAIN, body: newCaptain })).status).toBe(403);
    const bad = await h.api.call('PUT', `/v1/accounts/${id}/team-captain`, { token: AM, body: { name: '', email: 'x', ccoId: 'ok' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'name']);

    const res = await h.api.call('PUT', `/v1/accounts/${id}/team-captain`, { token: AM, body: newCaptain });
    expect(res.status).toBe(200);
    expect(res.body.teamCaptain).toEqual(newCaptain);
    expect((await h.api.call('GET', `/v1/accounts/${id}`, { token: 'tok-captain-other' })).status).toBe(200);
    expect((await h.api.call('GET', `/v1/accounts/${id}`, { token: CAPTAIN })).status).toBe(404);
    await h.smtp.waitFor((m) => m.to.includes('other@example.com') && /Team Captain/.test(m.subject));
    const again = await h.api.call('PUT', `/v1/accounts/${id}/team-captain`, { token: OPS, body: newCaptain });
    expect(again.status).toBe(409);
  });

  it('LOY-6: bookings for a fiscal year are recorded for the next re-tier; bad input names its fields', async () => {
    const id = await nominated();
    const bad = await h.api.call('POST', `/v1/accounts/${id}/bookings`, { token: AM, body: { fiscalYear: 1999, directUsd: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['directUsd', 'fiscalYear', 'indirectUsd']);
    const res = await h.api.call('POST', `/v1/accounts/${id}/bookings`, {
      token: AM,
      body: { fiscalYear: 2027, directUsd: 4_000_000, indirectUsd: 1_000_000 },
    });
    expect(res.status).toBe(200);
    expect(res.body.bookings).toContainEqual({ fiscalYear: 2027, directUsd: 4_000_000, indirectUsd: 1_000_000 });
    const row = await h.db('bookings').where({ account_id: id, fiscal_year: 2027 }).first();
    expect(Number(row.direct_usd)).toBe(4_000_000);
    expect(
      (await h.api.call('POST', '/v1/accounts/NOPE/bookings', { token: AM, body: { fiscalYear: 2027, directUsd: 1, indirectUsd: 1 } }))
        .status,
    ).toBe(404);
  });

  it('lists accounts by state from the read model; a bad filter is 400', async () => {
    const id = await nominated();
    const list = await h.api.call('GET', '/v1/accounts?state=nominated&limit=200', { token: OPS });
    expect(list.status).toBe(200);
    expect(list.body.accounts.map((a: { id: string }) => a.id)).toContain(id);
    expect((await h.api.call('GET', '/v1/accounts?tier=9', { token: OPS })).status).toBe(400);
    expect((await h.api.call('GET', '/v1/accounts', { token: CAPTAIN })).status).toBe(403);
  });

  it('LOY-5: tier tables are data; a year without its own table uses the latest earlier one; a bad table is refused', async () => {
    // Next fiscal year's table, published ahead of it (LOY-11 refuses a change only after its Q1): from any day.
    const F = fiscalYearOf(today) + 1;
    const fallback = await h.api.call('GET', `/v1/tier-tables/${F - 1}`, { token: OPS });
    expect(fallback.status).toBe(200);
    expect(fallback.body).toMatchObject({ fiscalYear: F - 1, effectiveFrom: 2022 });
    expect(fallback.body.bands[1]).toEqual({ tier: 2, minUsd: 10_000_001, maxUsd: 25_000_000, quarterlyCredits: 125 });

    const bands = fallback.body.bands.map((b: { quarterlyCredits: number }) => ({ ...b, quarterlyCredits: b.quarterlyCredits * 2 }));
    expect((await h.api.call('PUT', `/v1/tier-tables/${F}`, { token: AM, body: { bands } })).status).toBe(403);
    const gap = structuredClone(bands);
    gap[2].minUsd = 26_000_000;
    const refused = await h.api.call('PUT', `/v1/tier-tables/${F}`, { token: OPS, body: { bands: gap } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0]).toMatchObject({ field: 'bands', message: expect.stringContaining('tier 3') });
    expect((await h.api.call('GET', `/v1/tier-tables/${F}`, { token: OPS })).body.effectiveFrom).toBe(2022);

    expect((await h.api.call('PUT', `/v1/tier-tables/${F}`, { token: OPS, body: { bands } })).status).toBe(201);
    expect((await h.api.call('GET', `/v1/tier-tables/${F + 1}`, { token: OPS })).body).toMatchObject({ effectiveFrom: F, bands });
    expect((await h.api.call('GET', `/v1/tier-tables/${F - 1}`, { token: OPS })).body.effectiveFrom).toBe(2022);
  });

  it('LOY-8, ALL-1: a published terms version reaches every open account and applies to new nominations', async () => {
    const id = await nominated();
    const version = uniqueId('V');
    expect((await h.api.call('POST', '/v1/terms-versions', { token: AM, body: { version } })).status).toBe(403);
    const res = await h.api.call('POST', '/v1/terms-versions', { token: OPS, body: { version } });
    expect(res.status).toBe(201);
    expect(res.body.failed).toEqual([]);
    expect((await h.api.call('GET', `/v1/accounts/${id}`, { token: OPS })).body.termsVersion).toBe(version);
    const accept = await h.api.call('POST', `/v1/accounts/${id}/terms-acceptance`, { token: CAPTAIN, body: { version } });
    expect(accept.status).toBe(200);
    expect(accept.body.state).toBe('enrolled');
    // ALL-1: ops find the account in the Web UI by its search attributes.
    const attrs = (await h.env.client.workflow.getHandle(`loyalty-account-${id}`).describe()).typedSearchAttributes;
    expect(attrs.get(loyaltySearchAttributes.LoyaltyState)).toBe('enrolled');
    expect(attrs.get(loyaltySearchAttributes.Tier)).toBe(1);
    expect(attrs.get(loyaltySearchAttributes.NextAwardDate)?.toISOString().slice(0, 10)).toBe(firstAwardDate(today));
    const read = await h.api.call('GET', `/v1/accounts/${id}`, { token: CAPTAIN });
    expect(read.body).toMatchObject({ state: 'enrolled', tier: 1, quarterlyCredits: 75, nextAwardDate: firstAwardDate(today), awards: [] });
    const later = await nominated();
    expect((await h.api.call('GET', `/v1/accounts/${later}`, { token: OPS })).body.termsVersion).toBe(version);
    expect((await h.api.call('POST', '/v1/terms-versions', { token: OPS, body: { version } })).status).toBe(409);
  });
});
