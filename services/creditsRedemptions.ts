import type { Knex } from 'knex';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Mailer } from './mailer';
import { deliverNotice } from './outbox';
import type { LotBalanceNews } from './credits';
import { CreditRefusal } from '../db/credits';
import { placeHold, settleRedemption, type Hold, type Settlement } from '../db/creditsRedemptions';
import { allocationsOf, type AllocatedCredits } from '../db/creditsReads';
import { enqueueNotice, noticeKey, type Notice } from '../db/notifications';
import type { IsoDate } from '../domain/calendar';
import type { RedemptionKind } from '../domain/credits';
import * as notices from '../emails/credits';
import { deliverNotice as deliverNoticeWorkflow } from '../workflows/creditsSchedules';

// CLC-5 … CLC-7: redemptions. A request and its decision are each one ledger transaction
// (db/creditsRedemptions.ts) written with the notice it announces (ALL-2), shared by the API's redemption
// desk and the activities that release the holds that run out. The desk emails the notice as the answer
// goes back: a redemption answers at the speed of Postgres, with no Temporal round trip. Temporal keeps
// what needs time: the daily `redemptionHolds` schedule releases the holds that run out (45 days, or the
// lots' expiry), a `deliverNotice` workflow retries an email the desk could not send, and the lots hear
// their balances in batches (services/credits.ts lotBalanceNews).

/** Who hears about a redemption and what it is. */
export interface RedemptionNotice {
  to: { name: string; email: string };
  accountId: string | null;
  credits: number;
  kind: string;
}

/** How a redemption's notices address whoever approves it (the account's Team Captain, or the buyer). */
export const APPROVER_NAME = 'Team Captain';

export type Allocation = AllocatedCredits[];

export const redemptionNoticeKey = (redemptionId: string, event: 'waiting' | 'settled') => noticeKey('redemption', redemptionId, event);

/**
 * CLC-6, CLC-7: holds (or with `redeemNow` redeems) the credits; a pending request's "waiting" notice is
 * written in the same transaction. Throws CreditRefusal.
 */
export async function holdWithNotice(
  db: Knex,
  hold: Hold,
  notice: RedemptionNotice,
): Promise<{ allocation: Allocation; holdUntil: IsoDate | null; noticeKey: string | null; notice: Notice | null }> {
  const key = redemptionNoticeKey(hold.redemptionId, 'waiting');
  let written: Notice | null = null;
  const { allocation, holdUntil } = await placeHold(db, hold, async (trx, held) => {
    if (held.holdUntil === null) return; // redeemed at once: nothing waits
    // CLC-6: an account's request waits for its captain as the hold's transaction reads the account.
    const to = held.approver ?? notice.to;
    const text = notices.approvalWaiting({
      name: to.name,
      redemptionId: hold.redemptionId,
      credits: notice.credits,
      kind: notice.kind,
      holdUntil: held.holdUntil,
    });
    written = { id: key, accountId: notice.accountId, kind: 'redemption-waiting', recipient: to.email, ...text };
    await enqueueNotice(trx, written);
  });
  return { allocation, holdUntil, noticeKey: written ? key : null, notice: written };
}

/** CLC-6: approval, rejection or expiry, with its notice in the same transaction. Returns the status it has. */
export async function settleWithNotice(
  db: Knex,
  input: { redemptionId: string; outcome: Settlement; by: string; on: IsoDate; notice: RedemptionNotice },
): Promise<{ status: string; noticeKey: string; notice: Notice; allocation: Allocation; lotIds: string[] }> {
  const noticeKey = redemptionNoticeKey(input.redemptionId, 'settled');
  let written: Notice | undefined;
  let allocation: Allocation = [];
  const status = await settleRedemption(db, input.redemptionId, input.outcome, input.by, input.on, async (trx, outcome, read) => {
    allocation = read ?? (await allocationsOf(trx, input.redemptionId));
    const text = notices.redemptionSettled({
      name: input.notice.to.name,
      redemptionId: input.redemptionId,
      credits: input.notice.credits,
      outcome,
    });
    written = { id: noticeKey, accountId: input.notice.accountId, kind: 'redemption-settled', recipient: input.notice.to.email, ...text };
    await enqueueNotice(trx, written);
  });
  return { status, noticeKey, notice: written!, allocation, lotIds: allocation.map((a) => a.lotId) };
}

export interface RedemptionDeskDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  today: () => IsoDate | Promise<IsoDate>;
  lots: LotBalanceNews;
  /** Emails sent at once by the desk; without a mailer, or when a send fails, a workflow sends them. */
  mail?: { mailer: Mailer; from: string; publicUrl?: string };
}

export interface RedemptionInput {
  redemptionId: string;
  accountId: string | null;
  lotId?: string;
  kind: RedemptionKind;
  credits: number;
  startsOn?: IsoDate;
  details?: Record<string, unknown>;
  requestedBy: string;
  /** CLC-6: loyalty accounts need their Team Captain's approval unless auto-approval is on. */
  autoApprove: boolean;
  approverEmail: string;
}

