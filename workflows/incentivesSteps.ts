// What moves an engagement: its record, a payment for each phase whose goals the readings meet, and the
// expiry of a phase not completed in time. Each step reads and writes the Engagement.
import { condition, patched, workflowInfo } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';
import { openEngagementRefusal, phaseComplete, phaseDeadline } from '../domain/incentives';
import { today } from './clock';
import type { Engagement } from './incentivesState';
import { acts, firstWrite, locals, sendNoticeSoon } from './shared';

/**
 * LCI-1: the engagement's read model, written once before anything else. LCI-5: when another engagement
 * is open for the same partner, customer and use case (two requests at once, both past the API's check),
 * nothing is written and this one is refused, naming it, instead of retrying the insert for ever.
 */
export async function recordEngagement(e: Engagement): Promise<void> {
  if (e.recorded) return;
  const { s } = e;
  const key = { partnerId: s.partnerId, customerId: s.customerId, useCaseId: s.useCase.id };
  // Issue 24 finding 2: an engagement Postgres refuses never opened; the request answers 422, the run fails with it.
  const openId = await firstWrite(
    acts.recordEngagement({ engagementId: s.engagementId, ...key, phase: e.phase().name, openedBy: e.openedBy }),
    'incentives-refused-engagement-ends',
    (refused) => (e.refused = refused),
  );
  // v0.1.0's activity answered nothing, so its histories take the old path; the marker records the new one.
  if (openId && patched('lci-5-one-open-engagement')) {
    e.refusedBecause = openEngagementRefusal(openId, key);
    return;
  }
  e.recorded = true;
}

/**
 * LCI-2: every phase whose goals the latest readings meet pays once, in order; then the engagement is
 * published. From a phase change to the publish nothing is awaited: the old deadline timer's cancel
 * reaches the history after the upsert, as in the recorded histories.
 */
export async function payCompletedPhases(e: Engagement): Promise<void> {
  while (e.s.state === 'active' && phaseComplete(e.phase(), e.s.latest)) advancePhase(e, await recordPayment(e));
  e.publish();
}

/** LCI-2: the phase's payment, approved with no human review, and its notice; returns the approval date. */
async function recordPayment(e: Engagement): Promise<IsoDate> {
  const { s } = e;
  const done = e.phase();
  const approvedOn = today();
  const payment = {
    ...e.party(),
    phaseIndex: s.phaseIndex,
    phase: done.name,
    amountUsd: done.paymentUsd,
    approvedOn,
    nextPhase: s.useCase.phases[s.phaseIndex + 1]?.name ?? null,
  };
  await sendNoticeSoon(await locals.recordPhasePayment(payment));
  s.payments.push({ phase: done.name, amountUsd: done.paymentUsd, approvedOn });
  return approvedOn;
}

/** The next phase begins with its own deadline, or the engagement is complete. */
function advancePhase(e: Engagement, approvedOn: IsoDate): void {
  const { s } = e;
  if (s.phaseIndex + 1 < s.useCase.phases.length) {
    s.phaseIndex += 1;
    s.phaseStartedOn = approvedOn;
    s.deadline = phaseDeadline(approvedOn, e.phaseMonths);
    e.armDeadline();
  } else {
    s.state = 'completed';
    e.phaseTimer?.cancel();
  }
}

/** Waits for readings, the phase's deadline, or the suggestion to continue as new. */
export async function waitForReadings(e: Engagement): Promise<'readings' | 'deadline' | 'suggested'> {
  e.fresh = false;
  const timer = e.phaseTimer!;
  await condition(() => e.fresh || timer.passed() || workflowInfo().continueAsNewSuggested);
  const woke = e.fresh || !timer.passed();
  if (!woke) return 'deadline';
  return workflowInfo().continueAsNewSuggested ? 'suggested' : 'readings';
}

/** LCI-4: a phase not completed in time (12 months unless configured) expires the engagement; the partner is told. */
export async function expire(e: Engagement): Promise<void> {
  const { s } = e;
  s.state = 'expired';
  await acts.sendNotice(await acts.recordEngagementExpiry({ ...e.party(), phase: e.phase().name, deadline: s.deadline }));
  e.publish();
}
