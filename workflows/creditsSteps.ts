// What happens to a credit lot as dates come: activation, reminders, forfeit at expiry, and closing when
// the extension window ends. A lot's own ledger writes and notices, short, idempotent and a few a year,
// run as local activities: a lot's day costs one workflow task, not one each.
import { condition, patched, workflowInfo } from '@temporalio/workflow';
import { addDays, type IsoDate } from '../domain/calendar';
import { REMINDER_DAYS_BEFORE, reminderDates } from '../domain/credits';
import { sleepUntilDate, today } from './clock';
import type { LotState } from './creditsDefinitions';
import type { CreditLot } from './creditsState';
import { firstWrite, locals, sendNoticeSoon } from './shared';

/**
 * CLC-2: a purchase's lot and ledger entry are written here (an award's were written with the award, in
 * the same transaction as its notice); a pending lot waits for its activation date.
 */
export async function recordAndActivate(l: CreditLot): Promise<void> {
  const { s, lot } = l;
  // Issue 24 finding 2: a lot Postgres refuses was never bought; the purchase answers 422, the run fails with it.
  if (lot.source === 'purchase')
    await firstWrite(locals.recordLot(lot, l.purchasedBy), 'credits-refused-lot-ends', (refused) => (l.refused = refused));
  l.recorded = true;
  if (s.state !== 'pending') return;
  await sleepUntilDate(lot.activatesOn, () => false);
  await sendNoticeSoon(await locals.activateLot(lot));
  s.state = 'active';
  l.publish();
}

/**
 * CLC-3: the reminders, then the forfeit at expiry. 'moved' when an extension moved the expiry first,
 * 'suggested' when the run should continue as new.
 */
export async function runToExpiry(l: CreditLot): Promise<'expired' | 'moved' | 'suggested'> {
  const { s } = l;
  const expiry = s.expiresOn;
  await remindBefore(l, expiry);
  if (s.expiresOn !== expiry) return 'moved';
  if (await sleepUntilDate(expiry, l.expiryMoved(expiry))) return s.expiresOn === expiry ? 'suggested' : 'moved';
  await forfeit(l, expiry);
  return 'expired';
}

/** CLC-3: reminders before expiry while credits remain; each date once, even across runs. */
async function remindBefore(l: CreditLot, expiry: IsoDate): Promise<void> {
  const { s, lot } = l;
  for (const [i, date] of reminderDates(expiry).entries()) {
    if (s.remindedOn.includes(date) || date < today()) continue;
    if (await sleepUntilDate(date, l.expiryMoved(expiry))) return;
    const { balance, noticeKey } = await locals.remindLot({ lotId: lot.id, expiresOn: expiry, daysBefore: REMINDER_DAYS_BEFORE[i]! });
    s.remindedOn.push(date);
    s.balance = balance;
    if (noticeKey) await sendNoticeSoon(noticeKey);
    l.publish();
  }
}

/** CLC-3: the unused balance forfeited at expiry; the owner is told whether an extension can restore it. */
async function forfeit(l: CreditLot, expiry: IsoDate): Promise<void> {
  const { s, lot } = l;
  const canExtend = s.extension === null || s.extension.status === 'pending';
  const { forfeited, noticeKey } = await locals.forfeitLot({
    lotId: lot.id,
    expiresOn: expiry,
    extensionCloses: canExtend ? s.closesOn : null,
  });
  s.forfeited += forfeited;
  s.balance = 0;
  s.state = 'expired';
  if (noticeKey) await sendNoticeSoon(noticeKey);
  l.publish();
}

/**
 * CLC-4: expired, the lot stays open for an extension until the window closes, and past it while a request
 * waits for its decision (from v0.1.0 on, patched: a v0.1.0 run closed at once); then it is closed.
 */
export async function closeAfterWindow(l: CreditLot): Promise<'reopened' | 'suggested' | 'closed'> {
  const { s, lot } = l;
  const reopened = () => (s.state as LotState) === 'active';
  const undecided = () => s.extension?.status === 'pending';
  // CLC-4 (amended): the window's last day (closesOn) is open all day, as the forfeit email says, so a lot
  // that may still be asked closes when that day ends. v0.1.0 closed at its start (a request that day found
  // the lot closed); a decided request leaves nothing to ask for, and closes as before.
  const closesAt = s.extension === null && patched('reissue-window-open-all-last-day') ? addDays(s.closesOn, 1) : s.closesOn;
  const woke = await sleepUntilDate(closesAt, () => reopened() || workflowInfo().continueAsNewSuggested);
  if (woke) return reopened() ? 'reopened' : 'suggested';
  if (undecided() && patched('lot-open-until-extension-decided')) {
    await condition(() => !undecided() || workflowInfo().continueAsNewSuggested);
    if (reopened()) return 'reopened';
    if (undecided()) return 'suggested';
  }
  await locals.closeLot(lot.id);
  s.state = 'closed';
  l.publish();
  return 'closed';
}
