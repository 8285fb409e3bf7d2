import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IsoDate } from '../../domain/calendar';
import { monthlyStatements } from '../../workflows/creditsSchedules';
import { recordBookingsUpdate, stateQuery } from '../../workflows/loyaltyDefinitions';
import { creditLotWorkflowId, decideExtensionUpdate, lotStateQuery, requestExtensionUpdate } from '../../workflows/creditsDefinitions';
import { requestRedemption, startPurchasedLot } from '../helpers/credits';
import { uniqueId } from '../helpers/temporal';
import { lotLedger, timelineRecorder, type TimelineRow } from '../helpers/timeline';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

describe('a Learning Credit lot, its whole timeline', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2031-03-10' });
  });
  afterAll(async () => h?.close());

  it('CLC-2, CLC-3, CLC-4, CLC-8: a purchase through activation, reminders, redemptions, forfeit, extension after expiry and the final forfeit', async () => {
    const owner = 'tl-owner@buyer.example';
    const captain = 'tl-captain@buyer.example';
    await h.skipTo('2031-03-10');
    const { handle } = await startPurchasedLot(h.env, h.taskQueue, {
      credits: 110,
      invoiceDate: '2031-03-10',
      ownerEmail: owner,
      lotId: 'LT-1',
    });
    const t = timelineRecorder(h, {
      recipients: [owner, captain, 'ops@test.example'],
      ledger: lotLedger(h, 'LT-1'),
      state: async () => {
        const s = await handle.query(lotStateQuery);
        return [s.state, s.expiresOn, s.extension?.status ?? null];
      },
    });
    await t.look();
    const redeem = (credits: number) =>
      requestRedemption(h.desk, {
        accountId: null,
        lotId: 'LT-1',
        kind: 'digital-learning',
        credits,
        autoApprove: true,
        approverEmail: captain,
      });
    /** The monthly schedule's run on the day the walk is at: last month's statements. */
    const statements = () =>
      h.steadyClient.workflow.execute(monthlyStatements, { workflowId: uniqueId('statements'), taskQueue: h.taskQueue, args: [] });
    // The walk: each event's date, and the first of each month, when the schedule sends last month's statements.
    const steps: [IsoDate, (() => Promise<unknown>)?][] = [
      ['2031-03-15'],
      ['2031-04-01', statements],
      ['2031-05-01', statements],
      ['2031-06-01', statements],
      ['2031-06-02', () => redeem(30)],
      ['2031-07-01', statements],
      ['2031-08-01', statements],
      ['2031-09-01', statements],
      ['2031-10-01', statements],
      ['2031-11-01', statements],
      ['2031-12-01', statements],
      ['2031-12-11'],
      ['2032-01-01', statements],
      ['2032-02-01', statements],
      ['2032-02-09'],
      ['2032-02-20', () => redeem(20)],
      ['2032-03-01', statements],
      ['2032-03-03'],
      ['2032-03-10'],
      ['2032-04-01', statements],
      [
        '2032-04-20',
        () => handle.executeUpdate(requestExtensionUpdate, { args: [{ requestId: 'X-LT-1', usagePlan: 'CCNP boot camp', by: 'owner' }] }),
      ],
      ['2032-04-22', () => handle.executeUpdate(decideExtensionUpdate, { args: [{ requestId: 'X-LT-1', approve: true, by: 'ops:test' }] })],
      ['2032-05-01', statements],
      ['2032-06-01', statements],
      ['2032-06-12'],
      ['2032-07-01', statements],
      ['2032-08-01', statements],
      ['2032-08-11'],
      ['2032-09-01', statements],
      ['2032-09-03'],
      ['2032-09-10'],
      ['2032-10-01', statements],
      ['2032-11-01', statements],
      ['2032-11-09'],
      ['2032-12-01', statements],
      ['2033-01-10'],
    ];
    for (const [date, action] of steps) {
      await t.at(date);
      if (action) {
        await action();
        await t.look();
      }
    }
    // Written out by hand: the reminder dates count back from 2032-03-10 over 29 February 2032 (and from
    // the extended 2032-09-10); the extension, approved after expiry, brings the forfeited 60 back.
    const O = 'tl-owner@buyer.example';
    const statement = (on: IsoDate, month: string): TimelineRow => [
      on,
      'email',
      O,
      'statement',
      `Your Cisco Learning Credits statement for ${month}`,
    ];
    const expected: TimelineRow[] = [
      ['2031-03-10', 'state', 'pending', '2032-03-10', null],
      ['2031-03-10', 'ledger', 'purchase', 110],
      ['2031-03-15', 'state', 'active', '2032-03-10', null],
      ['2031-03-15', 'email', O, 'lot-active', '110 Cisco Learning Credits are active (lot LT-1)'],
      statement('2031-04-01', '2031-03'),
      statement('2031-05-01', '2031-04'),
      statement('2031-06-01', '2031-05'),
      ['2031-06-02', 'ledger', 'redemption', -30],
      statement('2031-07-01', '2031-06'),
      statement('2031-08-01', '2031-07'),
      statement('2031-09-01', '2031-08'),
      statement('2031-10-01', '2031-09'),
      statement('2031-11-01', '2031-10'),
      statement('2031-12-01', '2031-11'),
      ['2031-12-11', 'email', O, 'lot-reminder', '80 Learning Credits expire in 90 days (lot LT-1)'],
      statement('2032-01-01', '2031-12'),
      statement('2032-02-01', '2032-01'),
      ['2032-02-09', 'email', O, 'lot-reminder', '80 Learning Credits expire in 30 days (lot LT-1)'],
      ['2032-02-20', 'ledger', 'redemption', -20],
      statement('2032-03-01', '2032-02'),
      ['2032-03-03', 'email', O, 'lot-reminder', '60 Learning Credits expire in 7 days (lot LT-1)'],
      ['2032-03-10', 'state', 'expired', '2032-03-10', null],
      ['2032-03-10', 'ledger', 'forfeit', -60],
      ['2032-03-10', 'email', O, 'lot-forfeit', '60 Learning Credits expired (lot LT-1)'],
      statement('2032-04-01', '2032-03'),
      ['2032-04-20', 'state', 'expired', '2032-03-10', 'pending'],
      ['2032-04-20', 'email', 'ops@test.example', 'lot-extension-requested', 'Extension of lot LT-1 requested by owner'],
      ['2032-04-22', 'state', 'active', '2032-09-10', 'approved'],
      ['2032-04-22', 'ledger', 'extension', 60],
      ['2032-04-22', 'email', O, 'lot-extension', 'Extension of lot LT-1 approved'],
      statement('2032-05-01', '2032-04'),
      statement('2032-06-01', '2032-05'),
      ['2032-06-12', 'email', O, 'lot-reminder', '60 Learning Credits expire in 90 days (lot LT-1)'],
      statement('2032-07-01', '2032-06'),
      statement('2032-08-01', '2032-07'),
      ['2032-08-11', 'email', O, 'lot-reminder', '60 Learning Credits expire in 30 days (lot LT-1)'],
      statement('2032-09-01', '2032-08'),
      ['2032-09-03', 'email', O, 'lot-reminder', '60 Learning Credits expire in 7 days (lot LT-1)'],
      // The one extension used, the lot closes at its new expiry: no second window.
      ['2032-09-10', 'state', 'closed', '2032-09-10', 'approved'],
      ['2032-09-10', 'ledger', 'forfeit', -60],
      ['2032-09-10', 'email', O, 'lot-forfeit', '60 Learning Credits expired (lot LT-1)'],
      statement('2032-10-01', '2032-09'),
      // Closed: no statement for October or November 2032, nothing more.
    ];
    expect(t.rows()).toEqual(expected);
    await t.delivered();
  });

  it('CLC-2, CLC-3, CLC-4: an awarded lot, active from its award day, reminded, forfeited at expiry and closed when the 60th day after it ends', async () => {
    await h.skipTo('2033-06-01');
    const { accountId, captainEmail, handle: account } = await h.enrolled({ yearlyUsd: 3_000_000 });
    const lotId = `LA-${accountId}-FY2034Q1`;
    const lot = () => h.env.client.workflow.getHandle(creditLotWorkflowId(lotId));
    const t = timelineRecorder(h, {
      recipients: [captainEmail],
      noticeKeys: [`lot-${lotId}:%`, `account-${accountId}:award-FY2034Q1`],
      ledger: lotLedger(h, lotId),
      state: async () => {
        const awards = (await account.query(stateQuery)).awardsMade;
        if (awards === 0) return ['no lot yet'];
        const s = await lot().query(lotStateQuery);
        return [s.state, s.expiresOn, s.balance];
      },
    });
    await t.look();
    // LOY-6: the Account Manager records FY2033 once it has ended, before the 2033-08-31 re-tier reads it
    // (a year not on record would hold the October award until it is).
    await h.skipTo('2033-08-01');
    await account.executeUpdate(recordBookingsUpdate, { args: [{ fiscalYear: 2033, directUsd: 2_250_000, indirectUsd: 750_000 }] });
    for (const date of ['2033-10-15', '2034-07-17', '2034-09-15', '2034-10-08', '2034-10-15', '2034-12-14', '2034-12-15', '2035-02-01'])
      await t.at(date);

    // Written out by hand: the first award after acceptance in fiscal Q4 is Q1's, on 15 October.
    const C = captainEmail;
    const expected: TimelineRow[] = [
      ['2033-06-01', 'state', 'no lot yet'],
      ['2033-10-15', 'state', 'active', '2034-10-15', 75],
      ['2033-10-15', 'ledger', 'award', 75],
      ['2033-10-15', 'email', C, 'award', `${accountId} Corp: 75 Learning Credits awarded for FY2034Q1`],
      ['2034-07-17', 'email', C, 'lot-reminder', `75 Learning Credits expire in 90 days (lot ${lotId})`],
      ['2034-09-15', 'email', C, 'lot-reminder', `75 Learning Credits expire in 30 days (lot ${lotId})`],
      ['2034-10-08', 'email', C, 'lot-reminder', `75 Learning Credits expire in 7 days (lot ${lotId})`],
      ['2034-10-15', 'state', 'expired', '2034-10-15', 0],
      ['2034-10-15', 'ledger', 'forfeit', -75],
      ['2034-10-15', 'email', C, 'lot-forfeit', `75 Learning Credits expired (lot ${lotId})`],
      // CLC-4: the window's last day, 2034-12-14, is open all day; the lot closes as it ends.
      ['2034-12-15', 'state', 'closed', '2034-10-15', 0],
    ];
    expect(t.rows()).toEqual(expected);
    await t.delivered();
  });
});
