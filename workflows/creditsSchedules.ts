import { proxyActivities, continueAsNew } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { addMonths } from '../domain/calendar';
import { today } from './clock';
import type { IsoDate } from '../domain/calendar';
import { locals, sendNoticeSoon } from './shared';

// The time-driven part of the API's redemptions (api/redemptionDesk.ts), which write their holds and
// decisions in Postgres themselves.

const BATCH = 100;

/**
 * CLC-6: run daily at 00:00 UTC by a Temporal Schedule: every hold whose hold-until date has come (45
 * days after the request, or the lots' expiry if sooner) and still undecided is released, and its
 * captain told; then any redemption email the API could not send goes out. A run that finds thousands
 * continues as new in batches, so its history stays small.
 */
export async function redemptionHolds(carried?: {
  on: IsoDate;
  released: number;
}): Promise<{ on: IsoDate; released: number; resent: number }> {
  const on = carried?.on ?? today();
  let released = carried?.released ?? 0;
  for (let batches = 0; ; batches++) {
    const batch = await locals.expireDueHolds({ on, limit: BATCH });
    await Promise.all(batch.noticeKeys.map(sendNoticeSoon));
    released += batch.noticeKeys.length;
    if (!batch.more) break;
    if (batches >= 20) return continueAsNew<typeof redemptionHolds>({ on, released });
  }
  const unsent = await locals.unsentDeskNotices({ limit: BATCH });
  await Promise.all(unsent.map(sendNoticeSoon));
  return { on, released, resent: unsent.length };
}

/**
 * CLC-5: run daily at 00:00 UTC by a Temporal Schedule, the exam vouchers' own days: those past their expiry
 * are expired (unrefunded), and the holders of those expiring in 30 days are reminded, once each. The
 * durable timer of every voucher at once, as the holds run is of every hold: a voucher is a row, not a
 * workflow, since the API's desk issues it in a Postgres transaction.
 */
export async function examVouchers(carried?: {
  on: IsoDate;
  reminded: number;
  expired: number;
}): Promise<{ on: IsoDate; reminded: number; expired: number }> {
  const on = carried?.on ?? today();
  const expired = carried?.expired ?? (await locals.expireVouchers({ on }));
  let reminded = carried?.reminded ?? 0;
  for (let batches = 0; ; batches++) {
    const batch = await locals.remindDueVouchers({ on, limit: BATCH });
    await Promise.all(batch.noticeKeys.map(sendNoticeSoon));
    reminded += batch.noticeKeys.length;
    if (!batch.more) break;
    if (batches >= 20) return continueAsNew<typeof examVouchers>({ on, reminded, expired });
  }
  return { on, reminded, expired };
}

/** One email the API could not send: delivered with retries (ALL-2). Started by the API, id `notice-<key>`. */
export async function deliverNotice(key: string): Promise<void> {
  await sendNoticeSoon(key);
}

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

/**
 * CLC-8: on the first of each month (a Temporal Schedule starts this), every owner's statement of last
 * month's activity is stored and emailed. `month` (YYYY-MM) is for a manual re-run.
 */
export async function monthlyStatements(month?: string): Promise<{ month: string; statements: number; sent: number }> {
  const of = month ?? addMonths(today(), -1).slice(0, 7);
  const statements = await acts.buildStatements(of);
  const sent = await acts.sendStatements(of);
  return { month: of, statements, sent };
}
