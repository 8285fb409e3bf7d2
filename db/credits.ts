import type { Knex } from 'knex';
import type { IsoDate } from '../domain/calendar';
import type { RedemptionKind } from '../domain/credits';

// The credit ledger (CLC-3 … CLC-8): the lots, their ledger entries, and the writes that change a lot
// (award, expiry, extension). Balances are derived from ledger_entries; every write that moves credits
// locks the lots it touches (SELECT … FOR UPDATE, in id order), so concurrent requests queue on the lot
// rows and no balance goes below zero. A redemption's writes (hold, settle): db/creditsRedemptions.ts.

export type Trx = Knex.Transaction;

export const LOTS = 'credit_lots';
export const LEDGER = 'ledger_entries';
export const REDEMPTIONS = 'redemptions';
export const ALLOCATIONS = 'redemption_allocations';
export const EXTENSION_REQUESTS = 'extension_requests';

export type RedemptionStatus = 'pending' | 'approved' | 'rejected' | 'expired';

// The tables as Postgres returns them (DATE columns as 'YYYY-MM-DD', db/connect.ts). The domain names of
// their columns: db/creditsReads.ts.

export interface CreditLotRecord {
  id: string;
  account_id: string | null;
  owner_email: string;
  source: 'award' | 'purchase';
  state: 'pending' | 'active' | 'expired' | 'closed';
  credits: number;
  issued_on: IsoDate;
  activates_on: IsoDate;
  expires_on: IsoDate;
  extended_to: IsoDate | null;
  award_quarter: string | null;
}

export interface LedgerRecord {
  lot_id: string;
  kind: 'award' | 'purchase' | 'hold' | 'release' | 'redemption' | 'forfeit' | 'extension';
  credits: number;
  actor: string;
  reason: string;
  idempotency_key: string;
  occurred_on: IsoDate;
}

export interface RedemptionRecord {
  id: string;
  account_id: string | null;
  kind: RedemptionKind;
  credits: number;
  details: Record<string, unknown>;
  requested_by: string;
  requested_on: IsoDate;
  status: RedemptionStatus;
  hold_until: IsoDate | null;
  decided_by: string | null;
  decided_on: IsoDate | null;
  /** CLC-5: what it pays for, and for training and exams its learner (null on requests made before them). */
  pays_for: string | null;
  learner_name: string | null;
  learner_email: string | null;
}

export interface AllocationRecord {
  redemption_id: string;
  lot_id: string;
  credits: number;
  status: 'held' | 'redeemed' | 'released';
}

export class CreditRefusal extends Error {
  constructor(readonly problems: { field: string; message: string }[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

export async function balancesOf(db: Knex | Trx, lotIds: string[]): Promise<Map<string, number>> {
  const rows = lotIds.length
    ? await db(LEDGER)
        .whereIn('lot_id', lotIds)
        .groupBy('lot_id')
        .select<{ lot_id: string; balance: string }[]>('lot_id', db.raw('sum(credits) as balance'))
    : [];
  return new Map(lotIds.map((id) => [id, Number(rows.find((r) => r.lot_id === id)?.balance ?? 0)]));
}

export const lotBalance = async (db: Knex | Trx, lotId: string) => (await balancesOf(db, [lotId])).get(lotId) ?? 0;

/** A ledger entry, written once: a retry with the same business key writes nothing (CLC-8). */
export async function writeLedger(
  trx: Trx,
  entry: { lotId: string; kind: LedgerRecord['kind']; credits: number; actor: string; reason: string; key: string; on: IsoDate },
): Promise<void> {
  await trx<LedgerRecord>(LEDGER)
    .insert({
      lot_id: entry.lotId,
      kind: entry.kind,
      credits: entry.credits,
      actor: entry.actor,
      reason: entry.reason,
      idempotency_key: entry.key,
      occurred_on: entry.on,
    })
    .onConflict('idempotency_key')
    .ignore();
}

export const lockLots = (trx: Trx, where: (q: Knex.QueryBuilder<CreditLotRecord>) => unknown) =>
  trx<CreditLotRecord>(LOTS).where(where).orderBy('id').forUpdate().select('id', 'expires_on', 'state', 'account_id', 'owner_email');

/** CLC-6: gives a hold's credits back to its lot, and marks the allocation `status` (released, or redeemed next). */
export async function releaseHold(
  trx: Trx,
  held: Pick<AllocationRecord, 'redemption_id' | 'lot_id' | 'credits'>,
  why: { actor: string; reason: string; on: IsoDate; status: 'released' | 'redeemed' },
): Promise<void> {
  await writeLedger(trx, {
    lotId: held.lot_id,
    kind: 'release',
    credits: held.credits,
    actor: why.actor,
    reason: why.reason,
    key: `${held.redemption_id}:${held.lot_id}:release`,
    on: why.on,
  });
  await trx<AllocationRecord>(ALLOCATIONS).where({ redemption_id: held.redemption_id, lot_id: held.lot_id }).update({ status: why.status });
}

/** CLC-3, CLC-6: at expiry, holds on the lot are released and the unused balance forfeited. */
export async function forfeitLot(db: Knex, lotId: string, expiry: IsoDate): Promise<number> {
  return db.transaction(async (trx) => {
    await lockLots(trx, (q) => q.where({ id: lotId }));
    const held = await trx<AllocationRecord>(ALLOCATIONS).where({ lot_id: lotId, status: 'held' });
    for (const a of held) {
      const reason = `request ${a.redemption_id}: credits expired`;
      await releaseHold(trx, a, { actor: 'system:expiry', reason, on: expiry, status: 'released' });
    }
    const balance = await lotBalance(trx, lotId);
    const key = `${lotId}:forfeit:${expiry}`;
    if (balance > 0)
      await writeLedger(trx, {
        lotId,
        kind: 'forfeit',
        credits: -balance,
        actor: 'system:expiry',
        reason: `expired on ${expiry}`,
        key,
        on: expiry,
      });
    await trx<CreditLotRecord>(LOTS).where({ id: lotId }).update({ state: 'expired' });
    const forfeited = await trx<LedgerRecord>(LEDGER).where({ idempotency_key: key }).first('credits');
    return forfeited ? -forfeited.credits : 0;
  });
}

/** CLC-4: the one extension; approved after expiry, the forfeited balance comes back. */
export async function extendLot(
  db: Knex,
  lotId: string,
  input: { newExpiry: IsoDate; restore: number; by: string; requestId: string; on: IsoDate },
): Promise<void> {
  await db.transaction(async (trx) => {
    await lockLots(trx, (q) => q.where({ id: lotId }));
    await writeLedger(trx, {
      lotId,
      kind: 'extension',
      credits: input.restore,
      actor: input.by,
      reason: `extended to ${input.newExpiry} (request ${input.requestId})`,
      key: `${lotId}:extension`,
      on: input.on,
    });
    await trx<CreditLotRecord>(LOTS)
      .where({ id: lotId })
      .update({ expires_on: input.newExpiry, extended_to: input.newExpiry, state: 'active' });
    await trx(EXTENSION_REQUESTS).where({ id: input.requestId }).update({ status: 'approved', decided_by: input.by, decided_on: input.on });
  });
}
