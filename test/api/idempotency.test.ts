import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../domain/calendar';
import { apiHarness, tokens, type ApiHarness } from '../helpers/apiHarness';
import { uniqueId } from '../helpers/temporal';

const AM = 'tok-account-manager';
const OPS = 'tok-ops-0000';
const P1 = 'tok-partner-p1';
const P2 = 'tok-idem-partner-p2';
tokens[P2] = { role: 'partner', partnerId: 'P-2' };

// ALL-4 on the real stack: the API in-process, the dev server, a worker, Postgres and SMTP.
describe('API: Idempotency-Key (ALL-4)', () => {
  let h: ApiHarness;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    h = await apiHarness();
    await h.db('partners').insert([
      { id: 'P-1', name: 'P One', email: 'p1@partner.example' },
      { id: 'P-2', name: 'P Two', email: 'p2@partner.example' },
    ]);
  });
  afterAll(async () => h?.close());

  /** A request with an Idempotency-Key header (or none): status, JSON body and headers. */
  async function call(method: string, path: string, token: string, body: unknown, key?: string) {
    const res = await fetch(`${h.api.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any, headers: res.headers };
  }
  const count = async (table: string, where: Record<string, unknown>) => Number((await h.db(table).where(where).count({ n: '*' }))[0]!.n);
  const purchaseBy = (email: string, quantity = 1) => ({
    owner: { name: 'Buyer', email },
    country: 'US',
    invoiceDate: addDays(today, -10),
    packages: [{ size: 10, quantity }],
  });
  const ago = (age: string) => h.db.raw('now() - ?::interval', [age]);
  const newEmail = (tag: string) => `${uniqueId(tag)}@idem.example`.toLowerCase();
  /** What a crash after the work but before the answer was stored leaves behind: the key held by a dead attempt. */
  const crashAfterWork = (key: string, lockedSecondsAgo: number) =>
    h
      .db('idempotency_keys')
      .where({ key })
      .update({ state: 'in-progress', status: null, body: null, location: null, locked_at: ago(`${lockedSecondsAgo} seconds`) });

  it('ALL-4: a retried purchase with the same key returns the same lot; one lot, one ledger entry, one email', async () => {
    const email = newEmail('buyer');
    const key = randomUUID();
    const first = await call('POST', '/v1/purchases', AM, purchaseBy(email), key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const retry = await call('POST', '/v1/purchases', AM, purchaseBy(email), `"${key}"`); // the draft's quoted form
    expect(retry.status).toBe(201);
    expect(JSON.stringify(retry.body)).toBe(JSON.stringify(first.body)); // the same answer, keys in the same order
    expect(retry.headers.get('location')).toBe(`/v1/lots/${first.body.lotId}`);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');

    const lotId = first.body.lotId as string;
    expect(await count('credit_lots', { owner_email: email })).toBe(1);
    expect(await count('ledger_entries', { lot_id: lotId })).toBe(1);
    await h.smtp.waitFor((m) => m.to.includes(email), 30_000);
    expect(await count('notifications', { recipient: email })).toBe(1);
    expect(h.smtp.received.filter((m) => m.to.includes(email))).toHaveLength(1);
  });

  it('ALL-4: a retry while the first request runs is refused with 409; after the API died mid-request a retry finds the same lot', async () => {
    const email = newEmail('crash');
    const key = randomUUID();
    const first = await call('POST', '/v1/purchases', AM, purchaseBy(email), key);
    expect(first.status).toBe(201);

    await crashAfterWork(key, 0);
    const running = await call('POST', '/v1/purchases', AM, purchaseBy(email), key);
    expect(running.status).toBe(409);
    expect(running.body.error).toBe('request_in_progress');
    expect(running.headers.get('retry-after')).toBe('1');

    // The lease ran out: the attempt is taken for dead and the retry runs again, on the lot the key names.
    await crashAfterWork(key, 120);
    const recovered = await call('POST', '/v1/purchases', AM, purchaseBy(email), key);
    expect(recovered.status).toBe(201);
    expect(recovered.body).toEqual(first.body);
    expect(recovered.headers.get('idempotent-replayed')).toBeNull();
    expect((await call('POST', '/v1/purchases', AM, purchaseBy(email), key)).headers.get('idempotent-replayed')).toBe('true');
    expect(await count('credit_lots', { owner_email: email })).toBe(1);
    expect(await count('ledger_entries', { lot_id: first.body.lotId })).toBe(1);
  });

  it('ALL-4: the same key with a different body or path is refused with 422 and nothing is written', async () => {
    const email = newEmail('diff');
    const key = randomUUID();
    expect((await call('POST', '/v1/purchases', AM, purchaseBy(email), key)).status).toBe(201);
    const lots = await count('credit_lots', {});
    const other = await call('POST', '/v1/purchases', AM, purchaseBy(email, 2), key);
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ error: 'idempotency_key_reused', errors: [{ field: 'Idempotency-Key' }] });
    const elsewhere = await call('POST', '/v1/accounts/NO-SUCH/bookings', AM, { fiscalYear: 2026, directUsd: 1, indirectUsd: 0 }, key);
    expect(elsewhere.status).toBe(422); // checked before the account is looked for
    expect(elsewhere.body.error).toBe('idempotency_key_reused');
    expect(await count('credit_lots', {})).toBe(lots);
    expect(await count('idempotency_keys', { key })).toBe(1);
    expect((await call('POST', '/v1/purchases', AM, purchaseBy(email), 'bad key with spaces')).status).toBe(400);

    // A refusal is not kept (nothing was written): the key is free, and the corrected request runs.
    const key2 = randomUUID();
    const refused = await call('POST', '/v1/purchases', AM, { ...purchaseBy(email), country: 'ZZ' }, key2);
    expect(refused.body.error).toBe('rule_violation');
    expect(await count('idempotency_keys', { key: key2 })).toBe(0);
    expect(await count('credit_lots', {})).toBe(lots);
    expect((await call('POST', '/v1/purchases', AM, purchaseBy(email), key2)).status).toBe(201);
  });

  it('ALL-4: concurrent duplicate purchases have one effect: one lot, and every answer names it or says "in progress"', async () => {
    const email = newEmail('burst');
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => call('POST', '/v1/purchases', AM, purchaseBy(email), key)));
    const created = answers.filter((a) => a.status === 201);
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((a) => a.body.lotId)).size).toBe(1);
    const after = await call('POST', '/v1/purchases', AM, purchaseBy(email), key);
    expect(after.body.lotId).toBe(created[0]!.body.lotId);
    expect(await count('credit_lots', { owner_email: email })).toBe(1);
    expect(await count('ledger_entries', { lot_id: after.body.lotId })).toBe(1);
  });

  /** An active purchased lot of ten credits with no account, which ops may redeem from. */
  async function activeLot() {
    const lot = await call('POST', '/v1/purchases', OPS, purchaseBy(newEmail('lot')));
    expect(lot.status).toBe(201);
    await expect
      .poll(async () => (await h.db('credit_lots').where({ id: lot.body.lotId }).first('state'))?.state, { timeout: 30_000 })
      .toBe('active');
    return lot.body.lotId as string;
  }
  const lotBalance = async (lotId: string) => (await call('GET', `/v1/lots/${lotId}`, OPS, undefined)).body.balance as number;

  it('ALL-4, CLC-6: a retried redemption, also after the API died mid-request, redeems once under one id', async () => {
    const lotId = await activeLot();
    const key = randomUUID();
    const ask = { lotId, kind: 'digital-learning', credits: 3, paysFor: 'Cisco U.' };
    const first = await call('POST', '/v1/redemptions', OPS, ask, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'approved', credits: 3 });
    const retry = await call('POST', '/v1/redemptions', OPS, ask, key);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('location')).toBe(`/v1/redemptions/${first.body.redemptionId}`);

    await crashAfterWork(key, 120);
    const recovered = await call('POST', '/v1/redemptions', OPS, ask, key);
    expect(recovered.status).toBe(201);
    expect(recovered.headers.get('idempotent-replayed')).toBeNull();
    expect(recovered.body).toEqual(first.body);
    expect(await count('redemptions', { id: first.body.redemptionId })).toBe(1);
    expect(await lotBalance(lotId)).toBe(7);
    // Without a key each request is a new redemption: the header is what makes a retry safe.
    expect((await call('POST', '/v1/redemptions', OPS, ask)).body.redemptionId).not.toBe(first.body.redemptionId);
    expect(await lotBalance(lotId)).toBe(4);
  });

  it('ALL-4, LCI-1: a retried engagement, also after the API died mid-request, is one engagement and one workflow', async () => {
    const key = randomUUID();
    const ask = { customerId: uniqueId('CUST'), useCaseId: 'security-mfa' };
    const first = await call('POST', '/v1/engagements', P1, ask, key);
    expect(first.status).toBe(201);
    expect((await call('POST', '/v1/engagements', P1, ask, key)).body).toEqual(first.body);
    await crashAfterWork(key, 120);
    const recovered = await call('POST', '/v1/engagements', P1, ask, key);
    expect(recovered.status).toBe(201);
    expect(recovered.body).toEqual(first.body);
    await expect.poll(() => count('engagements', { customer_id: ask.customerId }), { timeout: 15_000 }).toBe(1);
    const runsOf = async (workflowId: string) => {
      let n = 0;
      for await (const _run of h.env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) n++;
      return n;
    };
    await expect.poll(() => runsOf(first.body.workflowId), { timeout: 15_000 }).toBe(1);
  });

  it('ALL-4, CLC-4: a retried extension request, also after the API died mid-request, is the one request of its lot', async () => {
    // Invoiced 320 days ago: the lot expires in 45 days, inside the request window.
    const lot = await call('POST', '/v1/purchases', OPS, {
      ...purchaseBy(newEmail('ext')),
      invoiceDate: addDays(today, -320),
    });
    const key = randomUUID();
    const path = `/v1/lots/${lot.body.lotId}/extension-requests`;
    const plan = { usagePlan: 'Two CCNP courses for the network team' };
    const first = await call('POST', path, OPS, plan, key);
    expect(first.status).toBe(201);
    await crashAfterWork(key, 120);
    const recovered = await call('POST', path, OPS, plan, key);
    expect(recovered.status).toBe(201);
    expect(recovered.body).toEqual(first.body);
    expect((await call('POST', path, OPS, plan)).status).toBe(409); // a new request (no key) is the refused second one
    expect(await count('extension_requests', { lot_id: lot.body.lotId })).toBe(1);
  });

  it("ALL-4: another caller's same key and body is its own request, never the first caller's answer", async () => {
    const key = randomUUID();
    const email = newEmail('two');
    const byAm = await call('POST', '/v1/purchases', AM, purchaseBy(email), key);
    const byOps = await call('POST', '/v1/purchases', OPS, purchaseBy(email), key);
    expect([byAm.status, byOps.status]).toEqual([201, 201]);
    expect(byOps.headers.get('idempotent-replayed')).toBeNull();
    expect(byOps.body.lotId).not.toBe(byAm.body.lotId);
    expect(await count('credit_lots', { owner_email: email })).toBe(2);

    const p1 = await call('POST', '/v1/engagements', P1, { customerId: uniqueId('CUST'), useCaseId: 'security-mfa' }, key);
    const p2 = await call('POST', '/v1/engagements', P2, { customerId: uniqueId('CUST'), useCaseId: 'security-mfa' }, key);
    expect([p1.status, p2.status]).toEqual([201, 201]);
    expect(p2.body.engagementId).not.toBe(p1.body.engagementId);
  });

  it('ALL-4: a key is kept 24 hours; expired keys are deleted as later requests are stored', async () => {
    const email = newEmail('kept');
    const key = randomUUID();
    const first = await call('POST', '/v1/purchases', AM, purchaseBy(email), key);
    await h
      .db('idempotency_keys')
      .where({ key })
      .update({ created_at: ago('23 hours 50 minutes') });
    const late = await call('POST', '/v1/purchases', AM, purchaseBy(email), key);
    expect(late.headers.get('idempotent-replayed')).toBe('true');
    expect(late.body).toEqual(first.body);

    const stale = { caller: 'ops:someone', key: randomUUID(), fingerprint: 'x', state: 'complete', attempt: randomUUID() };
    await h.db('idempotency_keys').insert({ ...stale, status: 201, body: '{}', created_at: ago('24 hours 1 minute') });
    expect((await call('POST', '/v1/purchases', AM, purchaseBy(email), randomUUID())).status).toBe(201);
    expect(await count('idempotency_keys', { key: stale.key })).toBe(0);
    expect(await count('idempotency_keys', { key })).toBe(1);
  });

  it('ALL-4: /openapi.json declares the Idempotency-Key header on each idempotent operation, not on natural-key ones', async () => {
    const doc = (await (await fetch(`${h.api.base}/openapi.json`)).json()) as any;
    const takesKey = (path: string) =>
      (doc.paths[path].post.parameters ?? []).some((p: any) => p.in === 'header' && p.name === 'Idempotency-Key');
    for (const path of ['/v1/purchases', '/v1/redemptions', '/v1/engagements', '/v1/lots/{id}/extension-requests', '/v1/partners'])
      expect(takesKey(path), path).toBe(true);
    for (const path of ['/v1/nominations', '/v1/telemetry', '/v1/redemptions/{id}/decision', '/v1/extension-requests/{id}/decision'])
      expect(takesKey(path), path).toBe(false);
    expect(Object.keys(doc.paths['/v1/purchases'].post.responses)).toEqual(expect.arrayContaining(['201', '409', '422']));
  });
});
