import type { Knex } from 'knex';
import type { IsoDate } from '../domain/calendar';
import { examVoucherExpiry, voucherIdOf, voucherReminderDate, type Learner } from '../domain/credits';
import { REDEMPTIONS, type RedemptionRecord, type Trx } from './credits';
import { managedBy } from './loyaltyManagers';
import { paged, type PageWindow } from './page';

// CLC-5 (amended): exam vouchers, each a thing of its own: issued to its learner when its redemption is
// approved (in that transaction), expiring a year on, its holder reminded 30 days before, never refunded
// (its credits stay redeemed whatever becomes of it). And the training records per person that the
// learners named by redemptions make.

export const VOUCHERS = 'exam_vouchers';

export interface ExamVoucher {
  voucherId: string;
  redemptionId: string;
  accountId: string | null;
  exam: string;
  holder: Learner;
  credits: number;
  issuedOn: IsoDate;
  expiresOn: IsoDate;
  remindOn: IsoDate;
  state: 'issued' | 'expired';
}

interface VoucherRecord {
  id: string;
  redemption_id: string;
  account_id: string | null;
  exam: string;
  holder_name: string;
  holder_email: string;
  credits: number;
  issued_on: IsoDate;
  expires_on: IsoDate;
  remind_on: IsoDate;
  reminded_on: IsoDate | null;
  state: 'issued' | 'expired';
}

const toVoucher = (r: VoucherRecord): ExamVoucher => ({
  voucherId: r.id,
  redemptionId: r.redemption_id,
  accountId: r.account_id,
  exam: r.exam,
  holder: { name: r.holder_name, email: r.holder_email },
  credits: r.credits,
  issuedOn: r.issued_on,
  expiresOn: r.expires_on,
  remindOn: r.remind_on,
  state: r.state,
});

/**
 * CLC-5: the voucher an approved exam-voucher redemption issues, dated its approval, written once (a
 * retry, or a settlement found already made, returns the voucher issued then). Null for other kinds, and
 * for a request made before learners were recorded (it has no holder to issue to).
 */
export async function issueVoucher(trx: Trx, redemptionId: string): Promise<ExamVoucher | null> {
  const r = await trx<RedemptionRecord>(REDEMPTIONS).where({ id: redemptionId }).first();
  if (!r || r.status !== 'approved' || r.kind !== 'exam-voucher' || !r.learner_email || !r.decided_on) return null;
  const on = r.decided_on;
  const expiresOn = examVoucherExpiry(on);
  await trx<VoucherRecord>(VOUCHERS)
    .insert({
      id: voucherIdOf(r.id),
      redemption_id: r.id,
      account_id: r.account_id,
      exam: r.pays_for ?? 'exam',
      holder_name: r.learner_name ?? r.learner_email,
      holder_email: r.learner_email,
      credits: r.credits,
      issued_on: on,
      expires_on: expiresOn,
      remind_on: voucherReminderDate(expiresOn),
    })
    .onConflict('redemption_id')
    .ignore();
  return (await voucherOfRedemption(trx, r.id)) ?? null;
}

export async function voucherOfRedemption(db: Knex | Trx, redemptionId: string): Promise<ExamVoucher | undefined> {
  const row = await db<VoucherRecord>(VOUCHERS).where({ redemption_id: redemptionId }).first();
  return row && toVoucher(row);
}

export async function findVoucher(db: Knex, voucherId: string): Promise<ExamVoucher | undefined> {
  const row = await db<VoucherRecord>(VOUCHERS).where({ id: voucherId }).first();
  return row && toVoucher(row);
}

/** CLC-5: issued vouchers whose reminder day has come by `on` and that were not reminded yet, at most `limit`. */
export async function vouchersToRemind(db: Knex, on: IsoDate, limit: number): Promise<ExamVoucher[]> {
  const rows = await db<VoucherRecord>(VOUCHERS)
    .where({ state: 'issued' })
    .whereNull('reminded_on')
    .where('remind_on', '<=', on)
    .where('expires_on', '>', on)
    .orderBy(['remind_on', 'id'])
    .limit(limit);
  return rows.map(toVoucher);
}

/** CLC-5: the voucher's reminder recorded, once; false when another run recorded it first. */
export async function markReminded(trx: Trx, voucherId: string, on: IsoDate): Promise<boolean> {
  return (await trx(VOUCHERS).where({ id: voucherId }).whereNull('reminded_on').update({ reminded_on: on })) === 1;
}

/** CLC-5: vouchers whose expiry day has come are expired (no refund: the ledger is left as it is); how many. */
export async function expireDueVouchers(db: Knex, on: IsoDate): Promise<number> {
  return db(VOUCHERS).where({ state: 'issued' }).where('expires_on', '<=', on).update({ state: 'expired' });
}

/** CLC-5: one training or exam redemption of a person, as their training record lists it. */
export interface TrainingRecord {
  redemptionId: string;
  learnerName: string;
  learnerEmail: string;
  accountId: string | null;
  kind: string;
  paysFor: string | null;
  credits: number;
  status: RedemptionRecord['status'];
  requestedOn: IsoDate;
  startsOn: IsoDate | null;
  voucherId: string | null;
  voucherExpiresOn: IsoDate | null;
  voucherState: ExamVoucher['state'] | null;
}

/**
 * CLC-5: the training records per person: every redemption that names a learner (all of them, or one
 * learner's by email, in any case), by learner then date; an Account Manager's cover the accounts it manages.
 */
export async function trainingRecords(db: Knex, q: { learnerEmail?: string; amId?: string } & PageWindow): Promise<TrainingRecord[]> {
  const rows = await db(`${REDEMPTIONS} as r`)
    .leftJoin(`${VOUCHERS} as v`, 'v.redemption_id', 'r.id')
    .whereNotNull('r.learner_email')
    .modify((b) => void (q.learnerEmail && b.whereRaw('lower(r.learner_email) = lower(?)', [q.learnerEmail])))
    .modify(managedBy(db, 'r.account_id', q.amId))
    .orderByRaw('lower(r.learner_email), r.requested_on, r.created_at, r.id')
    .modify(paged({ limit: q.limit, offset: q.offset }))
    .select<TrainingRecord[]>(
      {
        redemptionId: 'r.id',
        learnerName: 'r.learner_name',
        learnerEmail: 'r.learner_email',
        accountId: 'r.account_id',
        kind: 'r.kind',
        paysFor: 'r.pays_for',
        credits: 'r.credits',
        status: 'r.status',
        requestedOn: 'r.requested_on',
        voucherId: 'v.id',
        voucherExpiresOn: 'v.expires_on',
        voucherState: 'v.state',
      },
      db.raw(`r.details->>'startsOn' as "startsOn"`),
    );
  // In the order of the interface (a report's CSV header follows its rows' keys).
  return rows.map((r) => ({
    redemptionId: r.redemptionId,
    learnerName: r.learnerName,
    learnerEmail: r.learnerEmail,
    accountId: r.accountId,
    kind: r.kind,
    paysFor: r.paysFor,
    credits: r.credits,
    status: r.status,
    requestedOn: r.requestedOn,
    startsOn: r.startsOn ?? null,
    voucherId: r.voucherId,
    voucherExpiresOn: r.voucherExpiresOn,
    voucherState: r.voucherState,
  }));
}
