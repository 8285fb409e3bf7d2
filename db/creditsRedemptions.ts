import type { Knex } from 'knex';
import type { IsoDate } from '../domain/calendar';
import {
  allocateNearestExpiryFirst,
  holdReleaseDate,
  redemptionProblems,
  type LotBalance,
  type RedemptionRequest,
} from '../domain/credits';
import {
  ALLOCATIONS,
  CreditRefusal,
  REDEMPTIONS,
  balancesOf,
  lockLots,
  releaseHold,
  writeLedger,
  type AllocationRecord,
  type RedemptionRecord,
  type RedemptionStatus,
  type Trx,
} from './credits';
import { allocationsOf, type AllocatedCredits } from './creditsReads';
import { issueVoucher, type ExamVoucher } from './creditsVouchers';
import { ACCOUNTS } from './loyalty';

// CLC-5 … CLC-7: a redemption's ledger writes. A request holds (or, auto-approved, redeems at once) the
// credits of the lots nearest expiry; its decision, or the end of the hold, settles it. Each is one
// transaction that a retry finds committed and leaves as it is.

export interface Hold {
  redemptionId: string;
  accountId: string | null;
  lotId?: string;
  request: RedemptionRequest & { details?: Record<string, unknown> };
  requestedBy: string;
  /**
   * CLC-6: auto-approval redeems at once, with no hold. For a request without an account this decides;
   * an account's own switch is read in the hold's transaction instead (it may have moved since the caller read it).
   */
  redeemNow: boolean;
}

/** Who decides a held request: the account's Team Captain as the hold's transaction reads it. */
export interface Approver {
  name: string;
  email: string;
}

/** What a request drew from each lot, and until when its credits are held (null: redeemed at once). */
export interface Placed {
  allocation: AllocatedCredits[];
  holdUntil: IsoDate | null;
  /** The account's captain (null: a request without an account, whose caller names who approves). */
  approver: Approver | null;
  /** CLC-5: the exam voucher a request redeemed at once issued. */
  voucher: ExamVoucher | null;
}

/** CLC-6, CLC-7: holds (or redeems) the credits of a request from the lots nearest expiry; refuses if short. */
export async function placeHold(
  db: Knex,
  hold: Hold,
  /** Runs in the hold's transaction (also on a retry of one that committed): the notice it announces (ALL-2). */
  alsoInTransaction?: (trx: Trx, held: Omit<Placed, 'allocation'>) => Promise<void>,
): Promise<Placed> {
  return db.transaction(async (trx) => {
    // CLC-6: the account's row is read under a share lock, before its lots are locked: a captain's
    // replacement or auto-approval turned on (an update of that row) waits for this request to commit, then
    // finds it waiting and passes it on or approves it (services/creditsHandover.ts); a request after
    // either reads the new captain or the switch on.
    const account = hold.accountId ? await approvalOf(trx, hold.accountId) : undefined;
    const redeemNow = account ? account.autoApproval : hold.redeemNow;
    const approver = account ? { name: account.captainName, email: account.captainEmail } : null;
    const placed = (await placedBefore(trx, hold.redemptionId)) ?? (await placeNew(trx, { ...hold, redeemNow }));
    const voucher = placed.holdUntil === null ? await issueVoucher(trx, hold.redemptionId) : null;
    await alsoInTransaction?.(trx, { holdUntil: placed.holdUntil, approver, voucher });
    return { ...placed, approver, voucher };
  });
}

/** CLC-6: an account's captain and auto-approval switch, share-locked for the transaction. */
async function approvalOf(trx: Trx, accountId: string) {
  const row = await trx(ACCOUNTS)
    .where({ id: accountId })
    .forShare()
    .first<{ captain_name: string; captain_email: string; auto_approval: boolean } | undefined>(
      'captain_name',
      'captain_email',
      'auto_approval',
    );
  return row && { captainName: row.captain_name, captainEmail: row.captain_email, autoApproval: row.auto_approval };
}

/** A retry of a hold that committed: what it placed. */
async function placedBefore(trx: Trx, redemptionId: string): Promise<Pick<Placed, 'allocation' | 'holdUntil'> | undefined> {
  const allocation = await allocationsOf(trx, redemptionId);
  if (!allocation.length) return undefined;
  const r = await trx<RedemptionRecord>(REDEMPTIONS).where({ id: redemptionId }).first('hold_until');
  return { allocation, holdUntil: r?.hold_until ?? null };
}

async function placeNew(trx: Trx, hold: Hold): Promise<Pick<Placed, 'allocation' | 'holdUntil'>> {
  const usable = await lockedBalances(trx, hold);
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
    pays_for: hold.request.paysFor ?? null,
    learner_name: hold.request.learner?.name ?? null,
    learner_email: hold.request.learner?.email ?? null,
    ...(hold.redeemNow ? { decided_by: 'auto-approval', decided_on: hold.request.requestedOn } : {}),
  });
  for (const a of allocation) await allocate(trx, hold, a);
  return { allocation, holdUntil };
}

