import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { CreditRefusal } from '../db/credits';
import { waitingRedemptionsOf } from '../db/creditsWaiting';
import { accountOwner } from '../db/creditsReads';
import { enqueueNotice, noticeKey } from '../db/notifications';
import type { IsoDate } from '../domain/calendar';
import * as notices from '../emails/credits';
import { settleWithNotice } from './creditsRedemptionNotices';
import { handOffNotice } from './creditsRedemptions';

// CLC-6 (amended): what a loyalty account's own changes mean for its waiting redemptions. A replaced
// captain's waiting requests pass to the new captain, who is told; auto-approval turned on approves the
// requests already waiting. The account's activities call these once the change is recorded
// (activities/loyalty.ts), so the loyalty workflow's commands stay as they were. Who decides a request is
// read from the account at decision time (db/creditsReads.ts approverColumns), so "passing" a request
// is telling its new captain; the redemption desk reads the account under a share lock, so no request
// placed while the account changes is missed (db/creditsRedemptions.ts placeHold).

export interface HandoverDeps {
  db: Knex;
  temporal: Client;
  /** Where the notices' deliverNotice workflows run. */
  taskQueue: string;
}

/** The most requests one handover email lists; the rest are in the captain's list of waiting requests. */
const LISTED = 50;

/**
 * CLC-6: tells the account's new Team Captain which requests now wait for them (none: no email). Once per
 * captain change: the notice is keyed by the change.
 */
export async function handOverWaitingRedemptions(
  d: HandoverDeps,
  a: { accountId: string; captain: { name: string; email: string; ccoId: string }; changeNumber: number },
): Promise<string | null> {
  const waiting = await waitingRedemptionsOf(d.db, a.accountId, LISTED);
  if (waiting.length === 0) return null;
  const key = noticeKey('account', a.accountId, `captain-${a.changeNumber}-${a.captain.ccoId}-redemptions-waiting`);
  const email = notices.redemptionsHandedOver({
    name: a.captain.name,
    accountId: a.accountId,
    waiting: waiting.map((w) => ({ redemptionId: w.id, credits: w.credits, kind: w.kind, holdUntil: w.holdUntil })),
  });
  await enqueueNotice(d.db, { id: key, accountId: a.accountId, kind: 'redemptions-handed-over', recipient: a.captain.email, ...email });
  await handOffNotice(d.temporal, d.taskQueue, key);
  return key;
}

/**
 * CLC-6 [default]: auto-approval turned on approves every request of the account already waiting, on `on`,
 * each told to the captain as a decision is. A request whose credits expired meanwhile cannot be approved:
 * it stays for the daily run to release (a data fact, never retried). Returns the ids approved.
 */
export async function approveWaitingRedemptions(d: HandoverDeps, a: { accountId: string; on: IsoDate }): Promise<string[]> {
  const owner = await accountOwner(d.db, a.accountId);
  if (!owner) return [];
  const approved: string[] = [];
  const refused: string[] = [];
  for (;;) {
    // Each approved request leaves the waiting ones; one that cannot be approved is passed over.
    const page = await waitingRedemptionsOf(d.db, a.accountId, 100, refused);
    if (page.length === 0) return approved;
    for (const r of page) {
      const notice = {
        to: { name: owner.captainName, email: owner.captainEmail },
        accountId: a.accountId,
        credits: r.credits,
        kind: r.kind,
      };
      try {
        const settled = await settleWithNotice(d.db, { redemptionId: r.id, outcome: 'approved', by: 'auto-approval', on: a.on, notice });
        if (settled.status === 'approved') approved.push(r.id);
        for (const n of settled.notices) await handOffNotice(d.temporal, d.taskQueue, n.id);
      } catch (err) {
        if (!(err instanceof CreditRefusal)) throw err;
        refused.push(r.id);
      }
    }
  }
}
