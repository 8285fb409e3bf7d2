import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../domain/calendar';
import { monthlyStatements } from '../../workflows/creditsSchedules';
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
