import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IsoDate } from '../../domain/calendar';
import { SAMPLE_CATALOGUE } from '../../domain/incentives';
import { engagementStateQuery, readingsSignal } from '../../workflows/incentivesDefinitions';
import { openEngagement } from '../helpers/incentives';
import { timelineRecorder, type TimelineRow } from '../helpers/timeline';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// Hybrid meetings: devices_reporting_pct >= 80 and active_users_pct >= 10/25/40/60/75, paying 2,000 … 6,000 USD.
const useCase = SAMPLE_CATALOGUE[0]!;

describe('an incentive engagement, its whole timeline', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2031-01-15' });
  });
  afterAll(async () => h?.close());

  /** The engagement's partner's emails, its workflow's state (state, phase, deadline, payments so far). */
  async function opened(engagementId: string, partnerId: string, phaseMonths?: number) {
    const { handle } = await openEngagement(h, useCase, { engagementId, partnerId, phaseMonths });
    const t = timelineRecorder(h, {
      recipients: [`${partnerId}@partner.example`],
      ledger: async () =>
        (
          await h
            .db('incentive_payments')
            .where({ engagement_id: engagementId })
            .orderBy('phase_index')
            .select<{ phase: string; amount_usd: number; approved_on: string }[]>(
              'phase',
              'amount_usd',
              h.db.raw("to_char(approved_on, 'YYYY-MM-DD') as approved_on"),
            )
        ).map((p) => ({ id: p.phase, on: p.approved_on, kind: `payment ${p.phase}`, amount: p.amount_usd })),
      state: async () => {
        const s = await handle.query(engagementStateQuery);
        return [s.state, s.state === 'active' ? s.useCase.phases[s.phaseIndex]!.name : null, s.deadline, s.payments.length];
      },
    });
    await t.look();
    /** Readings that meet the current phase's goals (`users` % active), measured on `on`; waits for the payment. */
    const meet = async (on: IsoDate, users: number) => {
      const paid = (await handle.query(engagementStateQuery)).payments.length;
      await handle.signal(readingsSignal, [
        { metric: 'devices_reporting_pct', value: 85, measuredAt: `${on}T10:00:00Z` },
        { metric: 'active_users_pct', value: users, measuredAt: `${on}T10:00:00Z` },
      ]);
      await expect.poll(async () => (await handle.query(engagementStateQuery)).payments.length, { timeout: 10_000 }).toBe(paid + 1);
      await t.look();
    };
    return { t, meet, handle };
  }

  it('LCI-2: five phases, each paid the day before its deadline: an engagement that runs five years, each phase paid once', async () => {
    await h.skipTo('2031-01-15');
    const e = await opened('EN-T1', 'P-T1');
    for (const [on, users] of [
      ['2032-01-14', 10],
      ['2033-01-13', 25],
      ['2034-01-12', 40],
      ['2035-01-11', 60],
      ['2036-01-10', 75],
    ] as const) {
      await e.t.at(on);
      await e.meet(on, users);
    }
    await e.t.at('2037-01-10');

    // Written out by hand: each phase has 12 months from the day the previous one was paid.
    const P = 'P-T1@partner.example';
    const approved = (phase: string) => `Lifecycle Incentive approved: ${phase} phase of engagement EN-T1`;
    const expected: TimelineRow[] = [
      ['2031-01-15', 'state', 'active', 'Onboard', '2032-01-15', 0],
      ['2032-01-14', 'state', 'active', 'Implement', '2033-01-14', 1],
      ['2032-01-14', 'ledger', 'payment Onboard', 2000],
      ['2032-01-14', 'email', P, 'incentive-payment', approved('Onboard')],
      ['2033-01-13', 'state', 'active', 'Use', '2034-01-13', 2],
      ['2033-01-13', 'ledger', 'payment Implement', 3000],
      ['2033-01-13', 'email', P, 'incentive-payment', approved('Implement')],
      ['2034-01-12', 'state', 'active', 'Adopt', '2035-01-12', 3],
      ['2034-01-12', 'ledger', 'payment Use', 4000],
      ['2034-01-12', 'email', P, 'incentive-payment', approved('Use')],
      ['2035-01-11', 'state', 'active', 'Optimize', '2036-01-11', 4],
      ['2035-01-11', 'ledger', 'payment Adopt', 5000],
      ['2035-01-11', 'email', P, 'incentive-payment', approved('Adopt')],
      // Complete: the last deadline stays in the state, and passes with nothing sent.
      ['2036-01-10', 'state', 'completed', null, '2036-01-11', 5],
      ['2036-01-10', 'ledger', 'payment Optimize', 6000],
      ['2036-01-10', 'email', P, 'incentive-payment', approved('Optimize')],
    ];
    expect(e.t.rows()).toEqual(expected);
    await e.t.delivered();
  });

  it('LCI-2, LCI-4: a phase not completed in 12 months expires the engagement; opened with a 6-month setting, in 6', async () => {
    await h.skipTo('2037-02-01');
    const yearly = await opened('EN-T2', 'P-T2');
    await yearly.t.at('2037-05-01');
    await yearly.meet('2037-05-01', 12);
    await yearly.t.at('2037-11-01');
    await yearly.t.at('2038-05-01');
    await yearly.t.at('2038-08-01');
    await h.skipTo('2038-09-01');
    const halfYearly = await opened('EN-T3', 'P-T3', 6);
    await halfYearly.t.at('2039-03-01');
    await halfYearly.t.at('2039-09-01');

    // Written out by hand.
    const P2 = 'P-T2@partner.example';
    const P3 = 'P-T3@partner.example';
    expect(yearly.t.rows()).toEqual([
      ['2037-02-01', 'state', 'active', 'Onboard', '2038-02-01', 0],
      ['2037-05-01', 'state', 'active', 'Implement', '2038-05-01', 1],
      ['2037-05-01', 'ledger', 'payment Onboard', 2000],
      ['2037-05-01', 'email', P2, 'incentive-payment', 'Lifecycle Incentive approved: Onboard phase of engagement EN-T2'],
      ['2038-05-01', 'state', 'expired', null, '2038-05-01', 1],
      ['2038-05-01', 'email', P2, 'incentive-expired', 'Lifecycle Incentive engagement EN-T2 expired'],
    ] satisfies TimelineRow[]);
    expect(halfYearly.t.rows()).toEqual([
      ['2038-09-01', 'state', 'active', 'Onboard', '2039-03-01', 0],
      ['2039-03-01', 'state', 'expired', null, '2039-03-01', 0],
      ['2039-03-01', 'email', P3, 'incentive-expired', 'Lifecycle Incentive engagement EN-T3 expired'],
    ] satisfies TimelineRow[]);
    await yearly.t.delivered();
    await halfYearly.t.delivered();
  });
});
