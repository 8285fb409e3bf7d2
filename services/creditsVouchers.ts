import type { Knex } from 'knex';
import type { ExamVoucher } from '../db/creditsVouchers';
import { enqueueNotice, noticeKey, type Notice } from '../db/notifications';
import * as notices from '../emails/credits';

// CLC-5 (amended): the notices of an exam voucher, to its holder: issued (written in the transaction of the
// approval that issued it) and, 30 days before it expires, the reminder (the daily voucher run).

export const voucherNoticeKey = (voucherId: string, event: 'issued' | 'reminder') => noticeKey('voucher', voucherId, event);

/** The "voucher issued" notice, enqueued once in the caller's transaction; returned for sending. */
export async function enqueueVoucherIssued(trx: Knex | Knex.Transaction, v: ExamVoucher): Promise<Notice> {
  const text = notices.voucherIssued({
    name: v.holder.name,
    voucherId: v.voucherId,
    exam: v.exam,
    issuedOn: v.issuedOn,
    expiresOn: v.expiresOn,
  });
  const notice: Notice = {
    id: voucherNoticeKey(v.voucherId, 'issued'),
    accountId: v.accountId,
    kind: 'voucher-issued',
    recipient: v.holder.email,
    ...text,
  };
  await enqueueNotice(trx, notice);
  return notice;
}

/** The reminder before expiry, enqueued once in the caller's transaction; returns its key. */
export async function enqueueVoucherReminder(trx: Knex | Knex.Transaction, v: ExamVoucher, daysBefore: number): Promise<string> {
  const id = voucherNoticeKey(v.voucherId, 'reminder');
  const text = notices.voucherReminder({ name: v.holder.name, voucherId: v.voucherId, exam: v.exam, expiresOn: v.expiresOn, daysBefore });
  await enqueueNotice(trx, { id, accountId: v.accountId, kind: 'voucher-reminder', recipient: v.holder.email, ...text });
  return id;
}