export interface RedemptionState {
  redemptionId: string;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  credits: number;
  allocation: Allocation;
  holdUntil: IsoDate | null;
  decidedBy: string | null;
}

/** A decision that came too late: the request is already settled, or its credits expired (409). */
export class RedemptionConflict extends Error {
  constructor(
    message: string,
    readonly problems: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

const toApprover = (email: string, r: Omit<RedemptionNotice, 'to'>, name?: string | null): RedemptionNotice => ({
  to: { name: name ?? APPROVER_NAME, email },
  accountId: r.accountId,
  credits: r.credits,
  kind: r.kind,
});

/** CLC-6, CLC-7: holds the credits (or redeems them at once with auto-approval). Short or against a rule: CreditRefusal. */
export async function requestRedemption(d: RedemptionDeskDeps, input: RedemptionInput): Promise<RedemptionState> {
  const hold: Hold = {
    redemptionId: input.redemptionId,
    accountId: input.accountId,
    lotId: input.lotId,
    request: { kind: input.kind, credits: input.credits, requestedOn: await d.today(), startsOn: input.startsOn, details: input.details },
    requestedBy: input.requestedBy,
    redeemNow: input.autoApprove,
  };
  const held = await holdWithNotice(d.db, hold, toApprover(input.approverEmail, input));
  d.lots.tell(held.allocation.map((a) => a.lotId));
  if (held.notice) sendAfterAnswer(d, held.notice);
  // Redeemed at once (no hold) when auto-approved: an account's switch as the transaction read it.
  const redeemed = held.holdUntil === null;
  return {
    redemptionId: input.redemptionId,
    status: redeemed ? 'approved' : 'pending',
    credits: input.credits,
    allocation: held.allocation,
    holdUntil: held.holdUntil,
    decidedBy: redeemed ? 'auto-approval' : null,
  };
}

/** The request as the API has read it (db/creditsReads redemptionRow). */
export interface DeskRedemption {
  id: string;
  accountId: string | null;
  kind: string;
  credits: number;
  holdUntil: IsoDate | null;
  /** Whoever decides it now (the account's current captain): the settled notice goes to them. */
  approverName?: string | null;
  approverEmail: string | null;
}

/** CLC-6: the captain's decision on a pending request. Too late (decided, released, expired): RedemptionConflict. */
export async function decideRedemption(
  d: RedemptionDeskDeps,
  row: DeskRedemption,
  decision: { approve: boolean; by: string },
): Promise<RedemptionState> {
  const redemptionId = row.id;
  const notice = toApprover(row.approverEmail ?? '', row, row.approverName);
  const outcome = decision.approve ? 'approved' : 'rejected';
  let settled: Awaited<ReturnType<typeof settleWithNotice>>;
  try {
    settled = await settleWithNotice(d.db, { redemptionId, outcome, by: decision.by, on: await d.today(), notice });
  } catch (err) {
    if (err instanceof CreditRefusal) throw new RedemptionConflict(err.message, err.problems);
    throw err;
  }
  if (settled.status !== outcome) throw new RedemptionConflict(`Redemption ${redemptionId} is already ${settled.status}`);
  // An approval turns a hold into a redemption of the same credits: only a rejection changes a balance.
  if (outcome === 'rejected') d.lots.tell(settled.lotIds);
  sendAfterAnswer(d, settled.notice);
  return {
    redemptionId,
    status: outcome,
    credits: row.credits,
    allocation: settled.allocation,
    holdUntil: row.holdUntil,
    decidedBy: decision.by,
  };
}

const sending = new Set<Promise<void>>();

/**
 * Emails a notice the desk has just committed, while the answer goes back (the caller does not wait on
 * SMTP). If the send fails (no mailer, SMTP down) a `deliverNotice` workflow takes it over and retries;
 * the daily holds run sends any notice left behind by a crash.
 */
function sendAfterAnswer(d: RedemptionDeskDeps, notice: Notice): void {
  const sent: Promise<void> = send(d, notice)
    .catch(() => undefined) // the daily run's outbox scan is the last resort
    .finally(() => sending.delete(sent));
  sending.add(sent);
}

async function send(d: RedemptionDeskDeps, notice: Notice): Promise<void> {
  if (d.mail) {
    try {
      return await deliverNotice({ db: d.db, mailer: d.mail.mailer, mailFrom: d.mail.from, publicUrl: d.mail.publicUrl }, notice);
    } catch {
      // a deliverNotice workflow takes it over
    }
  }
  await handOffNotice(d.temporal, d.taskQueue, notice.id);
}

/** A committed notice given to a `deliverNotice` workflow, which sends it with retries (once per key). */
export async function handOffNotice(temporal: Client, taskQueue: string, key: string): Promise<void> {
  await temporal.workflow.start(deliverNoticeWorkflow, { workflowId: `notice-${key}`, taskQueue, args: [key] }).catch((err: unknown) => {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  });
}

/** The desk's emails still on their way: a stopping API waits for them (and tests that read the outbox). */
export async function emailsInFlight(): Promise<void> {
  while (sending.size) await Promise.all([...sending]);
}
