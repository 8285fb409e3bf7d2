import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putTierTable } from '../../db/loyalty';
import type { Bookings } from '../../domain/loyalty';
import { loyaltyAccount } from '../../workflows/loyalty';
import { creditLotWorkflowId } from '../../workflows/creditsDefinitions';
import * as messages from '../../workflows/loyaltyDefinitions';
import { checkpoints, settled } from '../helpers/checkpoints';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

// One Customer Loyalty account through five fiscal years (FY2032 … FY2036, and the FY2037 re-tier) on the
// time-skipping server, its whole observable timeline compared with one written out by hand: every email
// (recipient, subject, the test clock's date it arrived by), every ledger entry of its lots (lot, kind,
// credits, occurred_on), every change of the state query's state, tier, credits a quarter, next award
// date, Team Captain and terms. Its lots' own emails (CLC-3 reminders 90, 30 and 7 days before expiry,
// the forfeit at expiry) are part of it: nothing is redeemed, so every lot runs to its expiry.

const ACCOUNT = 'NORTHWIND';
const DANA = 'captain@northwind.example';
const SAM = 'sam.park@northwind.example';

const waiting = 'Northwind Corp: the Customer Loyalty Program terms are waiting for you';
const reminder = "Reminder: Northwind Corp's Customer Loyalty Program terms are still waiting";
const enrolled = 'Northwind Corp is enrolled in the Customer Loyalty Program';
const newCaptain = "You are now Northwind Corp's Customer Loyalty Team Captain";
const newTerms = 'Northwind Corp: new Customer Loyalty terms (version T2) need your acceptance';
const tier = (fy: number, t: number) => `Northwind Corp: your FY${fy} Customer Loyalty tier is ${t}`;
const corrected = (fy: number, t: number) => `Northwind Corp: your FY${fy} Customer Loyalty tier is now ${t}`;
const awarded = (credits: number, quarter: string) => `Northwind Corp: ${credits} Learning Credits awarded for ${quarter}`;
const withheld = (quarter: string) => `Northwind Corp: the ${quarter} award is waiting for the new terms`;
const expiresIn = (credits: number, days: number, quarter: string) =>
  `${credits} Learning Credits expire in ${days} days (lot LA-NORTHWIND-${quarter})`;
const expired = (credits: number, quarter: string) => `${credits} Learning Credits expired (lot LA-NORTHWIND-${quarter})`;
const lot = (quarter: string) => `LA-NORTHWIND-${quarter}`;

type Entry =
  | [on: string, what: 'mail', to: string, subject: string]
  | [on: string, what: 'ledger', lot: string, kind: string, credits: number, occurredOn: string]
  | [
      on: string,
      what: 'state',
      state: string,
      tier: number | null,
      perQuarter: number,
      nextAward: string | null,
      captain: string,
      terms: string,
    ];

