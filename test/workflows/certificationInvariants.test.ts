import fc from 'fast-check';
import { invariantsHold, receivedTwice, stateOf } from '../helpers/invariants';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { addDays, type IsoDate } from '../../domain/calendar';
import { findCertification } from '../../db/certificationReads';
import { messageIdFor } from '../../db/notifications';
import type { certification } from '../../workflows/certification';
import * as messages from '../../workflows/certificationDefinitions';
import { applyForCertification, fullRequirements } from '../helpers/certification';
import { workflowHarness, type WorkflowHarness } from '../helpers/workflowHarness';

/** One step of a random history of a certification, at the test clock's date. */
type Action =
  | { t: 'decide' }
  | { t: 'csat'; count: number; followUp: boolean }
  | { t: 'renew' }
  | { t: 'notice'; awareDaysAgo: number }
  | { t: 'extension'; days: number }
  | { t: 'compliant' }
  | { t: 'revoke' }
  | { t: 'skip'; days: number }
  /** Skips into the Re-Cert window (CERT-2), so that histories reach renewals and later cycles. */
  | { t: 'toRecert'; daysBefore: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('decide' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('csat' as const), count: fc.integer({ min: 0, max: 15 }), followUp: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('renew' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('notice' as const), awareDaysAgo: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('extension' as const), days: fc.integer({ min: 1, max: 120 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('compliant' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('revoke' as const) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('skip' as const), days: fc.integer({ min: 1, max: 200 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('toRecert' as const), daysBefore: fc.integer({ min: 1, max: 89 }) }) },
);

/** A history: approved at once (mostly, so that later cycles are reached) or left to a `decide` action, then 4 to 8 actions (at least 4, so the fixed seed reaches revocations and later dates). */
const history = fc.record({
  approvedAtStart: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  actions: fc.array(action, { minLength: 4, maxLength: 8 }),
});

/** The refusals a random history may meet (not open, outside the window, an extension running): anything else fails. */
function expectedRefusal(err: unknown): boolean {
  if (err instanceof WorkflowNotFoundError) return true; // checked below: only once the workflow has closed
  const cause = err instanceof WorkflowUpdateFailedError ? (err.cause as { type?: string } | undefined) : undefined;
  return cause?.type === 'Invalid' || cause?.type === 'Conflict';
}

/** Days from a cycle's anniversary to each of its Re-Cert notices (CERT-2: 90, 60, 30 before; a week before it is lost). */
const recertOffsets: Record<string, number> = { 'recert-open': -90, 'recert-60': -60, 'recert-30': -30, 'lapse-7': 23 };

// Random histories of one certification on the time-skipping server: after each step its invariants hold.
describe('Premier Certification invariants', () => {
  let h: WorkflowHarness;
  /** Renewals the histories made: the seed must reach later cycles for the Re-Cert invariants to mean anything. */
  let renewalsReached = 0;
  beforeAll(async () => {
    h = await workflowHarness();
  });
  afterAll(async () => h?.close());

  /** A fresh certification, the applier of its random actions, and the day each cycle (by anniversary) started. */
  async function certificationUnderTest() {
    const c = await applyForCertification(h.env, h.db, h.taskQueue);
    // Messages through the client that does not move the clock: time moves only when a step skips it.
    const handle = h.steadyClient.workflow.getHandle<typeof certification>(messages.certificationWorkflowId(c.id));
    await handle.executeUpdate(messages.certificationRecordedUpdate);
    const cycleStarts = new Map<IsoDate, IsoDate>();
    const by = 'ops:test';

    /** An update; its new anniversary (approval, renewal) starts a cycle today. */
    async function update(step: (today: IsoDate) => Promise<messages.CertificationState>, startsCycle = false) {
      const today = await h.today();
      try {
        const s = await step(today);
        if (startsCycle && s.anniversary) cycleStarts.set(s.anniversary, today);
      } catch (err) {
        if (!expectedRefusal(err)) throw err;
        if (err instanceof WorkflowNotFoundError) expect((await handle.describe()).status.name).not.toBe('RUNNING');
      }
    }

    async function apply(a: Action): Promise<void> {
      const u = messages;
      if (a.t === 'decide') await update(() => handle.executeUpdate(u.decideCertificationUpdate, { args: [{ approve: true, by }] }), true);
      else if (a.t === 'csat')
        await update(() => handle.executeUpdate(u.csatResponsesUpdate, { args: [{ count: a.count, lowScoreFollowUpDone: a.followUp }] }));
      else if (a.t === 'renew')
        await update(async () => {
          const s = await handle.executeUpdate(u.renewCertificationUpdate, { args: [fullRequirements()] });
          renewalsReached += 1;
          return s;
        }, true);
      else if (a.t === 'notice')
        await update((d) =>
          handle.executeUpdate(u.nonComplianceNoticeUpdate, { args: [{ reason: 'no 8x5 service', awareOn: addDays(d, -a.awareDaysAgo) }] }),
        );
      else if (a.t === 'extension')
        await update((d) => handle.executeUpdate(u.grantExtensionUpdate, { args: [{ until: addDays(d, a.days), by }] }));
      else if (a.t === 'compliant') await update(() => handle.executeUpdate(u.markCompliantUpdate, { args: [{ by }] }));
      else if (a.t === 'revoke') await update(() => handle.executeUpdate(u.revokeUpdate, { args: [{ reason: 'audit', by }] }));
      else if (a.t === 'toRecert') await skipIntoRecert(a.daysBefore);
      else await h.skipTo(addDays(await h.today(), a.days));
    }
    /** To `daysBefore` days before the anniversary, when that is still ahead. */
    async function skipIntoRecert(daysBefore: number) {
      const { s } = await stateOf(handle, messages.certificationStateQuery);
      const target = s.anniversary && addDays(s.anniversary, -daysBefore);
      if (target && target > (await h.today())) await h.skipTo(target);
    }
    return { ...c, handle, cycleStarts, apply, sentWhenEnded: null as string[] | null };
  }

  type Cert = Awaited<ReturnType<typeof certificationUnderTest>>;

  /** The workflow's answer: its query while it runs, its result once closed. */
  const workflowState = (c: Cert) => stateOf(c.handle, messages.certificationStateQuery);

  /** The certification's notice keys, once each is sent and its email (by Message-ID) has arrived. */
  async function settledNotices(c: Cert, history: string): Promise<string[]> {
    return vi.waitFor(
      async () => {
        const rows: { id: string; sent_at: Date | null }[] = await h
          .db('notifications')
          .whereLike('id', `cert-${c.id}:%`)
          .select('id', 'sent_at');
        const arrived = new Set(h.smtp.received.map((m) => m.messageId));
        expect(
          rows.filter((r) => !r.sent_at || !arrived.has(messageIdFor(r.id))).map((r) => r.id),
          `unsent: ${history}`,
        ).toEqual([]);
        return rows.map((r) => r.id).sort();
      },
      { timeout: 15_000, interval: 100 },
    );
  }

  /** CERT-2, CERT-3, CERT-4, CERT-5, ALL-2: what must hold after every step of any history. */
  async function checkInvariants(c: Cert, history: string): Promise<void> {
    // CERT-2, CERT-3: the read model agrees with the workflow on state and anniversary (once the step is recorded).
    const s = await vi.waitFor(
      async () => {
        const { s } = await workflowState(c);
        const row = await findCertification(h.db, c.id);
        expect({ state: row?.state, anniversary: row?.anniversary }, history).toEqual({ state: s.state, anniversary: s.anniversary });
        return s;
      },
      { timeout: 15_000, interval: 100 },
    );
    // CERT-4: each measurement once, none before the certification.
    const measured = s.measurements.map((m) => m.on);
    expect(new Set(measured).size, `measured twice: ${measured.join(', ')} (${history})`).toBe(measured.length);
    for (const on of measured) expect(on >= s.certifiedOn!, `measured ${on} before ${s.certifiedOn} (${history})`).toBe(true);

    const keys = await settledNotices(c, history);
    checkNotices(c, keys, history);
    // CERT-3, CERT-5: a lapsed or revoked certification sends nothing more.
    if (c.sentWhenEnded) expect(keys, `sent after it ended: ${history}`).toEqual(c.sentWhenEnded);
    else if (s.state === 'lapsed' || s.state === 'revoked') c.sentWhenEnded = keys;
  }

  /** ALL-2, CERT-2: each notice once (key, Message-ID); no Re-Cert notice for a date already past when its cycle started. */
  function checkNotices(c: Cert, keys: string[], history: string): void {
    expect(new Set(keys).size, history).toBe(keys.length);
    expect(receivedTwice(h.smtp.received), history).toEqual([]);
    for (const key of keys) {
      const recert = /:(recert-open|recert-60|recert-30|lapse-7)-(\d{4}-\d{2}-\d{2})$/.exec(key);
      if (!recert) continue;
      const started = c.cycleStarts.get(recert[2]!);
      expect(started, `${key} of no cycle started (${history})`).toBeDefined();
      const due = addDays(recert[2]!, recertOffsets[recert[1]!]!);
      expect(due >= started!, `${key} due ${due}, before its cycle started on ${started} (${history})`).toBe(true);
    }
  }

  it('CERT-2, CERT-3, CERT-4, CERT-5, ALL-2: invariants hold over random histories of a certification', async () => {
    // A fixed seed (and few, short runs) so CI replays the same histories; change the seed locally to explore others.
    await invariantsHold(fc.noBias(history), {
      today: h.today,
      start: async ({ approvedAtStart }) => {
        const c = await certificationUnderTest();
        const story = [`certification ${c.id} applied on ${await h.today()}`];
        if (approvedAtStart) {
          await c.apply({ t: 'decide' });
          story.push('approved at once');
        }
        return { subject: c, story };
      },
      check: checkInvariants,
    });
    expect(renewalsReached).toBeGreaterThan(0);
  }, 300_000); // passing takes seconds; a failure needs the time to shrink its counterexample
});
