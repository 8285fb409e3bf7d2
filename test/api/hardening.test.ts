import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { operations } from '../../api/operations';
import { apiHarness, startApi, tokens, type ApiHarness } from '../helpers/apiHarness';

const OPS = 'tok-ops-0000';
const AM = 'tok-account-manager';
const P1 = 'tok-partner-p1';
const TEL = 'tok-telemetry-hard';
tokens[TEL] = { role: 'telemetry' };

const useCase = (name: string) => ({
  technology: 'Collaboration (Webex)',
  name,
  phases: [{ name: 'Onboard', paymentUsd: 500, goals: [{ metric: 'seats_active_pct', comparison: '>=', threshold: 50 }] }],
});

const nomination = (id: string, pad = '') => ({
  company: { id: `${id}-1`, name: `Company ${id}${pad}`, country: 'US', endUser: true, corporateGroupId: id },
  teamCaptain: { name: 'Dana Lee', email: 'dana@acme.example', ccoId: 'dlee' },
  bookings: [2024, 2025, 2026].map((fiscalYear) => ({ fiscalYear, directUsd: 1_500_000, indirectUsd: 0 })),
});

const shape = (schema: z.ZodType | undefined) => (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape ?? {};

// Helmet's headers, bounded bodies, per-caller write limits and pages, on the real stack (ALL-3).
describe('API hardening', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => h?.close());

  it('answers with security headers; the CSP runs only this origin’s scripts and /docs works under it in Chromium', async () => {
    const res = await fetch(`${h.api.base}/v1/accounts`, { headers: { authorization: `Bearer ${OPS}` } });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('x-powered-by')).toBeNull();

    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`${h.api.base}/docs`);
      await page.getByText('/v1/nominations').first().waitFor({ timeout: 30_000 });
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('ALL-3: a body over 64 KiB is refused with 413 and the JSON error body, and nothing is written', async () => {
    const accounts = Number((await h.db('accounts').count({ n: '*' }))[0]!.n);
    const big = await h.api.call('POST', '/v1/nominations', { token: AM, body: nomination('BIG', 'x'.repeat(70 * 1024)) });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ error: 'too_large', message: expect.any(String) });
    expect(Number((await h.db('accounts').count({ n: '*' }))[0]!.n)).toBe(accounts);

    // A telemetry batch may be far larger (up to 10,000 readings): 200 KiB reaches its validation.
    const readings = Array.from({ length: 1500 }, (_, i) => ({
      readingId: `hard-${i}`,
      customerId: 'C-NONE',
      metric: 'seats_active_pct',
      value: 1,
      measuredAt: 'not-a-time'.padEnd(100, '-'),
    }));
    expect(JSON.stringify({ readings }).length).toBeGreaterThan(200 * 1024);
    const batch = await h.api.call('POST', '/v1/telemetry', { token: TEL, body: { readings } });
    expect(batch.status).toBe(400);
  });

  it('limits each caller’s writes: past the limit 429 with Retry-After and the JSON error; reads and other callers go on', async () => {
    const limited = await startApi({
      temporal: h.env.client,
      db: h.db,
      taskQueue: h.taskQueue,
      config: { limits: { writesPerMinute: 3 } },
    });
    try {
      const bad = { body: { nope: true } };
      for (let i = 0; i < 3; i++) expect((await limited.call('POST', '/v1/nominations', { token: AM, ...bad })).status).toBe(400);
      const refused = await limited.call('POST', '/v1/nominations', { token: AM, ...bad });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('3 writes a minute') });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await limited.call('GET', '/v1/accounts', { token: AM })).status).toBe(200);
      expect((await limited.call('POST', '/v1/nominations', { token: OPS, ...bad })).status).toBe(403);
    } finally {
      await limited.close();
    }
  });

  it('declares every list as a page: limit (at most 200) and offset in, echoed beside the items', () => {
    // A list: a GET of a collection (its path does not end in an id) answering an array. An account's
    // balance names the lots holding it: one figure with its parts, not a list.
    const lists = operations.filter(
      (op) =>
        op.method === 'get' &&
        !/\}$|\/balance$/.test(op.path) &&
        Object.values(shape(op.responses[200]?.schema)).some((f) => f.def.type === 'array'),
    );
    expect(lists.map((op) => op.path)).toEqual(
      expect.arrayContaining(['/v1/accounts', '/v1/certifications', '/v1/extension-requests', '/v1/payments', '/v1/catalogue']),
    );
    expect(lists.map((op) => op.path)).toEqual(expect.arrayContaining(['/v1/accounts/{id}/lots', '/v1/reports/balances']));
    for (const op of lists) {
      const limitRefused = (limit: string) =>
        (op.request.query?.safeParse({ limit }).error?.issues ?? []).some((i) => i.path[0] === 'limit');
      expect([limitRefused('201'), limitRefused('200'), limitRefused('0')], `${op.path}: limit 201, 200, 0`).toEqual([true, false, true]);
      expect(Object.keys(shape(op.responses[200]!.schema)), op.path).toEqual(expect.arrayContaining(['limit', 'offset']));
    }
  });

  it('pages a list: the pages put together are the whole list; limit 201 is 400', async () => {
    for (const id of ['hard-a', 'hard-b', 'hard-c'])
      expect((await h.api.call('PUT', `/v1/catalogue/use-cases/${id}`, { token: OPS, body: useCase(id) })).status).toBeLessThan(300);
    const all = await h.api.call('GET', '/v1/catalogue?limit=200', { token: P1 });
    expect(all.body).toMatchObject({ limit: 200, offset: 0 });
    const ids = all.body.useCases.map((u: { id: string }) => u.id);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const pages: string[] = [];
    for (let offset = 0; offset < ids.length; offset += 2) {
      const page = await h.api.call('GET', `/v1/catalogue?limit=2&offset=${offset}`, { token: P1 });
      expect(page.body).toMatchObject({ limit: 2, offset });
      pages.push(...page.body.useCases.map((u: { id: string }) => u.id));
    }
    expect(pages).toEqual(ids);
    const tooMany = await h.api.call('GET', '/v1/catalogue?limit=201', { token: P1 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toContainEqual({ field: 'limit', message: expect.any(String) });
    expect((await h.api.call('GET', '/v1/reports/balances', { token: OPS })).body).toMatchObject({ limit: 50, offset: 0 });
  });
});
