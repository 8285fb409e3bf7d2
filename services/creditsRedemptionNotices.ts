import type { Knex } from 'knex';
import { recordAudit, type AuditEntry } from '../db/audit';
import { placeHold, settleRedemption, type Hold, type Settlement } from '../db/creditsRedemptions';
import { allocationsOf, type AllocatedCredits } from '../db/creditsReads';
import type { ExamVoucher } from '../db/creditsVouchers';
import { enqueueNotice, noticeKey, type Notice } from '../db/notifications';
import type { IsoDate } from '../domain/calendar';
import * as notices from '../emails/credits';
import { enqueueVoucherIssued } from './creditsVouchers';

// CLC-5, CLC-6: a redemption's ledger transactions (db/creditsRedemptions.ts) with the notices they
// announce, written in the same transaction (ALL-2): the request waiting for its approver, its settlement,
// and the exam voucher an approval issues. Shared by the API's desk (services/creditsRedemptions.ts) and
// the activities (the holds that run out, auto-approval turned on).

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
 * written in the same transaction, and so is its audit row, when the caller carries one (issue 24; keyed by
 * the request: a keyed retry finding it placed records nothing twice). Throws CreditRefusal.
 */
export async function holdWithNotice(
  db: Knex,
  hold: Hold,
  notice: RedemptionNotice,
  audit?: AuditEntry,
): Promise<{ allocation: Allocation; holdUntil: IsoDate | null; voucher: ExamVoucher | null; notices: Notice[] }> {
  const key = redemptionNoticeKey(hold.redemptionId, 'waiting');
  let written: Notice[] = [];
  const { allocation, holdUntil, voucher } = await placeHold(db, hold, async (trx, held) => {
    written = [];
    const status = held.holdUntil === null ? 'approved' : 'pending';
    if (audit) await recordAudit(trx, { ...audit, after: { ...(audit.after as object), status }, key: `${hold.redemptionId}:requested` });
    // CLC-5: redeemed at once, an exam voucher is issued to its learner, who is told.
    if (held.voucher) written.push(await enqueueVoucherIssued(trx, held.voucher));
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
    const waiting: Notice = { id: key, accountId: notice.accountId, kind: 'redemption-waiting', recipient: to.email, ...text };
    await enqueueNotice(trx, waiting);
    written.push(waiting);
  });
  return { allocation, holdUntil, voucher, notices: written };
}

/**
 * CLC-6: approval, rejection or expiry, with its notice in the same transaction (and, for an approved
 * exam voucher, the holder's: CLC-5), and its audit row when the caller carries one (issue 24; only when
 * this transaction settled it). Returns the status it has.
 */
export async function settleWithNotice(
  db: Knex,
  input: { redemptionId: string; outcome: Settlement; by: string; on: IsoDate; notice: RedemptionNotice; audit?: AuditEntry },
): Promise<{
  status: string;
  noticeKey: string;
  notice: Notice;
  allocation: Allocation;
  lotIds: string[];
  voucher: ExamVoucher | null;
  notices: Notice[];
}> {
  const noticeKey = redemptionNoticeKey(input.redemptionId, 'settled');
  // What the transaction wrote (closures assign it; the last attempt's stands).
  const out: { notice?: Notice; allocation: Allocation; voucher: ExamVoucher | null; voucherNotice?: Notice } = {
    allocation: [],
    voucher: null,
  };
  const status = await settleRedemption(db, input.redemptionId, input.outcome, input.by, input.on, async (trx, outcome, read, voucher) => {
    // `read` is the allocation this transaction settled; none when it was settled before.
    if (read && input.audit) await recordAudit(trx, { ...input.audit, key: `${input.redemptionId}:settled` });
    out.allocation = read ?? (await allocationsOf(trx, input.redemptionId));
    const text = notices.redemptionSettled({
      name: input.notice.to.name,
      redemptionId: input.redemptionId,
      credits: input.notice.credits,
      outcome,
    });
    out.notice = {
      id: noticeKey,
      accountId: input.notice.accountId,
      kind: 'redemption-settled',
      recipient: input.notice.to.email,
      ...text,
    };
    await enqueueNotice(trx, out.notice);
    out.voucher = voucher ?? null;
    out.voucherNotice = voucher ? await enqueueVoucherIssued(trx, voucher) : undefined;
  });
  const notice = out.notice!;
  return {
    status,
    noticeKey,
    notice,
    allocation: out.allocation,
    lotIds: out.allocation.map((a) => a.lotId),
    voucher: out.voucher,
    notices: out.voucherNotice ? [notice, out.voucherNotice] : [notice],
  };
}
