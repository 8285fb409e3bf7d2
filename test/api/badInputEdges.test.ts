import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, priorFiscalYears } from '../../domain/calendar';
import { apiHarness, type ApiHarness } from '../helpers/apiHarness';
import { fingerprint, settled } from '../helpers/fingerprint';
import { groupNominationFor } from '../helpers/loyalty';
import { uniqueId } from '../helpers/temporal';

// Issue 24, findings 2 and 5: values at the edges of the API's validation vocabulary (api/schemas/common.ts)
// are 400s naming each bad field, and nothing is written; the values just inside are accepted.

const AM = 'tok-account-manager';
const OPS = 'tok-ops-0000';
const TELEMETRY = 'tok-telemetry-0';

let h: ApiHarness;
type Answer = Awaited<ReturnType<ApiHarness['api']['call']>>;
const fieldsOf = (res: Answer) => (res.body.errors ?? []).map((e: { field: string }) => e.field).sort();

/** The call is refused with 400 naming exactly `fields`, and no row of any table changed. */
async function refusedAt(fields: string[], call: () => Promise<Answer>) {
  await settled(h.db); // what an earlier accepted request started has written its rows
  const before = await fingerprint(h.db);
  const res = await call();
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(fieldsOf(res)).toEqual([...fields].sort());
  // A workflow started anyway would write its rows within moments: look again after them.
  await sleep(1500);
  expect(await fingerprint(h.db)).toEqual(before);
}

async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new Error(`waited in vain for ${what}`);
}

