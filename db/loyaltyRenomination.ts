import type { IsoDate } from '../domain/calendar';
import { recordAudit } from './audit';
import { REDEMPTIONS, balancesOf, lockLots, writeLedger, type RedemptionRecord, type Trx } from './credits';
import { settleRedemption } from './creditsRedemptions';
import { ACCOUNTS } from './loyalty';

// LOY-10 [default]: a new lifecycle of an account starts with none of the earlier one's credits. When the
// group is nominated again, the earlier lifecycle's waiting redemptions end (their holds released) and the
// unused balance of each of the account's lots is forfeited, in the nomination's transaction with its audit
// row: the new Team Captain and Account Manager neither see nor spend what the earlier lifecycle left.

export interface Renomination {
  accountId: string;
  /** The lifecycle the nomination starts (2 or more). */
  lifecycle: number;
  nominatedBy: string;
  nominatedOn: IsoDate;
  teamCaptain: { ccoId: string };
}

interface EndingLifecycle {
  lifecycle: number;
  state: string;
  captain_cco_id: string;
  account_manager_id: string | null;
}

/**
 * Ends the earlier lifecycle's credits and records the re-nomination; the ids of the lots whose balance it
 * moved. Run again (a retried activity whose first attempt committed) it finds the new lifecycle and does nothing.
 */
export async function endEarlierLifecycle(trx: Trx, n: Renomination): Promise<string[]> {
  const earlier = await trx(ACCOUNTS)
    .where({ id: n.accountId })
    .forUpdate()
    .first<EndingLifecycle | undefined>('lifecycle', 'state', 'captain_cco_id', 'account_manager_id');
  if (!earlier || earlier.lifecycle >= n.lifecycle) return [];
  const released = await releaseWaiting(trx, n);
  const forfeited = await forfeitBalances(trx, n);
  await recordAudit(trx, {
    actor: n.nominatedBy,
    action: 'account.renominated',
    entityType: 'account',
    entityId: n.accountId,
    before: {
      lifecycle: earlier.lifecycle,
      state: earlier.state,
      captainCcoId: earlier.captain_cco_id,
      accountManagerId: earlier.account_manager_id,
    },
    after: {
      lifecycle: n.lifecycle,
      captainCcoId: n.teamCaptain.ccoId,
      accountManagerId: /^account-manager:(.+)$/.exec(n.nominatedBy)?.[1] ?? null,
      releasedRedemptions: released,
      forfeited,
    },
  });
  return [...new Set(forfeited.map((f) => f.lotId))];
}

/** The earlier lifecycle's requests still waiting: ended as a hold that ran out is (status `expired`), by the nomination. */
async function releaseWaiting(trx: Trx, n: Renomination): Promise<string[]> {
  const waiting = await trx<RedemptionRecord>(REDEMPTIONS).where({ account_id: n.accountId, status: 'pending' }).orderBy('id').pluck('id');
  for (const id of waiting) await settleRedemption(trx, id, 'expired', n.nominatedBy, n.nominatedOn);
  return waiting;
}

/** What is left on each of the account's lots, forfeited in the ledger (CLC-8: who, when, why). */
async function forfeitBalances(trx: Trx, n: Renomination): Promise<{ lotId: string; credits: number }[]> {
  const lots = await lockLots(trx, (q) => q.where({ account_id: n.accountId }));
  const balances = await balancesOf(
    trx,
    lots.map((l) => l.id),
  );
  const left = [...balances].filter(([, balance]) => balance > 0).map(([lotId, credits]) => ({ lotId, credits }));
  for (const { lotId, credits } of left)
    await writeLedger(trx, {
      lotId,
      kind: 'forfeit',
      credits: -credits,
      actor: n.nominatedBy,
      reason: `LOY-10: account ${n.accountId} nominated again (lifecycle ${n.lifecycle}); the earlier lifecycle's credits end`,
      key: `${lotId}:forfeit:lifecycle-${n.lifecycle}`,
      on: n.nominatedOn,
    });
  return left;
}
