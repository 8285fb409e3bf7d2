// A redemption's ledger writes with the notice each one announces, in one transaction (ALL-2), and the
// news of the lots' new balances. Shared by the redemption activities (workflows) and the API's
// redemption desk, which makes the same writes without a workflow in between.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { balancesOf, placeHold, settleRedemption, type Hold } from '../db/credits';
import { enqueueNotice, type Notice } from '../db/notifications';
import type { IsoDate } from '../domain/calendar';
import { balanceChangedSignal, creditLotWorkflowId } from '../workflows/creditDefinitions';
import * as notices from './creditNotices';

/** Who hears about a redemption and what it is. */
export interface RedemptionNotice {
  to: { name: string; email: string };
  accountId: string | null;
  credits: number;
  kind: string;
}

/** How a redemption's notices address whoever approves it (the account's Team Captain, or the buyer). */
export const APPROVER_NAME = 'Team Captain';

export type Allocation = { lotId: string; credits: number }[];

export const redemptionNoticeKey = (redemptionId: string, event: 'waiting' | 'settled') => `redemption-${redemptionId}:${event}`;

/**
 * CLC-6, CLC-7: holds (or with `redeemNow` redeems) the credits; a pending request's "waiting" notice is
 * written in the same transaction. Throws CreditRefusal.
 */
export async function holdWithNotice(db: Knex, hold: Hold, notice: RedemptionNotice): Promise<{ allocation: Allocation; holdUntil: IsoDate | null; noticeKey: string | null; notice: Notice | null }> {
  const noticeKey = hold.redeemNow ? null : redemptionNoticeKey(hold.redemptionId, 'waiting');
  let written: Notice | null = null;
  const { allocation, holdUntil } = await placeHold(db, hold, async (trx, held) => {
    if (!noticeKey) return;
    const text = notices.approvalWaiting({ name: notice.to.name, redemptionId: hold.redemptionId, credits: notice.credits, kind: notice.kind, holdUntil: held.holdUntil! });
    written = { id: noticeKey, accountId: notice.accountId, kind: 'redemption-waiting', recipient: notice.to.email, ...text };
    await enqueueNotice(trx, written);
  });
  return { allocation, holdUntil, noticeKey, notice: written };
}

/** CLC-6: approval, rejection or expiry, with its notice in the same transaction. Returns the status it has. */
export async function settleWithNotice(
  db: Knex,
  input: { redemptionId: string; outcome: 'approved' | 'rejected' | 'expired'; by: string; on: IsoDate; notice: RedemptionNotice },
): Promise<{ status: string; noticeKey: string; notice: Notice; allocation: Allocation; lotIds: string[] }> {
  const noticeKey = redemptionNoticeKey(input.redemptionId, 'settled');
  let written: Notice | undefined;
  let allocation: Allocation = [];
  const status = await settleRedemption(db, input.redemptionId, input.outcome, input.by, input.on, async (trx, outcome, read) => {
    allocation = read ?? (await trx('redemption_allocations').where({ redemption_id: input.redemptionId }).orderBy('lot_id').select('lot_id as lotId', 'credits'));
    const text = notices.redemptionSettled({ name: input.notice.to.name, redemptionId: input.redemptionId, credits: input.notice.credits, outcome });
    written = { id: noticeKey, accountId: input.notice.accountId, kind: 'redemption-settled', recipient: input.notice.to.email, ...text };
    await enqueueNotice(trx, written);
  });
  return { status, noticeKey, notice: written!, allocation, lotIds: allocation.map((a) => a.lotId) };
}

/**
 * Keeps each lot's Balance search attribute current: its balance read after the ledger write committed,
 * signalled to the lot's workflow. A lot without a running workflow (closed, or written directly in SQL)
 * needs no news.
 */
export async function tellLots(temporal: Client, db: Knex, lotIds: string[]): Promise<Map<string, number>> {
  const balances = await balancesOf(db, lotIds);
  await Promise.all(
    [...balances].map(([lotId, balance]) =>
      temporal.workflow.getHandle(creditLotWorkflowId(lotId)).signal(balanceChangedSignal, balance).catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }),
    ),
  );
  return balances;
}