// The expected timeline, by hand. LOY-4: terms waiting, reminders every 14 days, accepted in FY2032 Q1, first
// award in January. CAL-2: awards on the 15th of October, January, April and July. LOY-5/LOY-6: FY22 table
// (tier 1 = 75, tier 2 = 125) until the FY2033 table corrected in Q1 (tier 1 to $12.5M = 100, tier 2 = 150),
// which later years use too; the re-tier each 31 August from the latest three years. LOY-11: the corrected
// table re-tiers FY2033 before the October award. LOY-8: Sam Park captain from 2033-02-01; terms T2 published
// 2034-03-01, the April award withheld, accepted 2034-05-02, July resumes. CLC-2/CLC-3: each lot expires a
// year after its award; reminders 90, 30 and 7 days before (16 January in the leap year 2036).
const expected: Entry[] = [
  ['2031-09-01', 'mail', DANA, waiting],
  ['2031-09-01', 'state', 'nominated', 1, 0, null, 'dlee', 'T1 pending'],
  ['2031-09-15', 'mail', DANA, reminder],
  ['2031-09-29', 'mail', DANA, reminder],
  ['2031-10-05', 'mail', DANA, enrolled],
  ['2031-10-05', 'state', 'enrolled', 1, 75, '2032-01-15', 'dlee', 'T1 accepted'],
  // FY2032: tier 1, 75 a quarter
  ['2032-01-15', 'mail', DANA, awarded(75, 'FY2032Q2')],
  ['2032-01-15', 'ledger', lot('FY2032Q2'), 'award', 75, '2032-01-15'],
  ['2032-01-15', 'state', 'enrolled', 1, 75, '2032-04-15', 'dlee', 'T1 accepted'],
  ['2032-04-15', 'mail', DANA, awarded(75, 'FY2032Q3')],
  ['2032-04-15', 'ledger', lot('FY2032Q3'), 'award', 75, '2032-04-15'],
  ['2032-04-15', 'state', 'enrolled', 1, 75, '2032-07-15', 'dlee', 'T1 accepted'],
  ['2032-07-15', 'mail', DANA, awarded(75, 'FY2032Q4')],
  ['2032-07-15', 'ledger', lot('FY2032Q4'), 'award', 75, '2032-07-15'],
  ['2032-07-15', 'state', 'enrolled', 1, 75, '2032-10-15', 'dlee', 'T1 accepted'],
  // FY2033: $12M average (FY2030-32) is tier 2 in the FY22 table; the corrected FY2033 table makes it tier 1, 100
  ['2032-08-31', 'mail', DANA, tier(2033, 2)],
  ['2032-08-31', 'state', 'enrolled', 2, 125, '2032-10-15', 'dlee', 'T1 accepted'],
  ['2032-10-15', 'mail', DANA, corrected(2033, 1)],
  ['2032-10-15', 'mail', DANA, awarded(100, 'FY2033Q1')],
  ['2032-10-15', 'ledger', lot('FY2033Q1'), 'award', 100, '2032-10-15'],
  ['2032-10-15', 'state', 'enrolled', 1, 100, '2033-01-15', 'dlee', 'T1 accepted'],
  ['2032-10-17', 'mail', DANA, expiresIn(75, 90, 'FY2032Q2')],
  ['2032-12-16', 'mail', DANA, expiresIn(75, 30, 'FY2032Q2')],
  ['2033-01-08', 'mail', DANA, expiresIn(75, 7, 'FY2032Q2')],
  ['2033-01-15', 'mail', DANA, expired(75, 'FY2032Q2')],
  ['2033-01-15', 'ledger', lot('FY2032Q2'), 'forfeit', -75, '2033-01-15'],
  ['2033-01-15', 'mail', DANA, expiresIn(75, 90, 'FY2032Q3')],
  ['2033-01-15', 'mail', DANA, awarded(100, 'FY2033Q2')],
  ['2033-01-15', 'ledger', lot('FY2033Q2'), 'award', 100, '2033-01-15'],
  ['2033-01-15', 'state', 'enrolled', 1, 100, '2033-04-15', 'dlee', 'T1 accepted'],
  // Sam Park is Team Captain: every later email is his, the earlier lots' too
  ['2033-02-01', 'mail', SAM, newCaptain],
  ['2033-02-01', 'state', 'enrolled', 1, 100, '2033-04-15', 'spark', 'T1 accepted'],
  ['2033-03-16', 'mail', SAM, expiresIn(75, 30, 'FY2032Q3')],
  ['2033-04-08', 'mail', SAM, expiresIn(75, 7, 'FY2032Q3')],
  ['2033-04-15', 'mail', SAM, expired(75, 'FY2032Q3')],
  ['2033-04-15', 'ledger', lot('FY2032Q3'), 'forfeit', -75, '2033-04-15'],
  ['2033-04-15', 'mail', SAM, awarded(100, 'FY2033Q3')],
  ['2033-04-15', 'ledger', lot('FY2033Q3'), 'award', 100, '2033-04-15'],
  ['2033-04-15', 'state', 'enrolled', 1, 100, '2033-07-15', 'spark', 'T1 accepted'],
  ['2033-04-16', 'mail', SAM, expiresIn(75, 90, 'FY2032Q4')],
  ['2033-06-15', 'mail', SAM, expiresIn(75, 30, 'FY2032Q4')],
  ['2033-07-08', 'mail', SAM, expiresIn(75, 7, 'FY2032Q4')],
  ['2033-07-15', 'mail', SAM, expired(75, 'FY2032Q4')],
  ['2033-07-15', 'ledger', lot('FY2032Q4'), 'forfeit', -75, '2033-07-15'],
  ['2033-07-15', 'mail', SAM, awarded(100, 'FY2033Q4')],
  ['2033-07-15', 'ledger', lot('FY2033Q4'), 'award', 100, '2033-07-15'],
  ['2033-07-15', 'state', 'enrolled', 1, 100, '2033-10-15', 'spark', 'T1 accepted'],
  ['2033-07-17', 'mail', SAM, expiresIn(100, 90, 'FY2033Q1')],
  // FY2034: $21M (FY2031-33) is tier 2, 150, in the FY2033 table (no FY2034 table)
  ['2033-08-31', 'mail', SAM, tier(2034, 2)],
  ['2033-08-31', 'state', 'enrolled', 2, 150, '2033-10-15', 'spark', 'T1 accepted'],
  ['2033-09-15', 'mail', SAM, expiresIn(100, 30, 'FY2033Q1')],
  ['2033-10-08', 'mail', SAM, expiresIn(100, 7, 'FY2033Q1')],
  ['2033-10-15', 'mail', SAM, expired(100, 'FY2033Q1')],
  ['2033-10-15', 'ledger', lot('FY2033Q1'), 'forfeit', -100, '2033-10-15'],
  ['2033-10-15', 'mail', SAM, awarded(150, 'FY2034Q1')],
  ['2033-10-15', 'ledger', lot('FY2034Q1'), 'award', 150, '2033-10-15'],
  ['2033-10-15', 'state', 'enrolled', 2, 150, '2034-01-15', 'spark', 'T1 accepted'],
  ['2033-10-17', 'mail', SAM, expiresIn(100, 90, 'FY2033Q2')],
  ['2033-12-16', 'mail', SAM, expiresIn(100, 30, 'FY2033Q2')],
  ['2034-01-08', 'mail', SAM, expiresIn(100, 7, 'FY2033Q2')],
  ['2034-01-15', 'mail', SAM, expired(100, 'FY2033Q2')],
  ['2034-01-15', 'ledger', lot('FY2033Q2'), 'forfeit', -100, '2034-01-15'],
  ['2034-01-15', 'mail', SAM, expiresIn(100, 90, 'FY2033Q3')],
  ['2034-01-15', 'mail', SAM, awarded(150, 'FY2034Q2')],
  ['2034-01-15', 'ledger', lot('FY2034Q2'), 'award', 150, '2034-01-15'],
  ['2034-01-15', 'state', 'enrolled', 2, 150, '2034-04-15', 'spark', 'T1 accepted'],
  // terms T2: the April award withheld (no lot), July's made after the acceptance
  ['2034-03-01', 'mail', SAM, newTerms],
  ['2034-03-01', 'state', 'enrolled', 2, 150, '2034-04-15', 'spark', 'T2 pending'],
  ['2034-03-16', 'mail', SAM, expiresIn(100, 30, 'FY2033Q3')],
  ['2034-04-08', 'mail', SAM, expiresIn(100, 7, 'FY2033Q3')],
  ['2034-04-15', 'mail', SAM, expired(100, 'FY2033Q3')],
  ['2034-04-15', 'ledger', lot('FY2033Q3'), 'forfeit', -100, '2034-04-15'],
  ['2034-04-15', 'mail', SAM, withheld('FY2034Q3')],
  ['2034-04-15', 'state', 'enrolled', 2, 150, '2034-07-15', 'spark', 'T2 pending'],
  ['2034-04-16', 'mail', SAM, expiresIn(100, 90, 'FY2033Q4')],
  ['2034-05-02', 'state', 'enrolled', 2, 150, '2034-07-15', 'spark', 'T2 accepted'],
  ['2034-06-15', 'mail', SAM, expiresIn(100, 30, 'FY2033Q4')],
  ['2034-07-08', 'mail', SAM, expiresIn(100, 7, 'FY2033Q4')],
  ['2034-07-15', 'mail', SAM, expired(100, 'FY2033Q4')],
  ['2034-07-15', 'ledger', lot('FY2033Q4'), 'forfeit', -100, '2034-07-15'],
  ['2034-07-15', 'mail', SAM, awarded(150, 'FY2034Q4')],
  ['2034-07-15', 'ledger', lot('FY2034Q4'), 'award', 150, '2034-07-15'],
  ['2034-07-15', 'state', 'enrolled', 2, 150, '2034-10-15', 'spark', 'T2 accepted'],
  ['2034-07-17', 'mail', SAM, expiresIn(150, 90, 'FY2034Q1')],
  // FY2035: $25M exactly (FY2032-34) is still tier 2
  ['2034-08-31', 'mail', SAM, tier(2035, 2)],
  ['2034-09-15', 'mail', SAM, expiresIn(150, 30, 'FY2034Q1')],
  ['2034-10-08', 'mail', SAM, expiresIn(150, 7, 'FY2034Q1')],
  ['2034-10-15', 'mail', SAM, expired(150, 'FY2034Q1')],
  ['2034-10-15', 'ledger', lot('FY2034Q1'), 'forfeit', -150, '2034-10-15'],
  ['2034-10-15', 'mail', SAM, awarded(150, 'FY2035Q1')],
  ['2034-10-15', 'ledger', lot('FY2035Q1'), 'award', 150, '2034-10-15'],
  ['2034-10-15', 'state', 'enrolled', 2, 150, '2035-01-15', 'spark', 'T2 accepted'],
  ['2034-10-17', 'mail', SAM, expiresIn(150, 90, 'FY2034Q2')],
  ['2034-12-16', 'mail', SAM, expiresIn(150, 30, 'FY2034Q2')],
  ['2035-01-08', 'mail', SAM, expiresIn(150, 7, 'FY2034Q2')],
  ['2035-01-15', 'mail', SAM, expired(150, 'FY2034Q2')],
  ['2035-01-15', 'ledger', lot('FY2034Q2'), 'forfeit', -150, '2035-01-15'],
  ['2035-01-15', 'mail', SAM, awarded(150, 'FY2035Q2')],
  ['2035-01-15', 'ledger', lot('FY2035Q2'), 'award', 150, '2035-01-15'],
  ['2035-01-15', 'state', 'enrolled', 2, 150, '2035-04-15', 'spark', 'T2 accepted'],
  // no FY2034Q3 lot, so nothing expires in April 2035
  ['2035-04-15', 'mail', SAM, awarded(150, 'FY2035Q3')],
  ['2035-04-15', 'ledger', lot('FY2035Q3'), 'award', 150, '2035-04-15'],
  ['2035-04-15', 'state', 'enrolled', 2, 150, '2035-07-15', 'spark', 'T2 accepted'],
  ['2035-04-16', 'mail', SAM, expiresIn(150, 90, 'FY2034Q4')],
  ['2035-06-15', 'mail', SAM, expiresIn(150, 30, 'FY2034Q4')],
  ['2035-07-08', 'mail', SAM, expiresIn(150, 7, 'FY2034Q4')],
  ['2035-07-15', 'mail', SAM, expired(150, 'FY2034Q4')],
  ['2035-07-15', 'ledger', lot('FY2034Q4'), 'forfeit', -150, '2035-07-15'],
  ['2035-07-15', 'mail', SAM, awarded(150, 'FY2035Q4')],
  ['2035-07-15', 'ledger', lot('FY2035Q4'), 'award', 150, '2035-07-15'],
  ['2035-07-15', 'state', 'enrolled', 2, 150, '2035-10-15', 'spark', 'T2 accepted'],
  ['2035-07-17', 'mail', SAM, expiresIn(150, 90, 'FY2035Q1')],
  // FY2036: $16M (FY2033-35), tier 2
  ['2035-08-31', 'mail', SAM, tier(2036, 2)],
  ['2035-09-15', 'mail', SAM, expiresIn(150, 30, 'FY2035Q1')],
  ['2035-10-08', 'mail', SAM, expiresIn(150, 7, 'FY2035Q1')],
  ['2035-10-15', 'mail', SAM, expired(150, 'FY2035Q1')],
  ['2035-10-15', 'ledger', lot('FY2035Q1'), 'forfeit', -150, '2035-10-15'],
  ['2035-10-15', 'mail', SAM, awarded(150, 'FY2036Q1')],
  ['2035-10-15', 'ledger', lot('FY2036Q1'), 'award', 150, '2035-10-15'],
  ['2035-10-15', 'state', 'enrolled', 2, 150, '2036-01-15', 'spark', 'T2 accepted'],
  ['2035-10-17', 'mail', SAM, expiresIn(150, 90, 'FY2035Q2')],
  ['2035-12-16', 'mail', SAM, expiresIn(150, 30, 'FY2035Q2')],
  ['2036-01-08', 'mail', SAM, expiresIn(150, 7, 'FY2035Q2')],
  ['2036-01-15', 'mail', SAM, expired(150, 'FY2035Q2')],
  ['2036-01-15', 'ledger', lot('FY2035Q2'), 'forfeit', -150, '2036-01-15'],
  ['2036-01-15', 'mail', SAM, awarded(150, 'FY2036Q2')],
  ['2036-01-15', 'ledger', lot('FY2036Q2'), 'award', 150, '2036-01-15'],
  ['2036-01-15', 'state', 'enrolled', 2, 150, '2036-04-15', 'spark', 'T2 accepted'],
  ['2036-01-16', 'mail', SAM, expiresIn(150, 90, 'FY2035Q3')],
  ['2036-03-16', 'mail', SAM, expiresIn(150, 30, 'FY2035Q3')],
  ['2036-04-08', 'mail', SAM, expiresIn(150, 7, 'FY2035Q3')],
  ['2036-04-15', 'mail', SAM, expired(150, 'FY2035Q3')],
  ['2036-04-15', 'ledger', lot('FY2035Q3'), 'forfeit', -150, '2036-04-15'],
  ['2036-04-15', 'mail', SAM, awarded(150, 'FY2036Q3')],
  ['2036-04-15', 'ledger', lot('FY2036Q3'), 'award', 150, '2036-04-15'],
  ['2036-04-15', 'state', 'enrolled', 2, 150, '2036-07-15', 'spark', 'T2 accepted'],
  ['2036-04-16', 'mail', SAM, expiresIn(150, 90, 'FY2035Q4')],
  ['2036-06-15', 'mail', SAM, expiresIn(150, 30, 'FY2035Q4')],
  ['2036-07-08', 'mail', SAM, expiresIn(150, 7, 'FY2035Q4')],
  ['2036-07-15', 'mail', SAM, expired(150, 'FY2035Q4')],
  ['2036-07-15', 'ledger', lot('FY2035Q4'), 'forfeit', -150, '2036-07-15'],
  ['2036-07-15', 'mail', SAM, awarded(150, 'FY2036Q4')],
  ['2036-07-15', 'ledger', lot('FY2036Q4'), 'award', 150, '2036-07-15'],
  ['2036-07-15', 'state', 'enrolled', 2, 150, '2036-10-15', 'spark', 'T2 accepted'],
  ['2036-07-17', 'mail', SAM, expiresIn(150, 90, 'FY2036Q1')],
  // FY2037: $6.5M (FY2034-36), tier 1 again
  ['2036-08-31', 'mail', SAM, tier(2037, 1)],
  ['2036-08-31', 'state', 'enrolled', 1, 100, '2036-10-15', 'spark', 'T2 accepted'],
];