/** The active lots the request may draw from, locked, with their balances. */
async function lockedBalances(trx: Trx, hold: Hold): Promise<LotBalance[]> {
  const lots = await lockLots(trx, (q) =>
    (hold.lotId ? q.where({ id: hold.lotId }) : q.where({ account_id: hold.accountId })).where({ state: 'active' }),
  );
  const balances = await balancesOf(
    trx,
    lots.map((l) => l.id),
  );
  return lots.map((l) => ({ lotId: l.id, expiresOn: l.expires_on, balance: balances.get(l.id) ?? 0 }));
}

async function allocate(trx: Trx, hold: Hold, a: AllocatedCredits): Promise<void> {
  await trx<AllocationRecord>(ALLOCATIONS).insert({
    redemption_id: hold.redemptionId,
    lot_id: a.lotId,
    credits: a.credits,
    status: hold.redeemNow ? 'redeemed' : 'held',
  });
  const kind = hold.redeemNow ? 'redemption' : 'hold';
  await writeLedger(trx, {
    lotId: a.lotId,
    kind,
    credits: -a.credits,
    actor: hold.requestedBy,
    reason: `${hold.request.kind} request ${hold.redemptionId}`,
    key: `${hold.redemptionId}:${a.lotId}:${kind}`,
    on: hold.request.requestedOn,
  });
}

function refusalReasons(lots: LotBalance[], req: RedemptionRequest) {
  const usable = lots.filter((l) => redemptionProblems(req, l.expiresOn).length === 0).reduce((s, l) => s + l.balance, 0);
  const rules = [...new Set(lots.flatMap((l) => (l.balance > 0 ? redemptionProblems(req, l.expiresOn) : [])))];
  return [
    { field: 'credits', message: `only ${usable} credits are available for this request, ${req.credits} asked` },
    ...rules.map((message) => ({ field: req.kind === 'training' || req.kind === 'event' ? 'startsOn' : 'kind', message })),
  ];
}

export type Settlement = Exclude<RedemptionStatus, 'pending'>;

/**
 * CLC-6: settles a pending request. Approval turns each hold into a redemption (release + redemption
 * entries); rejection or expiry releases the holds. Idempotent: a settled request is left as it is.
 */
export async function settleRedemption(
  db: Knex,
  id: string,
  outcome: Settlement,
  by: string,
  on: IsoDate,
  /**
   * Runs in the settlement's transaction (also when already settled): the notices it announces (ALL-2).
   * With the allocations when it has read them, and the exam voucher an approval issued (CLC-5).
   */
  alsoInTransaction?: (trx: Trx, status: RedemptionStatus, allocations?: AllocatedCredits[], voucher?: ExamVoucher | null) => Promise<void>,
): Promise<RedemptionStatus> {
  return db.transaction(async (trx) => {
    const r = await trx<RedemptionRecord>(REDEMPTIONS).where({ id }).forUpdate().first();
    if (!r) throw new Error(`No redemption ${id}`);
    if (r.status !== 'pending') {
      await alsoInTransaction?.(trx, r.status, undefined, await issueVoucher(trx, id));
      return r.status;
    }
    const allocations = await trx<AllocationRecord>(ALLOCATIONS).where({ redemption_id: id });
    await lockLots(trx, (q) =>
      q.whereIn(
        'id',
        allocations.map((a) => a.lot_id),
      ),
    );
    await settleHolds(trx, r, allocations, { outcome, by, on });
    await trx<RedemptionRecord>(REDEMPTIONS).where({ id }).update({ status: outcome, decided_by: by, decided_on: on });
    const voucher = await issueVoucher(trx, id);
    await alsoInTransaction?.(
      trx,
      outcome,
      allocations.map((a) => ({ lotId: a.lot_id, credits: a.credits })),
      voucher,
    );
    return outcome;
  });
}

async function settleHolds(
  trx: Trx,
  r: RedemptionRecord,
  allocations: AllocationRecord[],
  how: { outcome: Settlement; by: string; on: IsoDate },
): Promise<void> {
  const held = allocations.filter((a) => a.status === 'held');
  const approved = how.outcome === 'approved';
  if (approved && held.reduce((s, a) => s + a.credits, 0) !== r.credits) {
    throw new CreditRefusal([{ field: 'decision', message: 'some of the held credits expired before the approval' }]);
  }
  for (const a of held) {
    const reason = `request ${r.id} ${how.outcome}`;
    await releaseHold(trx, a, { actor: how.by, reason, on: how.on, status: approved ? 'redeemed' : 'released' });
    if (approved)
      await writeLedger(trx, {
        lotId: a.lot_id,
        kind: 'redemption',
        credits: -a.credits,
        actor: how.by,
        reason: `${r.kind} request ${r.id}`,
        key: `${r.id}:${a.lot_id}:redemption`,
        on: how.on,
      });
  }
}
