import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { extendedExpiry, extensionWindow, REMINDER_DAYS_BEFORE, reminderDates } from '../domain/credits';
import { sleepUntilDate, today } from './clock';
import { acts, locals, refusal, sendNoticeSoon } from './shared';
import {
  balanceChangedSignal,
  creditSearchAttributes as csa,
  decideExtensionUpdate,
  lotRecordedUpdate,
  lotStateQuery,
  requestExtensionUpdate,
  type CreditLotInput,
  type CreditLotState,
  type LotState,
} from './creditsDefinitions';
import { failureTypes } from './definitions';
import { loyaltySearchAttributes as sa } from './loyaltyDefinitions';

/**
 * One Learning Credit lot (CLC-2 … CLC-4): pending until it activates → reminders 90, 30 and 7 days
 * before expiry while credits remain → forfeit at expiry → open 60 more days for the one extension →
 * closed. An approved extension moves the expiry six months and the cycle runs again.
 */
export async function creditLot(input: CreditLotInput): Promise<CreditLotState> {
  const { lot } = input;
  const s: CreditLotState = input.carried ?? {
    lot,
    state: lot.source === 'purchase' ? 'pending' : 'active',
    expiresOn: lot.expiresOn,
    balance: lot.credits,
    remindedOn: [],
    forfeited: 0,
    extension: null,
    closesOn: extensionWindow(lot.expiresOn).closes,
  };
  let recorded = input.carried !== undefined;
  let published = '';

  setHandler(lotStateQuery, () => s);
  setHandler(lotRecordedUpdate, async () => {
    await condition(() => recorded);
    return s;
  });
  setHandler(balanceChangedSignal, (balance) => {
    s.balance = balance;
    publish();
  });

  // CLC-4: one request, from 60 days before to 60 days after expiry, with a usage plan.
  setHandler(
    requestExtensionUpdate,
    async ({ requestId, usagePlan, by }) => {
      const on = today();
      await condition(() => recorded);
      await acts.recordExtensionRequest({ lotId: lot.id, requestId, usagePlan, by, on });
      s.extension = { requestId, usagePlan, requestedBy: by, requestedOn: on, status: 'pending' };
      publish();
      return s;
    },
    {
      validator: (_request) => {
        if (s.extension)
          throw refusal(failureTypes.conflict, `lot ${lot.id} already had its one extension request (${s.extension.requestId})`);
        const window = extensionWindow(s.expiresOn);
        const on = today();
        if (s.state === 'closed' || on < window.opens || on > window.closes) {
          throw refusal(failureTypes.invalid, `extension requests for lot ${lot.id} are open from ${window.opens} to ${window.closes}`, [
            { field: 'requestedOn' },
          ]);
        }
      },
    },
  );

  setHandler(
    decideExtensionUpdate,
    async ({ requestId, approve, by }) => {
      const on = today();
      const restore = approve && s.state === 'expired' ? s.forfeited : 0;
      const newExpiry = approve ? extendedExpiry(s.expiresOn) : s.expiresOn;
      await acts.sendNotice(await acts.decideExtension({ lotId: lot.id, requestId, approve, newExpiry, restore, by, on }));
      s.extension = { ...s.extension!, status: approve ? 'approved' : 'denied' };
      if (approve) {
        s.expiresOn = newExpiry;
        s.closesOn = newExpiry; // no second extension: the lot closes at its new expiry
        s.state = 'active';
        s.balance += restore;
        s.forfeited -= restore;
      }
      publish();
      return s;
    },
    {
      validator: ({ requestId }) => {
        const request = s.extension;
        if (!request || request.requestId !== requestId)
          throw refusal(failureTypes.invalid, `no extension request ${requestId} for lot ${lot.id}`, [{ field: 'requestId' }]);
        if (request.status !== 'pending')
          throw refusal(failureTypes.conflict, `extension request ${requestId} is already ${request.status}`);
      },
    },
  );

  function publish() {
    // Each upsert is a visibility write on the server: only when a searchable value changed.
    const values = JSON.stringify([s.state, s.expiresOn, s.balance]);
    if (values !== published) upsertAttributes();
    published = values;
    setCurrentDetails(
      `Lot **${lot.id}** (${lot.source}, ${lot.credits} credits) — ${s.state}, balance ${s.balance}, expires ${s.expiresOn}` +
        (s.extension ? `\n\nExtension ${s.extension.requestId}: ${s.extension.status}` : ''),
    );
  }

  function upsertAttributes() {
    upsertSearchAttributes([
      { key: csa.LotId, value: lot.id },
      { key: sa.AccountId, value: lot.accountId ?? '' },
      { key: csa.LotState, value: s.state },
      { key: csa.ExpiresOn, value: new Date(`${s.expiresOn}T00:00:00Z`) },
      { key: csa.Balance, value: s.balance },
    ]);
  }

  const expiryMoved = (expiry: string) => () => s.expiresOn !== expiry || workflowInfo().continueAsNewSuggested;

  publish();
  // A lot's own ledger writes and notices (record, activate, remind, forfeit, close), short, idempotent
  // and a few a year, run as local activities: a lot's day costs one workflow task, not one each.
  // An award's lot and ledger entry were written with the award itself (in the same transaction as its
  // notice); a purchase's are written here.
  if (lot.source === 'purchase') await locals.recordLot(lot);
  recorded = true;

  if (s.state === 'pending') {
    await sleepUntilDate(lot.activatesOn, () => false);
    await sendNoticeSoon(await locals.activateLot(lot));
    s.state = 'active';
    publish();
  }

  while (s.state !== 'closed') {
    if (s.state === 'active') {
      // CLC-3: reminders before expiry while credits remain.
      const expiry = s.expiresOn;
      for (const [i, date] of reminderDates(expiry).entries()) {
        if (s.remindedOn.includes(date) || date < today()) continue;
        if (await sleepUntilDate(date, expiryMoved(expiry))) break;
        const { balance, noticeKey } = await locals.remindLot({ lotId: lot.id, expiresOn: expiry, daysBefore: REMINDER_DAYS_BEFORE[i]! });
        s.remindedOn.push(date);
        s.balance = balance;
        if (noticeKey) await sendNoticeSoon(noticeKey);
        publish();
      }
      if (s.expiresOn !== expiry) continue;
      if (await sleepUntilDate(expiry, expiryMoved(expiry))) {
        if (s.expiresOn === expiry) break; // continue-as-new suggested
        continue;
      }
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
      publish();
    }
    // Expired: open for an extension until the window closes (CLC-4), then closed.
    const reopened = () => (s.state as LotState) === 'active';
    const woke = await sleepUntilDate(s.closesOn, () => reopened() || workflowInfo().continueAsNewSuggested);
    if (woke && reopened()) continue;
    if (woke) break;
    await locals.closeLot(lot.id);
    s.state = 'closed';
    publish();
  }

  await condition(allHandlersFinished);
  if (s.state !== 'closed') return continueAsNew<typeof creditLot>({ lot, carried: s });
  return s;
}