const bookings = (fiscalYear: number, millions: number): Bookings => ({
  fiscalYear,
  directUsd: millions * 750_000,
  indirectUsd: millions * 250_000,
});

// LOY-11: the FY2033 table as corrected in its Q1 (after the 31 August re-tier).
const correctedFy2033 = {
  fiscalYear: 2033,
  bands: [
    { tier: 1 as const, minUsd: 1_000_000, maxUsd: 12_500_000, quarterlyCredits: 100 },
    { tier: 2 as const, minUsd: 12_500_001, maxUsd: 25_000_000, quarterlyCredits: 150 },
    { tier: 3 as const, minUsd: 25_000_001, maxUsd: 50_000_000, quarterlyCredits: 225 },
    { tier: 4 as const, minUsd: 50_000_001, maxUsd: 100_000_000, quarterlyCredits: 600 },
    { tier: 5 as const, minUsd: 100_000_001, maxUsd: null, quarterlyCredits: 1_200 },
  ],
};

const inputOf = (nominatedOn: string): messages.LoyaltyAccountInput => ({
  accountId: ACCOUNT,
  nomination: {
    company: { id: 'NORTHWIND-1', name: 'Northwind Corp', country: 'US', endUser: true, corporateGroupId: ACCOUNT },
    teamCaptain: { name: 'Dana Lee', email: DANA, ccoId: 'dlee' },
    accountManager: { name: 'Avery Stone', email: 'am-northwind@cisco.example' },
    bookings: [bookings(2029, 3), bookings(2030, 3), bookings(2031, 3)],
  },
  nominatedBy: 'account-manager:test',
  nominatedOn,
  termsVersion: 'T1',
  settings: messages.defaultLoyaltySettings,
});

