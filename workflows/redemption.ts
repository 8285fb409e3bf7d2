import { allHandlersFinished, condition, getExternalWorkflowHandle, patched, proxyLocalActivities, setCurrentDetails, setHandler, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { HOLD_DAYS } from '../domain/credits';
import { sleepUntilDate, today } from './clock';
import { acts, refusal } from './shared';
import {
  balanceChangedSignal,
  creditLotWorkflowId,
  decideRedemptionUpdate,
  placeHoldUpdate,
  redemptionStateQuery,
  type RedemptionInput,
  type RedemptionState,
} from './creditDefinitions';
import { failureTypes } from './definitions';

// The ledger writes a caller waits on run as local activities: one short transaction each, idempotent,
// with no round trip through the server (the redemption answers several times faster).
const ledger = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
});

/**
 * One redemption request (CLC-5, CLC-6): credits held from the lots nearest expiry, then approved by
 * the Team Captain, rejected, or released when undecided after 45 days or at the lots' expiry, whichever
 * comes first. With auto-approval the credits are redeemed at once.
 */
export async function redemption(input: RedemptionInput): Promise<RedemptionState> {
  const s: RedemptionState = { redemptionId: input.redemptionId, status: 'requested', credits: input.credits, allocation: [], holdUntil: null, decidedBy: null };
  let holdError: unknown;
  let decision: { approve: boolean; by: string } | null = null;
  const lotSignals: Promise<void>[] = [];

  setHandler(redemptionStateQuery, () => s);

  // The API starts the workflow with this update: it answers once the credits are held, or refuses (422).
  setHandler(placeHoldUpdate, async () => {
    await condition(() => s.status !== 'requested' || holdError !== undefined);
    if (holdError) throw holdError;
    return s;
  });

  setHandler(
    decideRedemptionUpdate,
    async (d) => {
      decision = d;
      await condition(() => s.status !== 'pending');
      return s;
    },
    {
      validator: (_d) => {
        if (s.status !== 'pending' || decision) throw refusal(failureTypes.conflict, `redemption ${s.redemptionId} is ${s.status}`);
      },
    },
  );

  // Since this patch a redemption costs Temporal about half the workflow tasks: each notice is written
  // in the transaction of the ledger change it announces, the ledger activity tells the lots their new
  // balances (no signal commands and their events here), and the "waiting" email goes out while the
  // request waits. Runs started before it replay the older sequence below.
  if (patched('redemption-fewer-tasks')) return fewerTasks();

  const requestedOn = today();
  try {
    const held = await ledger.placeHold({
      redemptionId: input.redemptionId,
      accountId: input.accountId,
      lotId: input.lotId,
      request: { kind: input.kind, credits: input.credits, requestedOn, startsOn: input.startsOn, details: input.details },
      requestedBy: input.requestedBy,
      redeemNow: input.autoApprove,
    });
    s.allocation = held.allocation;
    s.holdUntil = held.holdUntil;
    lotsHear(held.balances);
  } catch (err) {
    holdError = err instanceof Error && 'cause' in err && err.cause ? err.cause : err;
    s.status = 'refused';
    return s;
  }

  if (input.autoApprove) {
    s.status = 'approved';
    s.decidedBy = 'auto-approval';
    summary();
    await Promise.all(lotSignals);
    await condition(allHandlersFinished);
    return s;
  }

  /**
   * The placeHold update's answer must leave in an earlier workflow task than the completion: a task that
   * carried both could list the completion first, which the server refuses (it must be the last command).
   */
  async function answeredThenDone(): Promise<RedemptionState> {
    await condition(allHandlersFinished);
    await sleep(1);
    return s;
  }

  s.status = 'pending';
  summary();
  const to = { name: 'Team Captain', email: input.approverEmail };
  await acts.sendNotice(await ledger.recordRedemptionNotice({ redemptionId: s.redemptionId, event: 'waiting', to, accountId: input.accountId, credits: s.credits, kind: input.kind, holdUntil: s.holdUntil }));

  await sleepUntilDate(s.holdUntil!, () => decision !== null);
  const d = decision as { approve: boolean; by: string } | null;
  const outcome = d ? (d.approve ? 'approved' : 'rejected') : 'expired';
  try {
    const settled = await ledger.settleRedemption({ redemptionId: s.redemptionId, outcome, by: d?.by ?? `system:hold-expired-after-${HOLD_DAYS}-days`, on: today(), lotIds: s.allocation.map((a) => a.lotId) });
    s.status = settled.status as RedemptionState['status'];
    lotsHear(settled.balances);
  } catch {
    // The held credits expired with their lot before the approval: the request could not be honoured.
    s.status = 'expired';
  }
  s.decidedBy = d?.by ?? null;
  summary();
  await acts.sendNotice(await ledger.recordRedemptionNotice({ redemptionId: s.redemptionId, event: 'settled', to, accountId: input.accountId, credits: s.credits, kind: input.kind, holdUntil: s.holdUntil, outcome: s.status }));
  await Promise.all(lotSignals);
  await condition(allHandlersFinished);
  return s;

  async function fewerTasks(): Promise<RedemptionState> {
    const to = { name: 'Team Captain', email: input.approverEmail };
    const notice = { to, accountId: input.accountId, credits: input.credits, kind: input.kind };
    let waitingNotice: string | null = null;
    try {
      const held = await ledger.placeHold({
        redemptionId: input.redemptionId,
        accountId: input.accountId,
        lotId: input.lotId,
        request: { kind: input.kind, credits: input.credits, requestedOn: today(), startsOn: input.startsOn, details: input.details },
        requestedBy: input.requestedBy,
        redeemNow: input.autoApprove,
        notice,
      });
      s.allocation = held.allocation;
      s.holdUntil = held.holdUntil;
      waitingNotice = held.noticeKey ?? null;
    } catch (err) {
      holdError = err instanceof Error && 'cause' in err && err.cause ? err.cause : err;
      s.status = 'refused';
      return answeredThenDone();
    }

    if (input.autoApprove) {
      s.status = 'approved';
      s.decidedBy = 'auto-approval';
      summary();
      return answeredThenDone();
    }

    s.status = 'pending';
    summary();
    // Not awaited here: the placeHold update answers with this task, and the email goes out meanwhile.
    const waitingSent = acts.sendNotice(waitingNotice!);

    await sleepUntilDate(s.holdUntil!, () => decision !== null);
    const d = decision as { approve: boolean; by: string } | null;
    const outcome = d ? (d.approve ? 'approved' : 'rejected') : 'expired';
    let settledNotice: string;
    try {
      const settled = await ledger.settleRedemption({ redemptionId: s.redemptionId, outcome, by: d?.by ?? `system:hold-expired-after-${HOLD_DAYS}-days`, on: today(), lotIds: s.allocation.map((a) => a.lotId), notice });
      s.status = settled.status as RedemptionState['status'];
      settledNotice = settled.noticeKey!;
    } catch {
      // The held credits expired with their lot before the approval: the request could not be honoured.
      s.status = 'expired';
      settledNotice = await ledger.recordRedemptionNotice({ redemptionId: s.redemptionId, event: 'settled', to, accountId: input.accountId, credits: s.credits, kind: input.kind, holdUntil: s.holdUntil, outcome: s.status });
    }
    s.decidedBy = d?.by ?? null;
    summary();
    // The decision update answers with this task; the captain hears of the request before its outcome.
    await waitingSent;
    await acts.sendNotice(settledNotice);
    await condition(allHandlersFinished);
    return s;
  }

  /** The lots hear their new balances in the background: the caller does not wait for it. */
  function lotsHear(balances: Record<string, number>) {
    lotSignals.push(tellLots(balances));
  }

  function summary() {
    setCurrentDetails(`Redemption **${s.redemptionId}**: ${s.credits} credits (${input.kind}) — ${s.status}` + (s.holdUntil ? `, held until ${s.holdUntil}` : '') + `\n\nFrom lots: ${s.allocation.map((a) => `${a.lotId} (${a.credits})`).join(', ')}`);
  }
}

/** Keeps each lot's Balance search attribute current; a lot that has closed needs no news. */
async function tellLots(balances: Record<string, number>) {
  await Promise.all(
    Object.entries(balances).map(([lotId, balance]) => getExternalWorkflowHandle(creditLotWorkflowId(lotId)).signal(balanceChangedSignal, balance).catch(() => undefined)),
  );
}
