import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../domain/calendar';
import { monthlyStatements } from '../../workflows/creditsSchedules';
import { lotRecordedUpdate } from '../../workflows/creditsDefinitions';
import { decideRedemption, requestRedemption, startPurchasedLot } from '../helpers/credits';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';
import { uniqueId } from '../helpers/temporal';

// CLC-8: a month's statement is the ledger of that month, line by line, stored and emailed once.
describe('monthly statements', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness();
  });
  afterAll(async () => h?.close());

  it('CLC-8: the statement lists every ledger entry of the month with opening and closing balances', async () => {
    const month = addMonths(`${(await h.today()).slice(0, 7)}-01`, 1).slice(0, 7);
    await h.skipTo(`${month}-02`);
    const ownerEmail = `${uniqueId('owner')}@example.com`;
    const { lot } = await startPurchasedLot(h.env, h.taskQueue, { credits: 100, invoiceDate: `${month}-02`, ownerEmail });
    await h.skipTo(`${month}-08`);
    await requestRedemption(h.desk, { accountId: null, lotId: lot.id, kind: 'digital-learning', credits: 10, autoApprove: true });
    await h.skipTo(`${month}-09`);
    const pending = await requestRedemption(h.desk, {
      accountId: null,
      lotId: lot.id,
      kind: 'event',
      credits: 25,
      startsOn: addDays(`${month}-09`, 200),
      autoApprove: false,
    });
    await h.skipTo(`${month}-10`);
    await decideRedemption(h.desk, pending.redemptionId, true);

    // The schedule's run on the first of the next month reports on last month.
    await h.skipTo(addMonths(`${month}-01`, 1));
    const result = await h.env.client.workflow.execute(monthlyStatements, {
      workflowId: uniqueId('statements'),
      taskQueue: h.taskQueue,
      args: [],
    });
    expect(result.month).toBe(month);

    const ledger = await h
      .db('ledger_entries')
      .where({ lot_id: lot.id })
      .orderBy(['occurred_on', 'id'])
      .select('occurred_on as on', 'kind', 'credits', 'reason');
    const statement = await h.db('statements').where({ owner_email: ownerEmail, month }).first();
    expect(statement.opening_balance).toBe(0);
    expect(statement.closing_balance).toBe(65);
    expect(statement.lines).toEqual(ledger.map((e) => ({ on: e.on, lotId: lot.id, kind: e.kind, credits: e.credits, reason: e.reason })));
    expect(statement.lines.map((l: { on: string; kind: string; credits: number }) => `${l.on.slice(8)} ${l.kind} ${l.credits}`)).toEqual([
      '02 purchase 100',
      '08 redemption -10',
      '09 hold -25',
      '10 release 25',
      '10 redemption -25',
    ]);
    const mail = await h.smtp.waitFor((m) => m.to.includes(ownerEmail) && m.subject.includes(`statement for ${month}`));
    expect(mail.text).toContain('Closing balance: 65');

    // A re-run sends nothing twice.
    await h.env.client.workflow.execute(monthlyStatements, { workflowId: uniqueId('statements'), taskQueue: h.taskQueue, args: [month] });
    await new Promise((r) => setTimeout(r, 300));
    expect(h.smtp.received.filter((m) => m.to.includes(ownerEmail) && m.subject.includes('statement'))).toHaveLength(1);
  });
});

// CLC-8 (amended): an entry recorded after its month's statement was made (here a purchase invoiced in
// September but entered in October) is on the next statement, as a late entry with its own date, so
// October opens with September's closing balance. Dates written out: the clock starts on 2031-08-31.
describe('monthly statements: late entries', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2031-08-31' });
  });
  afterAll(async () => h?.close());

  const runMonth = () =>
    h.steadyClient.workflow.execute(monthlyStatements, { workflowId: uniqueId('statements'), taskQueue: h.taskQueue, args: [] });
  const statementOf = (ownerEmail: string, month: string) =>
    h.db('statements').where({ owner_email: ownerEmail, month }).first('opening_balance', 'closing_balance', 'lines');

  it('CLC-8: a purchase recorded after its month was stated appears on the next statement, dated its own day, marked late', async () => {
    const ownerEmail = 'late.buyer@example.com';
    await h.skipTo('2031-09-02');
    const first = await startPurchasedLot(h.env, h.taskQueue, { credits: 100, invoiceDate: '2031-09-02', ownerEmail, lotId: 'LP-SEP' });
    await first.handle.executeUpdate(lotRecordedUpdate);

    await h.skipTo('2031-10-01', '02:00:00');
    expect(await runMonth()).toMatchObject({ month: '2031-09', statements: 1, sent: 1 });
    expect(await statementOf(ownerEmail, '2031-09')).toEqual({
      opening_balance: 0,
      closing_balance: 100,
      lines: [{ on: '2031-09-02', lotId: 'LP-SEP', kind: 'purchase', credits: 100, reason: 'purchase invoiced 2031-09-02' }],
    });

    // Entered on 5 October, invoiced 20 September: its ledger entry is dated 2031-09-20, after September's statement.
    await h.skipTo('2031-10-05');
    const late = await startPurchasedLot(h.env, h.taskQueue, { credits: 40, invoiceDate: '2031-09-20', ownerEmail, lotId: 'LP-LATE' });
    await late.handle.executeUpdate(lotRecordedUpdate);
    await h.skipTo('2031-10-08');
    await requestRedemption(h.desk, { accountId: null, lotId: 'LP-SEP', kind: 'digital-learning', credits: 10, autoApprove: true });

    await h.skipTo('2031-11-01', '02:00:00');
    expect(await runMonth()).toMatchObject({ month: '2031-10', statements: 1, sent: 1 });
    expect(await statementOf(ownerEmail, '2031-10')).toEqual({
      opening_balance: 100,
      closing_balance: 130,
      lines: [
        { on: '2031-09-20', lotId: 'LP-LATE', kind: 'purchase', credits: 40, reason: 'purchase invoiced 2031-09-20', late: true },
        {
          on: '2031-10-08',
          lotId: 'LP-SEP',
          kind: 'redemption',
          credits: -10,
          reason: expect.stringMatching(/^digital-learning request /),
        },
      ],
    });
    // September's statement is as it was sent.
    expect((await statementOf(ownerEmail, '2031-09'))?.closing_balance).toBe(100);

    // What the owner received, in order: each lot's activation, and one statement a month.
    await h.smtp.waitFor((m) => m.to.includes(ownerEmail) && m.subject.includes('statement for 2031-10'));
    expect(h.smtp.received.filter((m) => m.to.includes(ownerEmail)).map((m) => m.subject)).toEqual([
      '100 Cisco Learning Credits are active (lot LP-SEP)',
      'Your Cisco Learning Credits statement for 2031-09',
      '40 Cisco Learning Credits are active (lot LP-LATE)',
      'Your Cisco Learning Credits statement for 2031-10',
    ]);
    const october = h.smtp.received.find((m) => m.subject === 'Your Cisco Learning Credits statement for 2031-10')!;
    expect(october.text).toContain('Opening balance: 100');
    expect(october.text).toContain('2031-09-20  LP-LATE  purchase        40  purchase invoiced 2031-09-20 (recorded late)');
    expect(october.text).toContain('Closing balance: 130');
  });
});
