// Learning Credit rules (CLC-1 … CLC-7): pure, so lot and redemption workflows can use them.
import { addDays, addMonths, addYears, minDate, type IsoDate } from './calendar';

/** CLC-1: one credit is worth US$100; credits are sold in these packages. */
export const CREDIT_USD = 100;
export const PACKAGE_SIZES = [1, 10, 100, 500, 1500] as const;

/**
 * CLC-1: countries cleared to buy and redeem credits, a list of their own (the CLC_COUNTRIES variable
 * overrides it). The public page names none; this default starts as the loyalty program's 32 markets, and
 * either list changes without the other.
 */
export const CLC_COUNTRIES: readonly string[] =
  'US CA MX BR AR CL CO GB IE DE FR IT ES NL BE CH AT SE NO DK FI PL JP KR CN IN SG AU NZ AE SA ZA'.split(' ');

/**
 * CLC-1: why a lot or an account in `countries` may not buy or redeem, or null when it may. An account's
 * companies may lie in several countries (a group): one cleared country is enough.
 */
export function countryNotCleared(countries: readonly string[], cleared: readonly string[]): string | null {
  if (countries.some((c) => cleared.includes(c))) return null;
  if (countries.length === 0) return 'no country on record, so none cleared for Cisco Learning Credits';
  return `${countries.join(', ')} is not cleared for Cisco Learning Credits`;
}

/** CLC-2: a purchased lot activates 1 to 5 days after its invoice [default: 5, the latest the page allows]. */
export const PURCHASE_ACTIVATION_DAYS = 5;
/** CLC-3: reminders while credits remain [default: 90, 30 and 7 days before expiry]. */
export const REMINDER_DAYS_BEFORE = [90, 30, 7] as const;
/** CLC-4: an extension request is open from 60 days before to 60 days after the expiry date. */
export const EXTENSION_WINDOW_DAYS = 60;
/** CLC-5: exam vouchers are ordered at least five days before expiry and are valid 12 months. */
export const EXAM_ORDER_DAYS_BEFORE = 5;
/** CLC-6: a request not decided in 45 days is released. */
export const HOLD_DAYS = 45;

export const lotExpiryDate = (issuedOn: IsoDate): IsoDate => addYears(issuedOn, 1);
export const purchaseActivationDate = (invoiceDate: IsoDate, days = PURCHASE_ACTIVATION_DAYS): IsoDate => addDays(invoiceDate, days);
export const extendedExpiry = (expiry: IsoDate): IsoDate => addMonths(expiry, 6);
export const reminderDates = (expiry: IsoDate): IsoDate[] => REMINDER_DAYS_BEFORE.map((d) => addDays(expiry, -d));
export const lastExamVoucherOrderDate = (expiry: IsoDate): IsoDate => addDays(expiry, -EXAM_ORDER_DAYS_BEFORE);
/** CLC-5: a voucher expires 12 months after issue, clamped (CAL-4: issued 2032-02-29, it expires 2033-02-28). */
export const examVoucherExpiry = (issuedOn: IsoDate): IsoDate => addMonths(issuedOn, 12);
export const extensionWindow = (expiry: IsoDate) => ({
  opens: addDays(expiry, -EXTENSION_WINDOW_DAYS),
  closes: addDays(expiry, EXTENSION_WINDOW_DAYS),
});
/**
 * CLC-6 (amended): the day a hold is released unless decided. The 45th day after the request is open all
 * day, so the release is the day after it; never past the expiry of the credits it holds (on their expiry
 * day they are forfeited, so a hold ends then at the latest).
 */
export const holdReleaseDate = (requestedOn: IsoDate, earliestExpiry: IsoDate): IsoDate =>
  minDate(addDays(requestedOn, HOLD_DAYS + 1), earliestExpiry);
/** CLC-6: the last day a held request may be decided: the day before its release. */
export const lastDecisionDate = (releasedOn: IsoDate): IsoDate => addDays(releasedOn, -1);

export interface PackageLine {
  size: number;
  quantity: number;
}

/** CLC-1: an order's credits; every line must be a sold package size. */
export function orderCredits(lines: readonly PackageLine[]): { credits: number; problems: string[] } {
  const problems = lines.flatMap((l, i) =>
    PACKAGE_SIZES.includes(l.size as never) ? [] : [`packages.${i}.size: ${l.size} is not a package size (${PACKAGE_SIZES.join(', ')})`],
  );
  return { credits: lines.reduce((sum, l) => sum + l.size * l.quantity, 0), problems };
}

export type RedemptionKind = 'training' | 'exam-voucher' | 'digital-learning' | 'event';

export interface RedemptionRequest {
  kind: RedemptionKind;
  credits: number;
  requestedOn: IsoDate;
  /** training: when the class begins; event: when the event takes place (may be after expiry). */
  startsOn?: IsoDate;
  /** CLC-5: what the credits pay for (the course, the exam, the subscription, the event). */
  paysFor?: string;
  /** CLC-5: for training and exams, who takes it. */
  learner?: Learner;
}

/** CLC-5: the person a training or exam redemption is for. */
export interface Learner {
  name: string;
  email: string;
}