/** Records what the account shows, as of each checkpoint (noon, the test clock's time). */
function timelineOf(h: WorkflowHarness, today: string) {
  const account = h.env.client.workflow.getHandle(messages.loyaltyWorkflowId(ACCOUNT));
  const entries: Entry[] = [];
  let mails = 0;
  let ledgerId = 0;
  let lastState = '';

  async function observe(clock: string) {
    const open = await h.db('credit_lots').where({ account_id: ACCOUNT }).whereNot({ state: 'closed' }).pluck('id');
    await settled([account, ...open.map((id: string) => h.env.client.workflow.getHandle(creditLotWorkflowId(id)))]);
    for (const m of h.smtp.received.slice(mails)) entries.push([clock, 'mail', m.to.join(', '), m.subject]);
    mails = h.smtp.received.length;
    const rows = await h
      .db('ledger_entries as l')
      .join('credit_lots as c', 'c.id', 'l.lot_id')
      .where('c.account_id', ACCOUNT)
      .where('l.id', '>', ledgerId)
      .orderBy('l.id')
      .select('l.id', 'l.lot_id', 'l.kind', 'l.credits', 'l.occurred_on');
    for (const r of rows) entries.push([clock, 'ledger', r.lot_id, r.kind, r.credits, r.occurred_on]);
    ledgerId = Number(rows.at(-1)?.id ?? ledgerId);
    const s = await account.query(messages.stateQuery);
    const terms = `${s.termsVersion} ${s.termsAccepted?.version === s.termsVersion ? 'accepted' : 'pending'}`;
    const state: Entry = [clock, 'state', s.state, s.tier, s.quarterlyCredits, s.nextAwardDate, s.teamCaptain.ccoId, terms];
    if (JSON.stringify(state.slice(2)) !== lastState) entries.push(state);
    lastState = JSON.stringify(state.slice(2));
  }

  return { entries, ...checkpoints(h, today, observe) };
}

