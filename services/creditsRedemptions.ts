import type { Knex } from 'knex';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { AuditActor, AuditEntry } from '../db/audit';
import type { Mailer } from './mailer';
import { deliverNotice } from './outbox';
import type { LotBalanceNews } from './credits';
import { CreditRefusal } from '../db/credits';
import type { Hold } from '../db/creditsRedemptions';
import type { Notice } from '../db/notifications';
import type { IsoDate } from '../domain/calendar';
import { requestProblems, type Learner, type RedemptionKind } from '../domain/credits';
import { APPROVER_NAME, holdWithNotice, settleWithNotice, type Allocation, type RedemptionNotice } from './creditsRedemptionNotices';
import { deliverNotice as deliverNoticeWorkflow } from '../workflows/creditsSchedules';

// CLC-5 … CLC-7: redemptions. A request and its decision are each one ledger transaction
// (db/creditsRedemptions.ts) written with the notice it announces (ALL-2, services/creditsRedemptionNotices.ts),
// shared by the API's redemption desk and the activities that release the holds that run out. The desk emails the notice as the answer
// goes back: a redemption answers at the speed of Postgres, with no Temporal round trip. Temporal keeps
// what needs time: the daily `redemptionHolds` schedule releases the holds that run out (45 days, or the
// lots' expiry), a `deliverNotice` workflow retries an email the desk could not send, and the lots hear
// their balances in batches (services/credits.ts lotBalanceNews).

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
  /** CLC-5: what the credits pay for, and for training and exams who takes it. */
  paysFor?: string;
  learner?: Learner;
  details?: Record<string, unknown>;
  requestedBy: string;
  /** Issue 24: who asked, with the display name, for the request's audit row. */
  actor?: AuditActor;
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
  /** CLC-5: the exam voucher an approval issued. */
  voucherId: string | null;
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

/** Issue 24: `redemption.<what>` by `by`, in the transaction of the change. */
const redemptionAudit = (by: AuditActor, redemptionId: string, what: string, before: unknown, after: unknown): AuditEntry => ({
  actor: by.actor,
  actorName: by.name,
  action: `redemption.${what}`,
  entityType: 'redemption',
  entityId: redemptionId,
  before,
  after,
});

const toApprover = (email: string, r: Omit<RedemptionNotice, 'to'>, name?: string | null): RedemptionNotice => ({
  to: { name: name ?? APPROVER_NAME, email },
  accountId: r.accountId,
  credits: r.credits,
  kind: r.kind,
});

/** CLC-6, CLC-7: holds the credits (or redeems them at once with auto-approval). Short or against a rule: CreditRefusal. */
export async function requestRedemption(d: RedemptionDeskDeps, input: RedemptionInput): Promise<RedemptionState> {
  // CLC-5: what it pays for, and whose training it is, before any credits move.
  const missing = requestProblems(input);
  if (missing.length) throw new CreditRefusal(missing);
  const { kind, credits, startsOn, paysFor, learner, details } = input;
  const hold: Hold = {
    redemptionId: input.redemptionId,
    accountId: input.accountId,
    lotId: input.lotId,
    request: { kind, credits, requestedOn: await d.today(), startsOn, paysFor, learner, details },
    requestedBy: input.requestedBy,
    redeemNow: input.autoApprove,
  };
  const asked = { accountId: input.accountId, lotId: input.lotId ?? null, ...hold.request };
  const audit = input.actor && redemptionAudit(input.actor, input.redemptionId, 'requested', null, asked);
  const held = await holdWithNotice(d.db, hold, toApprover(input.approverEmail, input), audit);
  d.lots.tell(held.allocation.map((a) => a.lotId));
  for (const n of held.notices) sendAfterAnswer(d, n);
  // Redeemed at once (no hold) when auto-approved: an account's switch as the transaction read it.
  const redeemed = held.holdUntil === null;
  return {
    redemptionId: input.redemptionId,
    status: redeemed ? 'approved' : 'pending',
    credits: input.credits,
    allocation: held.allocation,
    holdUntil: held.holdUntil,
    decidedBy: redeemed ? 'auto-approval' : null,
    voucherId: held.voucher?.voucherId ?? null,
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
  decision: { approve: boolean; by: string; actor?: AuditActor },
): Promise<RedemptionState> {
  const redemptionId = row.id;
  const notice = toApprover(row.approverEmail ?? '', row, row.approverName);
  const outcome = decision.approve ? 'approved' : 'rejected';
  const on = await d.today();
  const audit = decision.actor && redemptionAudit(decision.actor, redemptionId, 'decided', { status: 'pending' }, { status: outcome, on });
  let settled: Awaited<ReturnType<typeof settleWithNotice>>;
  try {
    settled = await settleWithNotice(d.db, { redemptionId, outcome, by: decision.by, on, notice, audit });
  } catch (err) {
    if (err instanceof CreditRefusal) throw new RedemptionConflict(err.message, err.problems);
    throw err;
  }
  if (settled.status !== outcome) throw new RedemptionConflict(`Redemption ${redemptionId} is already ${settled.status}`);
  // An approval turns a hold into a redemption of the same credits: only a rejection changes a balance.
  if (outcome === 'rejected') d.lots.tell(settled.lotIds);
  for (const n of settled.notices) sendAfterAnswer(d, n);
  return {
    redemptionId,
    status: outcome,
    credits: row.credits,
    allocation: settled.allocation,
    holdUntil: row.holdUntil,
    decidedBy: decision.by,
    voucherId: settled.voucher?.voucherId ?? null,
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
      // Sent, or failed for good (in ops' failed-notices queue): either way nothing is left to retry.
      await deliverNotice({ db: d.db, mailer: d.mail.mailer, mailFrom: d.mail.from, publicUrl: d.mail.publicUrl }, notice);
      return;
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
