import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, addYears } from '../../domain/calendar';
import { monthlyStatements } from '../../workflows/creditsSchedules';
import { extendedExpiry } from '../../domain/credits';
import { apiHarness, startApi, type ApiHarness } from '../helpers/apiHarness';
import { nominationFor } from '../helpers/loyalty';
import { PUBLIC_URL, uniqueId } from '../helpers/temporal';
import {
  ensureExamVoucherSchedule,
  ensureRedemptionHoldSchedule,
  EXAM_VOUCHERS_SCHEDULE_ID,
  ensureStatementSchedule,
  REDEMPTION_HOLDS_SCHEDULE_ID,
  STATEMENTS_SCHEDULE_ID,
} from '../../worker/schedules';

const AM = 'tok-account-manager';
const OPS = 'tok-ops-0000';
const CAPTAIN = 'tok-captain-dlee';
const OTHER = 'tok-captain-other';

// The Learning Credit API on the dev server with a real worker, Postgres and SMTP.
describe('API: Learning Credits', () => {
  let h: ApiHarness;
  const today = new Date().toISOString().slice(0, 10);
  let accountId: string;

  beforeAll(async () => {
    h = await apiHarness();
    accountId = uniqueId('CRED');
    expect((await h.api.call('POST', '/v1/nominations', { token: AM, body: nominationFor(today, { group: accountId }) })).status).toBe(201);
    expect(
      (await h.api.call('POST', `/v1/accounts/${accountId}/terms-acceptance`, { token: CAPTAIN, body: { version: 'T1' } })).status,
    ).toBe(200);
  });
  afterAll(async () => h?.close());

  const purchase = (body: Record<string, unknown>, token = AM) =>
    h.api.call('POST', '/v1/purchases', {
      token,
      body: { country: 'US', invoiceDate: addDays(today, -10), packages: [{ size: 100, quantity: 1 }], ...body },
    });
  const balance = async () => (await h.api.call('GET', `/v1/accounts/${accountId}/balance`, { token: OPS })).body.balance as number;

  it('CLC-1, ALL-3: a purchase needs sold packages, a cleared country and a buyer; bad input is 4xx and nothing is written', async () => {
    const before = Number((await h.db('credit_lots').count({ n: '*' }))[0]!.n);
    const malformed = await purchase({ invoiceDate: '2027-02-30', packages: [] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['invoiceDate', 'owner', 'packages']);
    const rules = await purchase({ owner: { name: 'B', email: 'b@x.example' }, country: 'ZZ', packages: [{ size: 50, quantity: 1 }] });
    expect(rules.status).toBe(422);
    expect(rules.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['country', 'packages.0.size']);
    expect((await purchase({ owner: { name: 'B', email: 'b@x.example' } }, CAPTAIN)).status).toBe(403);
    expect(Number((await h.db('credit_lots').count({ n: '*' }))[0]!.n)).toBe(before);
  });

  it('CLC-1, CLC-2: a purchase of several packages becomes one lot with its ledger entry, expiring a year after invoice', async () => {
    const invoiceDate = addDays(today, -10);
    const res = await purchase({
      accountId,
      invoiceDate,
      packages: [
        { size: 100, quantity: 2 },
        { size: 10, quantity: 5 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ credits: 250, activatesOn: addDays(invoiceDate, 5), expiresOn: addYears(invoiceDate, 1) });
    const lot = await h.api.call('GET', `/v1/lots/${res.body.lotId}`, { token: CAPTAIN });
    expect(lot.status).toBe(200);
    expect(lot.body).toMatchObject({ balance: 250, lot: { source: 'purchase', accountId } });
    expect((await h.api.call('GET', `/v1/lots/${res.body.lotId}`, { token: OTHER })).status).toBe(404);
    await expect.poll(balance, { timeout: 15_000 }).toBe(250);
  });

  it('CLC-1: purchases and redemptions check the Learning Credits own list of cleared countries, not the loyalty list', async () => {
    // Loyalty runs in US and DE; Learning Credits are cleared in DE only. The account's company is in the US.
    const api = await startApi({
      temporal: h.env.client,
      db: h.db,
      taskQueue: h.taskQueue,
      config: { programCountries: ['US', 'DE'], clcCountries: ['DE'] },
    });
    try {
      const buy = (body: Record<string, unknown>) =>
        api.call('POST', '/v1/purchases', {
          token: AM,
          body: { invoiceDate: addDays(today, -10), packages: [{ size: 10, quantity: 1 }], ...body },
        });
      const us = await buy({ owner: { name: 'B', email: 'b@x.example' }, country: 'US' });
      expect(us.status).toBe(422);
      expect(us.body.errors).toEqual([{ field: 'country', message: 'US is not cleared for Cisco Learning Credits' }]);
      const de = await buy({ owner: { name: 'B', email: 'b@x.example' }, country: 'DE' });
      expect(de.status).toBe(201);
      const byLot = await api.call('POST', '/v1/redemptions', {
        token: OPS,
        body: { lotId: de.body.lotId, kind: 'digital-learning', credits: 1, paysFor: 'Cisco U.' },
      });
      expect(byLot.status).toBe(201);

      // The account's lot, bought while the US was cleared (through the other app): its redemptions are refused now.
      const { body: usLot } = await purchase({ accountId, packages: [{ size: 1, quantity: 1 }] });
      const fromAccount = await api.call('POST', '/v1/redemptions', {
        token: CAPTAIN,
        body: { accountId, kind: 'digital-learning', credits: 1, paysFor: 'Cisco U.' },
      });
      expect(fromAccount.status).toBe(422);
      expect(fromAccount.body.errors).toEqual([{ field: 'accountId', message: 'US is not cleared for Cisco Learning Credits' }]);
      const fromLot = await api.call('POST', '/v1/redemptions', {
        token: CAPTAIN,
        body: { lotId: usLot.lotId, kind: 'digital-learning', credits: 1, paysFor: 'Cisco U.' },
      });
      expect(fromLot.status).toBe(422);
      expect(fromLot.body.errors).toEqual([{ field: 'lotId', message: 'US is not cleared for Cisco Learning Credits' }]);
    } finally {
      await api.close();
    }
  });

  it('CLC-6, ALL-3: a redemption waits for the own Team Captain; the credits are held meanwhile', async () => {
    const start = await balance();
    const res = await h.api.call('POST', '/v1/redemptions', {
      token: CAPTAIN,
      body: { accountId, kind: 'digital-learning', credits: 30, paysFor: 'Cisco U.' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', credits: 30 });
    expect(await balance()).toBe(start - 30);
    const id = res.body.redemptionId;
    expect((await h.api.call('POST', `/v1/redemptions/${id}/decision`, { token: OTHER, body: { approve: true } })).status).toBe(404);
    expect((await h.api.call('POST', `/v1/redemptions/${id}/decision`, { token: OPS, body: { approve: true } })).status).toBe(403);
    const decided = await h.api.call('POST', `/v1/redemptions/${id}/decision`, { token: CAPTAIN, body: { approve: true } });
    expect(decided.status).toBe(200);
    expect(decided.body.status).toBe('approved');
    expect((await h.api.call('POST', `/v1/redemptions/${id}/decision`, { token: CAPTAIN, body: { approve: false } })).status).toBe(409);
    expect(await balance()).toBe(start - 30);
  });

  it('CLC-6: with auto-approval on, a request is redeemed at once; a request beyond the balance is 422', async () => {
    expect((await h.api.call('PUT', `/v1/accounts/${accountId}/auto-approval`, { token: OTHER, body: { enabled: true } })).status).toBe(
      404,
    );
    const on = await h.api.call('PUT', `/v1/accounts/${accountId}/auto-approval`, { token: CAPTAIN, body: { enabled: true } });
    expect(on.body).toEqual({ accountId, autoApproval: true });
    const start = await balance();
    const res = await h.api.call('POST', '/v1/redemptions', {
      token: CAPTAIN,
      body: { accountId, kind: 'digital-learning', credits: 20, paysFor: 'Cisco U.' },
    });
    expect(res.body.status).toBe('approved');
    expect(await balance()).toBe(start - 20);
    const tooMuch = await h.api.call('POST', '/v1/redemptions', {
      token: CAPTAIN,
      body: { accountId, kind: 'digital-learning', credits: 100_000, paysFor: 'Cisco U.' },
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.errors[0]).toEqual({
      field: 'credits',
      message: `only ${start - 20} credits are available for this request, 100000 asked`,
    });
    expect(await balance()).toBe(start - 20);
  });

  it('CLC-5: a redemption names what it pays for, training and exams their learner; vouchers and training records are read back', async () => {
    const unnamed = await h.api.call('POST', '/v1/redemptions', {
      token: CAPTAIN,
      body: { accountId, kind: 'training', credits: 2, startsOn: addDays(today, 20) },
    });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['learner', 'paysFor']);
    const learner = { name: 'Kim Osei', email: `${uniqueId('kim').toLowerCase()}@learners.example` };
    const training = await h.api.call('POST', '/v1/redemptions', {
      token: CAPTAIN,
      body: { accountId, kind: 'training', credits: 2, startsOn: addDays(today, 20), paysFor: 'CCNA course', learner },
    });
    expect(training.status).toBe(201);
    // Auto-approval is on (the test before): the voucher is issued with the answer.
    const exam = await h.api.call('POST', '/v1/redemptions', {
      token: CAPTAIN,
      body: { accountId, kind: 'exam-voucher', credits: 3, paysFor: 'CCNA 200-301', learner },
    });
    expect(exam.status).toBe(201);
    expect(exam.body).toMatchObject({ status: 'approved', voucherId: `EV-${exam.body.redemptionId}` });

    const voucher = await h.api.call('GET', `/v1/vouchers/${exam.body.voucherId}`, { token: CAPTAIN });
    expect(voucher.status).toBe(200);
    expect(voucher.body).toMatchObject({
      voucherId: exam.body.voucherId,
      redemptionId: exam.body.redemptionId,
      accountId,
      exam: 'CCNA 200-301',
      holder: learner,
      credits: 3,
      state: 'issued',
    });
    expect((await h.api.call('GET', `/v1/vouchers/${exam.body.voucherId}`, { token: OTHER })).status).toBe(404);
    expect((await h.api.call('GET', '/v1/vouchers/EV-none', { token: OPS })).status).toBe(404);

    const records = await h.api.call('GET', `/v1/reports/training-records?learnerEmail=${encodeURIComponent(learner.email)}`, {
      token: OPS,
    });
    expect(records.status).toBe(200);
    expect(
      records.body.trainingRecords.map((r: Record<string, unknown>) => [
        r.learnerName,
        r.kind,
        r.paysFor,
        r.credits,
        r.status,
        r.voucherId,
      ]),
    ).toEqual([
      ['Kim Osei', 'training', 'CCNA course', 2, 'approved', null],
      ['Kim Osei', 'exam-voucher', 'CCNA 200-301', 3, 'approved', exam.body.voucherId],
    ]);
    const csv = await fetch(`${h.api.base}/v1/reports/training-records?format=csv&learnerEmail=${encodeURIComponent(learner.email)}`, {
      headers: { authorization: `Bearer ${AM}` },
    });
    expect(csv.status).toBe(200);
    const [header, ...rows] = (await csv.text()).trim().split('\n');
    expect(header).toBe(
      'redemptionId,learnerName,learnerEmail,accountId,kind,paysFor,credits,status,requestedOn,startsOn,voucherId,voucherExpiresOn,voucherState',
    );
    expect(rows).toHaveLength(2);
  });

  it('CLC-5, CLC-4: near expiry, exam vouchers are refused with the date; one extension may be asked and approved', async () => {
    const invoiceDate = addDays(addYears(today, -1), 3); // expires in 3 days
    const { body } = await purchase({ accountId, invoiceDate, packages: [{ size: 10, quantity: 1 }] });
    const expiry = addYears(invoiceDate, 1);
    const exam = await h.api.call('POST', '/v1/redemptions', {
      token: CAPTAIN,
      body: {
        lotId: body.lotId,
        kind: 'exam-voucher',
        credits: 1,
        paysFor: 'CCNA 200-301',
        learner: { name: 'Kim Osei', email: 'kim@learners.example' },
      },
    });
    expect(exam.status).toBe(422);
    expect(exam.body.errors.map((e: { message: string }) => e.message)).toContain(
      `exam vouchers must be ordered by ${addDays(expiry, -5)}`,
    );

    const bad = await h.api.call('POST', `/v1/lots/${body.lotId}/extension-requests`, { token: CAPTAIN, body: { usagePlan: 'x' } });
    expect(bad.status).toBe(400);
    const asked = await h.api.call('POST', `/v1/lots/${body.lotId}/extension-requests`, {
      token: CAPTAIN,
      body: { usagePlan: 'Two CCNP courses in the spring' },
    });
    expect(asked.status).toBe(201);
    expect(
      (
        await h.api.call('POST', `/v1/lots/${body.lotId}/extension-requests`, {
          token: CAPTAIN,
          body: { usagePlan: 'Two CCNP courses in the spring' },
        })
      ).status,
    ).toBe(409);
    expect(
      (await h.api.call('POST', `/v1/extension-requests/${asked.body.requestId}/decision`, { token: CAPTAIN, body: { approve: true } }))
        .status,
    ).toBe(403);
    const approved = await h.api.call('POST', `/v1/extension-requests/${asked.body.requestId}/decision`, {
      token: OPS,
      body: { approve: true },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.lot).toMatchObject({ state: 'active', expiresOn: extendedExpiry(expiry) });
  });

  it('CLC-4: ops sees the open extension requests in a list; a decided one leaves it', async () => {
    const invoiceDate = addDays(addYears(today, -1), 20);
    const { body } = await purchase({ accountId, invoiceDate, packages: [{ size: 1, quantity: 1 }] });
    const asked = await h.api.call('POST', `/v1/lots/${body.lotId}/extension-requests`, {
      token: CAPTAIN,
      body: { usagePlan: 'One exam voucher in March' },
    });
    const open = await h.api.call('GET', '/v1/extension-requests?status=pending', { token: OPS });
    expect(open.status).toBe(200);
    expect(open.body.extensionRequests).toContainEqual({
      requestId: asked.body.requestId,
      lotId: body.lotId,
      accountId,
      usagePlan: 'One exam voucher in March',
      requestedBy: 'team-captain:dlee',
      requestedOn: today,
      expiresOn: addYears(invoiceDate, 1),
      status: 'pending',
    });
    expect((await h.api.call('GET', '/v1/extension-requests?status=pending', { token: CAPTAIN })).status).toBe(403);
    await h.api.call('POST', `/v1/extension-requests/${asked.body.requestId}/decision`, { token: OPS, body: { approve: false } });
    const after = await h.api.call('GET', '/v1/extension-requests?status=pending', { token: OPS });
    expect(after.body.extensionRequests.map((r: { requestId: string }) => r.requestId)).not.toContain(asked.body.requestId);
  });

  it('CLC-8: the worker keeps one Temporal Schedule that runs the statements on the first of each month', async () => {
    await ensureStatementSchedule(h.env.client, h.taskQueue);
    await ensureStatementSchedule(h.env.client, h.taskQueue); // idempotent at every worker start
    const schedule = await h.env.client.schedule.getHandle(STATEMENTS_SCHEDULE_ID).describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'monthlyStatements', taskQueue: h.taskQueue });
    expect(schedule.spec.calendars).toEqual([
      expect.objectContaining({ dayOfMonth: [{ start: 1, end: 1, step: 1 }], hour: [{ start: 2, end: 2, step: 1 }] }),
    ]);
    const next = schedule.info.nextActionTimes[0]!;
    expect(next.getUTCDate()).toBe(1);
    expect(next.getUTCHours()).toBe(2);
  });

  it('CLC-6: the worker keeps one Temporal Schedule that releases the holds that run out, daily at 00:00 UTC', async () => {
    await ensureRedemptionHoldSchedule(h.env.client, h.taskQueue);
    await ensureRedemptionHoldSchedule(h.env.client, h.taskQueue); // idempotent at every worker start
    const schedule = await h.env.client.schedule.getHandle(REDEMPTION_HOLDS_SCHEDULE_ID).describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'redemptionHolds', taskQueue: h.taskQueue });
    const next = schedule.info.nextActionTimes;
    expect(next.length).toBeGreaterThanOrEqual(2);
    for (const t of next) expect([t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds()]).toEqual([0, 0, 0]);
    expect(next[1]!.getTime() - next[0]!.getTime()).toBe(24 * 3600 * 1000);
  });

  it('CLC-5: the worker keeps one Temporal Schedule that reminds and expires exam vouchers, daily at 00:00 UTC', async () => {
    await ensureExamVoucherSchedule(h.env.client, h.taskQueue);
    await ensureExamVoucherSchedule(h.env.client, h.taskQueue); // idempotent at every worker start
    const schedule = await h.env.client.schedule.getHandle(EXAM_VOUCHERS_SCHEDULE_ID).describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'examVouchers', taskQueue: h.taskQueue });
    const next = schedule.info.nextActionTimes;
    for (const t of next) expect([t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds()]).toEqual([0, 0, 0]);
    expect(next[1]!.getTime() - next[0]!.getTime()).toBe(24 * 3600 * 1000);
  });

  it('CLC-8: reports of balances, credits expiring soon and redemptions, as JSON and CSV', async () => {
    const balances = await h.api.call('GET', '/v1/reports/balances', { token: OPS });
    expect(balances.body.balances).toContainEqual({ accountId, balance: await balance() });
    const csv = await fetch(`${h.api.base}/v1/reports/balances?format=csv`, { headers: { authorization: `Bearer ${OPS}` } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('accountId,balance');
    expect(lines).toContain(`${accountId},${await balance()}`);
    const expiring = await h.api.call('GET', '/v1/reports/expiring?days=400', { token: AM });
    expect(expiring.body.expiring.every((l: { expiresOn: string }) => l.expiresOn <= addDays(today, 400))).toBe(true);
    expect(expiring.body.expiring.some((l: { accountId: string }) => l.accountId === accountId)).toBe(true);
    // Four approved today: the captain's approved request, the auto-approved one, and CLC-5's training and exam voucher.
    const redemptions = await h.api.call('GET', `/v1/reports/redemptions?from=${today}&to=${today}`, { token: OPS });
    expect(
      redemptions.body.redemptions
        .filter((r: { accountId: string }) => r.accountId === accountId)
        .map((r: { status: string }) => r.status)
        .sort(),
    ).toEqual(['approved', 'approved', 'approved', 'approved']);
    expect((await h.api.call('GET', '/v1/reports/redemptions?from=nope', { token: OPS })).status).toBe(400);
    expect((await h.api.call('GET', '/v1/reports/balances', { token: CAPTAIN })).status).toBe(403);
    expect((await h.api.call('GET', `/v1/accounts/${accountId}/statements/2020-01`, { token: CAPTAIN })).status).toBe(404);
  });

  it('CLC-8: a captain of two accounts gets one statement per account, each readable at its own account', async () => {
    const month = addMonths(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
    const captainEmail = `${uniqueId('twice')}@example.com`.toLowerCase();
    const accounts = [uniqueId('STA'), uniqueId('STB')];
    for (const [i, group] of accounts.entries()) {
      const n = nominationFor(today, { group });
      const nominated = await h.api.call('POST', '/v1/nominations', {
        token: AM,
        body: { ...n, teamCaptain: { ...n.teamCaptain, email: captainEmail } },
      });
      expect(nominated.status).toBe(201);
      await h.api.call('POST', `/v1/accounts/${group}/terms-acceptance`, { token: CAPTAIN, body: { version: 'T1' } });
      const bought = await purchase({ accountId: group, invoiceDate: `${month}-1${i}`, packages: [{ size: 10, quantity: i + 1 }] });
      expect(bought.status).toBe(201);
    }
    await h.env.client.workflow.execute(monthlyStatements, { workflowId: uniqueId('statements'), taskQueue: h.taskQueue, args: [month] });

    for (const [i, id] of accounts.entries()) {
      const res = await h.api.call('GET', `/v1/accounts/${id}/statements/${month}`, { token: CAPTAIN });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ownerEmail: captainEmail, month, accountId: id, openingBalance: 0, closingBalance: [10, 20][i] });
      expect(res.body.lines.map((l: { on: string; kind: string; credits: number }) => `${l.on} ${l.kind} ${l.credits}`)).toEqual([
        [`${month}-10 purchase 10`, `${month}-11 purchase 20`][i],
      ]);
    }
    await expect
      .poll(
        () =>
          h.smtp.received
            .filter((m) => m.to.includes(captainEmail) && m.subject.includes('statement'))
            .map((m) => m.subject)
            .sort(),
        { timeout: 15_000 },
      )
      .toEqual([
        `Your Cisco Learning Credits statement for ${month} (account ${accounts[0]})`,
        `Your Cisco Learning Credits statement for ${month} (account ${accounts[1]})`,
      ]);
  });

  it('ALL-5: the email of a waiting redemption opens that redemption, in plain text and in HTML', async () => {
    await h.api.call('PUT', `/v1/accounts/${accountId}/auto-approval`, { token: CAPTAIN, body: { enabled: false } });
    const res = await h.api.call('POST', '/v1/redemptions', {
      token: CAPTAIN,
      body: { accountId, kind: 'digital-learning', credits: 5, paysFor: 'Cisco U.' },
    });
    expect(res.status).toBe(201);
    const id = res.body.redemptionId as string;
    const mail = await h.smtp.waitFor((m) => m.subject.includes('waits for your approval') && m.text.includes(id), 30_000);
    const link = `${PUBLIC_URL}/app/redemptions/${id}`;
    expect(mail.text).toContain(`Approve or reject the request: ${link}\n`);
    expect(mail.html).toContain(`<a href="${link}">Approve or reject the request</a>`);
    expect((await h.api.call('POST', `/v1/redemptions/${id}/decision`, { token: CAPTAIN, body: { approve: false } })).status).toBe(200);
  });
});