describe('issue 24: the edges of the validation vocabulary', () => {
  const today = new Date().toISOString().slice(0, 10); // the suite's start: every date derives from it
  const invoiceDate = addDays(today, -10);
  let lotId: string;
  const purchase = (body: Record<string, unknown>) =>
    h.api.call('POST', '/v1/purchases', {
      token: AM,
      body: {
        owner: { name: 'Pat Buyer', email: 'pat@buyer.example' },
        country: 'US',
        invoiceDate,
        packages: [{ size: 100, quantity: 1 }],
        ...body,
      },
    });

  beforeAll(async () => {
    h = await apiHarness();
    const bought = await purchase({});
    expect(bought.status).toBe(201);
    lotId = bought.body.lotId;
    await until('the lot active', async () => {
      const lot = await h.api.call('GET', `/v1/lots/${lotId}`, { token: OPS });
      return lot.status === 200 && lot.body.state === 'active' ? true : undefined;
    });
  }, 120_000);
  afterAll(async () => h?.close());

  const redeem = (body: Record<string, unknown>) =>
    h.api.call('POST', '/v1/redemptions', {
      token: OPS,
      body: { lotId, kind: 'digital-learning', credits: 1, paysFor: 'Webex course', ...body },
    });

  it('issue 24 finding 5: a NUL in a JSON object key (redemption details) is a 400 naming the key', async () => {
    await refusedAt(['details.note\\u0000'], () => redeem({ details: { 'note\u0000': 'x' } }));
  });

  it('issue 24 finding 5: lone UTF-16 surrogates in details and in a plain field are 400s naming each', async () => {
    await refusedAt(['details.note', 'paysFor', 'details.\\udc00'], () =>
      redeem({ paysFor: 'Webex \udfff', details: { note: 'Mallory \ud800', '\udc00': 1 } }),
    );
    // A surrogate pair is a character (😀), not a flaw.
    const accepted = await redeem({ paysFor: 'Webex 😀', details: { note: 'Mallory 😀' } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
  });

  it('issue 24 finding 5: telemetry measuredAt outside 2000-01-01 … 2099-12-31 (year 0000, 0050, 9999) is a 400 naming each', async () => {
    const reading = (i: number, measuredAt: string) => ({
      readingId: uniqueId('RD'),
      customerId: 'C-EDGE',
      metric: `m${i}`,
      value: 1,
      measuredAt,
    });
    const instants = [
      '0000-01-01T00:00:00Z',
      '0050-06-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '2100-01-01T00:00:00Z',
      '1999-12-31T23:59:59Z',
    ];
    await refusedAt(
      instants.map((_, i) => `readings.${i}.measuredAt`),
      () => h.api.call('POST', '/v1/telemetry', { token: TELEMETRY, body: { readings: instants.map((t, i) => reading(i, t)) } }),
    );
    const inside = await h.api.call('POST', '/v1/telemetry', {
      token: TELEMETRY,
      body: { readings: [reading(0, '2000-01-01T00:00:00Z'), reading(1, '2099-12-31T23:59:59Z')] },
    });
    expect(inside.status, JSON.stringify(inside.body)).toBe(202);
  });

  it('issue 24 finding 5: report filter dates in year 0000 or past 2099 are 400s naming each', async () => {
    await refusedAt(['from', 'to'], () => h.api.call('GET', '/v1/reports/redemptions?from=0000-01-01&to=9999-12-31', { token: OPS }));
    expect((await h.api.call('GET', `/v1/reports/redemptions?from=2000-01-01&to=${today}`, { token: OPS })).status).toBe(200);
  });

  it('issue 24 finding 5: %00 in audit filters is a 400 naming each filter', async () => {
    await refusedAt(['actor', 'entityId'], () => h.api.call('GET', '/v1/audit?entityId=ACME%00&actor=%00ops', { token: OPS }));
  });

  it('issue 24 finding 2: an invoice date in year 0000, 0001–0099 or 9999 is a 400 naming it, no lot or workflow', async () => {
    for (const date of ['0000-01-01', '0001-01-01', '0099-12-31', '1999-12-31', '2100-01-01', '9999-12-31'])
      await refusedAt(['invoiceDate'], () => purchase({ invoiceDate: date }));
  });

  it('issue 24 finding 2: a bookings amount at 1e14 (numeric(16,2)) or with a third decimal is a 400 naming it; just under is kept', async () => {
    const group = uniqueId('EDGE');
    const nomination = groupNominationFor(today, group, [['1', 1_000_000]]);
    const [fyA, fyB] = priorFiscalYears(today);
    const withBookings = (directUsd: number, indirectUsd: number) => ({
      ...nomination,
      companies: [
        { ...nomination.companies[0]!, bookings: nomination.companies[0]!.bookings.map((b) => ({ ...b, directUsd, indirectUsd })) },
      ],
    });
    await refusedAt(['companies.0.bookings.0.directUsd', 'companies.0.bookings.1.directUsd', 'companies.0.bookings.2.directUsd'], () =>
      h.api.call('POST', '/v1/nominations', { token: AM, body: withBookings(1e14, 0) }),
    );
    await refusedAt(
      ['companies.0.bookings.0.indirectUsd', 'companies.0.bookings.1.indirectUsd', 'companies.0.bookings.2.indirectUsd'],
      () => h.api.call('POST', '/v1/nominations', { token: AM, body: withBookings(1, 1.005) }),
    );
    const kept = await h.api.call('POST', '/v1/nominations', { token: AM, body: withBookings(99_999_999_999_999.98, 0.5) });
    expect(kept.status, JSON.stringify(kept.body)).toBe(201);
    const rows = await until('the bookings rows', async () => {
      const found = await h.db('bookings').where({ account_id: kept.body.accountId }).orderBy('fiscal_year');
      return found.length === 3 ? found : undefined;
    });
    expect(rows.slice(0, 2).map((r) => [r.fiscal_year, r.direct_usd, r.indirect_usd])).toEqual([
      [fyA, '99999999999999.98', '0.50'],
      [fyB, '99999999999999.98', '0.50'],
    ]);
  });

  it('issue 24 finding 1: an email with a 65-character local part is a 400 naming it (SMTP refuses it for good); 64 is accepted', async () => {
    const address = (local: number) => `${'a'.repeat(local)}@buyer.example`;
    await refusedAt(['owner.email'], () => purchase({ owner: { name: 'Pat Buyer', email: address(65) } }));
    await refusedAt(['owner.email'], () => purchase({ owner: { name: 'Pat Buyer', email: `pat@${'d'.repeat(250)}.example` } }));
    const accepted = await purchase({ owner: { name: 'Pat Buyer', email: address(64) } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
  });
});