/** Events of one day fire at the same midnight in several workflows: within a day, compare in a fixed order. */
const inDayOrder = (entries: Entry[]) =>
  [...entries].sort((a, b) => a[0].localeCompare(b[0]) || JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('Customer Loyalty, five fiscal years of one account', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness({ startOn: '2031-09-01' });
  });
  afterAll(async () => h?.close());

  it(
    'LOY-4, LOY-5, LOY-6, LOY-7, LOY-8, LOY-11, CAL-2: nominated 2031-09-01, enrolled, awarded each quarter for five ' +
      'fiscal years, re-tiered each August, a tier table corrected in Q1, a new captain, new terms withholding one award',
    async () => {
      await h.skipTo('2031-09-01');
      await h.env.client.workflow.start(loyaltyAccount, {
        workflowId: messages.loyaltyWorkflowId(ACCOUNT),
        taskQueue: h.taskQueue,
        args: [inputOf('2031-09-01')],
      });
      const t = timelineOf(h, '2031-09-01');
      await t.observe();
      const account = h.env.client.workflow.getHandle(messages.loyaltyWorkflowId(ACCOUNT));
      const accept = (version: string, ccoId: string) => () =>
        account.executeUpdate(messages.acceptTermsUpdate, { args: [{ version, ccoId }] });
      const record = (fy: number, millions: number) => () =>
        account.executeUpdate(messages.recordBookingsUpdate, { args: [bookings(fy, millions)] });
      const steps: Record<string, (() => Promise<unknown>)[]> = {
        '2031-10-05': [accept('T1', 'dlee')],
        '2032-08-10': [record(2032, 30)],
        '2032-09-20': [() => putTierTable(h.db, correctedFy2033, { actor: 'ops:test', name: 'ops test' })],
        '2033-02-01': [
          () => account.executeUpdate(messages.replaceCaptainUpdate, { args: [{ name: 'Sam Park', email: SAM, ccoId: 'spark' }] }),
        ],
        '2033-08-05': [record(2033, 30)],
        '2034-03-01': [() => account.executeUpdate(messages.publishTermsUpdate, { args: [{ version: 'T2' }] })],
        '2034-05-02': [accept('T2', 'spark')],
        '2034-08-05': [record(2034, 15)],
        '2035-08-05': [record(2035, 3)],
        '2036-08-05': [record(2036, 1.5)],
        '2036-09-01': [],
      };
      // Checkpoints on each day the expected timeline or a step names (and the day before each).
      const days = [...new Set([...expected.map((e) => e[0]), ...Object.keys(steps)])].sort();
      for (const day of days) await t.on(day, ...(steps[day] ?? []));

      expect(inDayOrder(t.entries)).toEqual(inDayOrder(expected));
    },
    600_000,
  );
});