/** CLC-5: the kinds whose redemption names its learner, so each person's training record can be reported. */
export const LEARNER_KINDS: readonly RedemptionKind[] = ['training', 'exam-voucher'];

/** CLC-5: what a request must name, whatever credits pay for it (each problem at its field). */
export function requestProblems(req: Pick<RedemptionRequest, 'kind' | 'paysFor' | 'learner'>): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!req.paysFor?.trim()) problems.push({ field: 'paysFor', message: 'a redemption names what it pays for' });
  if (LEARNER_KINDS.includes(req.kind) && !(req.learner?.name.trim() && req.learner.email.trim()))
    problems.push({
      field: 'learner',
      message: `${req.kind === 'exam-voucher' ? 'an' : 'a'} ${req.kind} redemption names its learner (name and email)`,
    });
  return problems;
}

/** CLC-5 [default]: an exam voucher's holder is reminded this many days before it expires. */
export const VOUCHER_REMINDER_DAYS_BEFORE = 30;
export const voucherReminderDate = (expiry: IsoDate): IsoDate => addDays(expiry, -VOUCHER_REMINDER_DAYS_BEFORE);
/** CLC-5: a redeemed exam voucher's id: one voucher per redemption. */
export const voucherIdOf = (redemptionId: string) => `EV-${redemptionId}`;

/**
 * CLC-5: why credits expiring on `expiry` cannot pay for this request (empty when they can). Exam
 * vouchers must be ordered five days before expiry; training must begin before it; an event must be
 * registered for (requested) before it, though the event itself may be later.
 */
export function redemptionProblems(req: RedemptionRequest, expiry: IsoDate): string[] {
  const problems: string[] = [];
  if (req.requestedOn >= expiry) problems.push(`the credits expired on ${expiry}`);
  if (req.kind === 'exam-voucher' && req.requestedOn > lastExamVoucherOrderDate(expiry)) {
    problems.push(`exam vouchers must be ordered by ${lastExamVoucherOrderDate(expiry)}`);
  }
  if (req.kind === 'training' && (!req.startsOn || req.startsOn >= expiry)) problems.push(`training must begin before ${expiry}`);
  if (req.kind === 'event' && !req.startsOn) problems.push('an event registration names the event date');
  return problems;
}

export interface LotBalance {
  lotId: string;
  expiresOn: IsoDate;
  balance: number;
}

/**
 * CLC-7: draw from the lots nearest expiry first, across lots, using only lots whose credits may pay
 * for the request. Returns the allocation, or null when the usable balance is short.
 */
export function allocateNearestExpiryFirst(
  lots: readonly LotBalance[],
  req: RedemptionRequest,
): { lotId: string; credits: number }[] | null {
  let remaining = req.credits;
  const allocation: { lotId: string; credits: number }[] = [];
  const usable = [...lots]
    .filter((l) => l.balance > 0 && redemptionProblems(req, l.expiresOn).length === 0)
    .sort((a, b) => (a.expiresOn < b.expiresOn ? -1 : a.expiresOn > b.expiresOn ? 1 : a.lotId < b.lotId ? -1 : 1));
  for (const lot of usable) {
    if (remaining === 0) break;
    const take = Math.min(lot.balance, remaining);
    allocation.push({ lotId: lot.lotId, credits: take });
    remaining -= take;
  }
  return remaining === 0 ? allocation : null;
}

/** CLC-8: a month of an owner's ledger, as its statement shows it. */
export interface StatementLine {
  on: string;
  lotId: string;
  kind: string;
  credits: number;
  reason: string;
  /** An entry dated before the month that no earlier statement showed (recorded after it was made). */
  late?: true;
}

export interface Statement {
  ownerEmail: string;
  month: string;
  accountId: string | null;
  openingBalance: number;
  closingBalance: number;
  lines: StatementLine[];
}

/** A ledger entry no statement has shown yet, dated before the end of the month being stated. */
export interface UnstatedEntry {
  on: IsoDate;
  lotId: string;
  kind: string;
  credits: number;
  reason: string;
}

/**
 * CLC-8 (amended): a month's statement from the entries no statement has shown yet (in ledger order) and
 * the closing balance of the owner's last statement (null: this is its first). Every statement opens with
 * the last one's closing balance, so an entry dated before the month is one the last statement could not
 * show: a line of its own, dated its day and marked late. A first statement sums what came before the
 * month as its opening. Every entry given is shown (as a line, or in the first opening).
 */
export function draftStatement(
  month: string,
  lastClosing: number | null,
  entries: readonly UnstatedEntry[],
): Pick<Statement, 'openingBalance' | 'closingBalance' | 'lines'> {
  const start = `${month}-01`;
  const before = entries.filter((e) => e.on < start);
  const opening = lastClosing ?? before.reduce((sum, e) => sum + e.credits, 0);
  const shown = lastClosing === null ? entries.filter((e) => e.on >= start) : entries;
  const lines = shown.map(({ on, lotId, kind, credits, reason }) => ({
    on,
    lotId,
    kind,
    credits,
    reason,
    ...(on < start ? { late: true as const } : {}),
  }));
  return { openingBalance: opening, closingBalance: lines.reduce((sum, l) => sum + l.credits, opening), lines };
}
