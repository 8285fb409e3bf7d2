import type { Knex } from 'knex';
import { allocateNearestExpiryFirst, holdReleaseDate, redemptionProblems, type RedemptionRequest } from '../domain/credits';
import type { IsoDate } from '../domain/calendar';

// The credit ledger (CLC-6 … CLC-8). Balances are derived from ledger_entries; every write that moves
// credits locks the lots it touches (SELECT … FOR UPDATE, in id order), so concurrent requests queue on
// the lot rows and no balance goes below zero.

type Trx = Knex.Transaction;

export const LOTS = 'credit_lots';
export const LEDGER = 'ledger_entries';
export const REDEMPTIONS = 'redemptions';
export const ALLOCATIONS = 'redemption_allocations';
export const EXTENSION_REQUESTS = 'extension_requests';

export type RedemptionStatus = 'pending' | 'approved' | 'rejected' | 'expired';

export class CreditRefusal extends Error {
  constructor(readonly problems: { field: string; message: string }[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

export async function balancesOf(db: Knex | Trx, lotIds: string[]): Promise<Map<string, number>> {
  const rows: { lot_id: string; balance: string }[] = lotIds.length
    ? await db(LEDGER).whereIn('lot_id', lotIds).groupBy('lot_id').select('lot_id', db.raw('sum(credits) as balance'))
    : [];
  return new Map(lotIds.map((id) => [id, Number(rows.find((r) => r.lot_id === id)?.balance ?? 0)]));
}

export const lotBalance = async (db: Knex | Trx, lotId: string) => (await balancesOf(db, [lotId])).get(lotId) ?? 0;

async function ledger(
  trx: Trx,
  entry: { lotId: string; kind: string; credits: number; actor: string; reason: string; key: string; on: IsoDate },
) {
  await trx(LEDGER)
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

const lockLots = (trx: Trx, where: (q: Knex.QueryBuilder) => unknown) =>
  trx(LOTS).where(where).orderBy('id').forUpdate().select('id', 'expires_on', 'state', 'account_id', 'owner_email');

export interface Hold {
  redemptionId: string;
  accountId: string | null;
  lotId?: string;
  request: RedemptionRequest & { details?: Record<string, unknown> };
  requestedBy: string;
  /** CLC-6: auto-approval redeems at once, with no hold. */
  redeemNow: boolean;
}

/** CLC-6, CLC-7: holds (or redeems) the credits of a request from the lots nearest expiry; refuses if short. */
export async function placeHold(
  db: Knex,
  hold: Hold,
  /** Runs in the hold's transaction (also on a retry of one that committed): the notice it announces (ALL-2). */
  alsoInTransaction?: (trx: Trx, held: { holdUntil: IsoDate | null }) => Promise<void>,
): Promise<{ allocation: { lotId: string; credits: number }[]; holdUntil: IsoDate | null }> {
  return db.transaction(async (trx) => {
    const done = await trx(ALLOCATIONS).where({ redemption_id: hold.redemptionId }).select('lot_id as lotId', 'credits');
    if (done.length) {
      const r = await trx(REDEMPTIONS).where({ id: hold.redemptionId }).first('hold_until');
      await alsoInTransaction?.(trx, { holdUntil: r.hold_until });
      return { allocation: done, holdUntil: r.hold_until }; // a retry of a hold that committed
    }
    const lots = await lockLots(trx, (q) =>
      (hold.lotId ? q.where({ id: hold.lotId }) : q.where({ account_id: hold.accountId })).where({ state: 'active' }),
    );
    const balances = await balancesOf(
      trx,
      lots.map((l) => l.id),
    );
    const usable = lots.map((l) => ({ lotId: l.id as string, expiresOn: l.expires_on as string, balance: balances.get(l.id) ?? 0 }));
    const allocation = allocateNearestExpiryFirst(usable, hold.request);
    if (!allocation) throw new CreditRefusal(refusalReasons(usable, hold.request));
    // CLC-6: held 45 days at most, and never past the expiry of the lots it draws from.
    const earliestExpiry = usable
      .filter((l) => allocation.some((a) => a.lotId === l.lotId))
      .map((l) => l.expiresOn)
      .sort()[0]!;
    const holdUntil = hold.redeemNow ? null : holdReleaseDate(hold.request.requestedOn, earliestExpiry);
    await trx(REDEMPTIONS).insert({
      id: hold.redemptionId,
      account_id: hold.accountId,
      kind: hold.request.kind,
      credits: hold.request.credits,
      details: JSON.stringify({ ...hold.request.details, startsOn: hold.request.startsOn }),
      requested_by: hold.requestedBy,
      requested_on: hold.request.requestedOn,
      status: hold.redeemNow ? 'approved' : 'pending',
      hold_until: holdUntil,
      ...(hold.redeemNow ? { decided_by: 'auto-approval', decided_on: hold.request.requestedOn } : {}),
    });
    for (const a of allocation) {
      await trx(ALLOCATIONS).insert({
        redemption_id: hold.redemptionId,
        lot_id: a.lotId,
        credits: a.credits,
        status: hold.redeemNow ? 'redeemed' : 'held',
      });
      const kind = hold.redeemNow ? 'redemption' : 'hold';
      await ledger(trx, {
        lotId: a.lotId,
        kind,
        credits: -a.credits,
        actor: hold.requestedBy,
        reason: `${hold.request.kind} request ${hold.redemptionId}`,
        key: `${hold.redemptionId}:${a.lotId}:${kind}`,
        on: hold.request.requestedOn,
      });
    }
    await alsoInTransaction?.(trx, { holdUntil });
    return { allocation, holdUntil };
  });
}

function refusalReasons(lots: { expiresOn: string; balance: number }[], req: RedemptionRequest) {
  const usable = lots.filter((l) => redemptionProblems(req, l.expiresOn).length === 0).reduce((s, l) => s + l.balance, 0);
  const rules = [...new Set(lots.flatMap((l) => (l.balance > 0 ? redemptionProblems(req, l.expiresOn) : [])))];
  return [
    { field: 'credits', message: `only ${usable} credits are available for this request, ${req.credits} asked` },
    ...rules.map((message) => ({ field: req.kind === 'training' || req.kind === 'event' ? 'startsOn' : 'kind', message })),
  ];
}

/**
 * CLC-6: settles a pending request. Approval turns each hold into a redemption (release + redemption
 * entries); rejection or expiry releases the holds. Idempotent: a settled request is left as it is.
 */
export async function settleRedemption(
  db: Knex,
  id: string,
  outcome: 'approved' | 'rejected' | 'expired',
  by: string,
  on: IsoDate,
  /** Runs in the settlement's transaction (also when already settled): the notice it announces (ALL-2). With the allocations when it has read them. */
  alsoInTransaction?: (trx: Trx, status: string, allocations?: { lotId: string; credits: number }[]) => Promise<void>,
): Promise<string> {
  return db.transaction(async (trx) => {
    const r = await trx(REDEMPTIONS).where({ id }).forUpdate().first();
    if (!r) throw new Error(`No redemption ${id}`);
    if (r.status !== 'pending') {
      await alsoInTransaction?.(trx, r.status as string);
      return r.status as string;
    }
    const allocations = await trx(ALLOCATIONS).where({ redemption_id: id });
    await lockLots(trx, (q) =>
      q.whereIn(
        'id',
        allocations.map((a) => a.lot_id),
      ),
    );
    const held = allocations.filter((a) => a.status === 'held');
    if (outcome === 'approved' && held.reduce((s, a) => s + a.credits, 0) !== r.credits) {
      throw new CreditRefusal([{ field: 'decision', message: 'some of the held credits expired before the approval' }]);
    }
    for (const a of held) {
      await ledger(trx, {
        lotId: a.lot_id,
        kind: 'release',
        credits: a.credits,
        actor: by,
        reason: `request ${id} ${outcome}`,
        key: `${id}:${a.lot_id}:release`,
        on,
      });
      if (outcome === 'approved')
        await ledger(trx, {
          lotId: a.lot_id,
          kind: 'redemption',
          credits: -a.credits,
          actor: by,
          reason: `${r.kind} request ${id}`,
          key: `${id}:${a.lot_id}:redemption`,
          on,
        });
      await trx(ALLOCATIONS)
        .where({ redemption_id: id, lot_id: a.lot_id })
        .update({ status: outcome === 'approved' ? 'redeemed' : 'released' });
    }
    await trx(REDEMPTIONS).where({ id }).update({ status: outcome, decided_by: by, decided_on: on });
    await alsoInTransaction?.(
      trx,
      outcome,
      allocations.map((a) => ({ lotId: a.lot_id as string, credits: a.credits as number })),
    );
    return outcome;
  });
}

/** CLC-3, CLC-6: at expiry, holds on the lot are released and the unused balance forfeited. */
export async function forfeitLot(db: Knex, lotId: string, expiry: IsoDate): Promise<number> {
  return db.transaction(async (trx) => {
    await lockLots(trx, (q) => q.where({ id: lotId }));
    const held = await trx(ALLOCATIONS).where({ lot_id: lotId, status: 'held' });
    for (const a of held) {
      await ledger(trx, {
        lotId,
        kind: 'release',
        credits: a.credits,
        actor: 'system:expiry',
        reason: `request ${a.redemption_id}: credits expired`,
        key: `${a.redemption_id}:${lotId}:release`,
        on: expiry,
      });
      await trx(ALLOCATIONS).where({ redemption_id: a.redemption_id, lot_id: lotId }).update({ status: 'released' });
    }
    const balance = await lotBalance(trx, lotId);
    if (balance > 0)
      await ledger(trx, {
        lotId,
        kind: 'forfeit',
        credits: -balance,
        actor: 'system:expiry',
        reason: `expired on ${expiry}`,
        key: `${lotId}:forfeit:${expiry}`,
        on: expiry,
      });
    await trx(LOTS).where({ id: lotId }).update({ state: 'expired' });
    const forfeited = await trx(LEDGER)
      .where({ idempotency_key: `${lotId}:forfeit:${expiry}` })
      .first('credits');
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
    await ledger(trx, {
      lotId,
      kind: 'extension',
      credits: input.restore,
      actor: input.by,
      reason: `extended to ${input.newExpiry} (request ${input.requestId})`,
      key: `${lotId}:extension`,
      on: input.on,
    });
    await trx(LOTS).where({ id: lotId }).update({ expires_on: input.newExpiry, extended_to: input.newExpiry, state: 'active' });
    await trx(EXTENSION_REQUESTS).where({ id: input.requestId }).update({ status: 'approved', decided_by: input.by, decided_on: input.on });
  });
}

export interface AwardLot {
  id: string;
  accountId: string;
  ownerEmail: string;
  credits: number;
  issuedOn: string;
  expiresOn: string;
  awardQuarter: string;
}

/**
 * An awarded lot's insert, unexecuted, for a caller that combines it with other writes (db/accounts.ts
 * writeAwardRows). Keyed by the award's business id, so a retried award writes nothing new (LOY-7, CLC-8).
 */
export function awardLotInsert(db: Knex | Knex.Transaction, lot: AwardLot) {
  return db(LOTS)
    .insert({
      id: lot.id,
      account_id: lot.accountId,
      owner_email: lot.ownerEmail,
      source: 'award',
      credits: lot.credits,
      issued_on: lot.issuedOn,
      activates_on: lot.issuedOn,
      expires_on: lot.expiresOn,
      award_quarter: lot.awardQuarter,
    })
    .onConflict('id')
    .ignore();
}

/** Its ledger entry's insert, unexecuted, keyed the same way. */
export function awardLedgerInsert(db: Knex | Knex.Transaction, lot: AwardLot, actor: string) {
  return db(LEDGER)
    .insert({
      lot_id: lot.id,
      kind: 'award',
      credits: lot.credits,
      actor,
      reason: `Customer Loyalty award ${lot.awardQuarter}`,
      idempotency_key: `${lot.id}:award`,
      occurred_on: lot.issuedOn,
    })
    .onConflict('idempotency_key')
    .ignore();
}

export interface AwardSummary {
  lotId: string;
  awardQuarter: string;
  credits: number;
  issuedOn: string;
  expiresOn: string;
}

export async function awardsOf(db: Knex, accountId: string): Promise<AwardSummary[]> {
  const rows = await db(LOTS).where({ account_id: accountId, source: 'award' }).orderBy('issued_on');
  return rows.map((r) => ({
    lotId: r.id,
    awardQuarter: r.award_quarter,
    credits: r.credits,
    issuedOn: r.issued_on,
    expiresOn: r.expires_on,
  }));
}
