import fc from 'fast-check';
import { invariantsHold, receivedTwice, stateOf } from '../helpers/invariants';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { addDays, fiscalYearOf, type IsoDate } from '../../domain/calendar';
import {
  acceptTermsUpdate,
  loyaltyWorkflowId,
  publishTermsUpdate,
  recordBookingsUpdate,
  replaceCaptainUpdate,
  stateQuery,
  withdrawUpdate,
  type LoyaltyAccountState,
} from '../../workflows/loyaltyDefinitions';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

/** One step of a random history of an account, at the test clock's date. */
type Action =
  | { t: 'accept' }
  | { t: 'captain' }
  | { t: 'publish' }
  | { t: 'bookings'; yearsAgo: number; yearlyUsd: number }
  | { t: 'withdraw' }
  | { t: 'skip'; days: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('accept' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('captain' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('publish' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('bookings' as const),
      yearsAgo: fc.integer({ min: 0, max: 1 }),
      // Under tier 1, tiers 1, 2 and 4 (LOY-5 bands): the August re-tier may change the tier or drop it.
      yearlyUsd: fc.constantFrom(500_000, 3_000_000, 20_000_000, 80_000_000),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('withdraw' as const) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('skip' as const), days: fc.integer({ min: 1, max: 200 }) }) },
);

/** A history: a nominated account (terms not yet accepted) or an enrolled one, then 4 to 8 actions (so 8 runs see awards). */
const history = fc.record({ enrolled: fc.boolean(), actions: fc.array(action, { minLength: 4, maxLength: 8 }) });

/** The refusals a random history may meet (terms already accepted, account closed, same captain): anything else fails. */
function expectedRefusal(err: unknown): boolean {
  const cause = err instanceof WorkflowUpdateFailedError ? (err.cause as { type?: string } | undefined) : undefined;
  return cause?.type === 'Conflict' || cause?.type === 'Invalid';
}

