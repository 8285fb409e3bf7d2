import { expireDueVouchers, markReminded, vouchersToRemind } from '../db/creditsVouchers';
import type { IsoDate } from '../domain/calendar';
import { VOUCHER_REMINDER_DAYS_BEFORE } from '../domain/credits';
import { enqueueVoucherReminder } from '../services/creditsVouchers';
import type { ActivityDeps } from './index';

// CLC-5 (amended): what the daily voucher run does (workflows/creditsSchedules.ts examVouchers). Each is
// safe to retry: a reminder is recorded once per voucher, and expiry only moves issued vouchers.

export function createVoucherActivities({ db }: ActivityDeps) {
  return {
    /**
     * CLC-5: the holders of vouchers whose reminder day has come (30 days before expiry) are reminded, at
     * most `limit`, each reminder recorded with its notice in one transaction; returns the notice keys.
     */
    async remindDueVouchers(input: { on: IsoDate; limit: number }): Promise<{ noticeKeys: string[]; more: boolean }> {
      const due = await vouchersToRemind(db, input.on, input.limit + 1);
      const noticeKeys: string[] = [];
      for (const v of due.slice(0, input.limit)) {
        const key = await db.transaction(async (trx) =>
          (await markReminded(trx, v.voucherId, input.on)) ? enqueueVoucherReminder(trx, v, VOUCHER_REMINDER_DAYS_BEFORE) : null,
        );
        if (key) noticeKeys.push(key);
      }
      return { noticeKeys, more: due.length > input.limit };
    },

    /** CLC-5: vouchers past their expiry day are expired, unrefunded; returns how many. */
    expireVouchers: (input: { on: IsoDate }): Promise<number> => expireDueVouchers(db, input.on),
  };
}
