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
  /** What a crash after the work but before the answer was stored leaves behind: the key held by a dead attempt. */
  const crashAfterWork = (key: string, lockedSecondsAgo: number) =>
    h
      .db('idempotency_keys')
      .where({ key })
      .update({
        state: 'in-progress',
        status: null,
        body: null,
        location: null,
        locked_at: h.db.raw('now() - ?::interval', [`${lockedSecondsAgo} seconds`]),
      });

  it('ALL-4: a retried purchase with the same key returns the same lot; one lot, one ledger entry, one email', async () => {
    const email = `${uniqueId('buyer')}@idem.example`.toLowerCase();
    const key = randomUUID();
    const first = await call('POST', '/v1/purchases', AM, purchaseBy(email), key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const retry = await call('POST', '/v1/purchases', AM, purchaseBy(email), `"${key}"`); // the draft's quoted form
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
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
    const email = `${uniqueId('crash')}@idem.example`.toLowerCase();
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
    const email = `${uniqueId('diff')}@idem.example`.toLowerCase();
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
  });

  it('ALL-4: concurrent duplicate purchases have one effect: one lot, and every answer names it or says "in progress"', async () => {
    const email = `${uniqueId('burst')}@idem.example`.toLowerCase();
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
});