// Random histories of one loyalty account on the time-skipping server: after each step the account's invariants hold.
describe('loyalty account invariants', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await workflowHarness();
  });
  afterAll(async () => h?.close());

  /** A fresh account, what the test did to it (dates by the test clock), and the applier of its random actions. */
  async function accountUnderTest(enrolled: boolean) {
    const account = enrolled ? await h.enrolled() : await h.nominate();
    const { accountId, nominatedOn } = account;
    // Updates through env.client (as the harness does); reads through steadyClient, which never moves the clock.
    const handle = h.env.client.workflow.getHandle(loyaltyWorkflowId(accountId));
    const steady = h.steadyClient.workflow.getHandle(loyaltyWorkflowId(accountId));
    const made = {
      captain: 'dlee',
      captains: 0,
      /** Each terms version, when published and (if it was) when accepted. */
      terms: [{ version: 'T1', publishedOn: nominatedOn, acceptedOn: enrolled ? nominatedOn : null }] as {
        version: string;
        publishedOn: IsoDate;
        acceptedOn: IsoDate | null;
      }[],
      withdrawnOn: null as IsoDate | null,
    };
    const current = () => made.terms[made.terms.length - 1]!;

    /** An update; refused, or the workflow not found once closed (the API's 404 / 409), is fine. */
    async function update(step: Promise<LoyaltyAccountState>): Promise<LoyaltyAccountState | null> {
      try {
        return await step;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          expect((await steady.describe()).status.name).not.toBe('RUNNING');
          return null;
        }
        if (!expectedRefusal(err)) throw err;
        return null;
      }
    }

    async function apply(a: Action): Promise<void> {
      const on = await h.today();
      if (a.t === 'accept') {
        const done = await update(handle.executeUpdate(acceptTermsUpdate, { args: [{ version: current().version, ccoId: made.captain }] }));
        if (done) current().acceptedOn = on;
      } else if (a.t === 'captain') {
        const ccoId = `cap${made.captains + 1}`;
        const captain = { name: `Captain ${ccoId}`, email: `${ccoId}@${accountId.toLowerCase()}.example`, ccoId };
        if (await update(handle.executeUpdate(replaceCaptainUpdate, { args: [captain] })))
          [made.captain, made.captains] = [ccoId, made.captains + 1];
      } else if (a.t === 'publish') {
        const version = `T${made.terms.length + 1}`;
        if (await update(handle.executeUpdate(publishTermsUpdate, { args: [{ version }] })))
          made.terms.push({ version, publishedOn: on, acceptedOn: null });
      } else if (a.t === 'bookings') {
        const bookings = { fiscalYear: fiscalYearOf(on) - a.yearsAgo, directUsd: a.yearlyUsd, indirectUsd: 0 };
        await update(handle.executeUpdate(recordBookingsUpdate, { args: [bookings] }));
      } else if (a.t === 'withdraw') {
        const args = [{ reason: 'contract ended', by: 'ops:test' }] as const;
        if (await update(handle.executeUpdate(withdrawUpdate, { args: [...args] }))) made.withdrawnOn = on;
      } else {
        await h.skipTo(addDays(on, a.days));
      }
    }
    return { accountId, nominatedOn, steady, made, apply };
  }

  type Account = Awaited<ReturnType<typeof accountUnderTest>>;

  /** The workflow's answer: its query while it runs, its result once closed (without moving the clock). */
  const workflowState = async (acc: Account): Promise<LoyaltyAccountState> => (await stateOf(acc.steady, stateQuery)).s;

  /** LOY-4, LOY-7, LOY-8, LOY-9, ALL-2: what must hold after every step of any history. */
  async function checkInvariants(acc: Account, history: string): Promise<void> {
    // ALL-1: the state query and the accounts read model agree on state and tier (once the activity has written).
    await vi.waitFor(
      async () => {
        const s = await workflowState(acc);
        const row = await h.db('accounts').where({ id: acc.accountId }).first();
        // Before enrollment the workflow holds a provisional tier (LOY-5) that the read model does not show.
        const enrolled = acc.made.terms[0]!.acceptedOn !== null;
        expect({ state: row?.state, tier: enrolled ? row?.tier : null }, history).toEqual({
          state: s.state,
          tier: enrolled ? s.tier : null,
        });
      },
      { timeout: 15_000, interval: 100 },
    );
    await checkAwards(acc, history);
    await checkNotices(acc, history);
  }

  /** LOY-7, LOY-8, LOY-9: one lot per quarter, one award entry per lot; none while new terms wait or after a withdrawal. */
  async function checkAwards(acc: Account, history: string): Promise<void> {
    const lots: { id: string; award_quarter: string; issued_on: IsoDate }[] = await h
      .db('credit_lots')
      .where({ account_id: acc.accountId, source: 'award' })
      .select('id', 'award_quarter', h.db.raw("to_char(issued_on, 'YYYY-MM-DD') as issued_on"));
    const quarters = lots.map((l) => l.award_quarter);
    expect(new Set(quarters).size, `an award twice: ${quarters.join(', ')} (${history})`).toBe(quarters.length);
    const entries: { lot_id: string }[] = await h
      .db('ledger_entries')
      .whereIn(
        'lot_id',
        lots.map((l) => l.id),
      )
      .where({ kind: 'award' })
      .select('lot_id');
    expect(entries.map((e) => e.lot_id).sort(), history).toEqual(lots.map((l) => l.id).sort());
    for (const { issued_on: on, award_quarter: quarter } of lots) {
      expect(on >= acc.nominatedOn, `${quarter} awarded ${on}, before the nomination (${history})`).toBe(true);
      // Awards are made at the start of their day, the test's steps at noon: a step on the award day itself came after it.
      const inForce = acc.made.terms.filter((t) => t.publishedOn < on).at(-1);
      if (inForce)
        expect(
          inForce.acceptedOn !== null && inForce.acceptedOn <= on,
          `${quarter} awarded ${on} while terms ${inForce.version} waited (${history})`,
        ).toBe(true);
      const w = acc.made.withdrawnOn;
      expect(w === null || on <= w, `${quarter} awarded ${on} after the withdrawal on ${w} (${history})`).toBe(true);
    }
  }

  /** LOY-4, ALL-2: each notice key once, each Message-ID received once, no reminder for a date past or after acceptance. */
  async function checkNotices(acc: Account, history: string): Promise<void> {
    expect(receivedTwice(h.smtp.received), history).toEqual([]);
    const keys: string[] = await h.db('notifications').where({ account_id: acc.accountId }).pluck('id');
    expect(new Set(keys).size, history).toBe(keys.length);
    for (const key of keys) {
      const reminder = /:terms-(T\d+)-reminder-(\d+)$/.exec(key);
      if (!reminder) continue;
      // LOY-4: reminder n is due n × 14 days after the nomination, before the 90-day lapse, and only while the terms wait.
      const due = addDays(acc.nominatedOn, 14 * Number(reminder[2]));
      expect(due > acc.nominatedOn && due < addDays(acc.nominatedOn, 90), `${key} (${history})`).toBe(true);
      expect(due <= (await h.today()), `${key} sent before ${due} (${history})`).toBe(true);
      const accepted = acc.made.terms.find((t) => t.version === reminder[1])?.acceptedOn;
      if (accepted) expect(due <= accepted, `${key} due ${due}, after acceptance on ${accepted} (${history})`).toBe(true);
    }
    for (const kind of ['enrolled', 'lapsed', 'withdrawn']) {
      const n = await h.db('notifications').where({ account_id: acc.accountId, kind }).count<{ n: string }[]>({ n: '*' });
      expect(Number(n[0]!.n), `${kind} notices (${history})`).toBeLessThanOrEqual(1);
    }
  }

  it('LOY-4, LOY-7, LOY-8, LOY-9, ALL-2: invariants hold over random histories of an account', async () => {
    // A fixed seed (and few, short runs) so CI replays the same histories; change the seed locally to explore others.
    await invariantsHold(history, {
      today: h.today,
      start: async ({ enrolled }) => {
        const acc = await accountUnderTest(enrolled);
        return { subject: acc, story: [`account ${acc.accountId} ${enrolled ? 'enrolled' : 'nominated'} on ${acc.nominatedOn}`] };
      },
      check: checkInvariants,
    });
  }, 300_000); // passing takes seconds; a failure needs the time to shrink its counterexample
});
