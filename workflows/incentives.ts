import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { goalProgress, mergeReadings, phaseComplete, phaseDeadline } from '../domain/incentives';
import { deadlineTimer, today } from './clock';
import {
  engagementRecordedUpdate,
  engagementStateQuery,
  incentiveSearchAttributes as isa,
  readingsSignal,
  type EngagementInput,
  type EngagementState,
} from './incentivesDefinitions';
import { acts, locals, sendNoticeSoon } from './shared';

/**
 * One partner's engagement with one customer on one use case (LCI-1 … LCI-3). Telemetry moves it: when
 * the latest readings meet every goal of the current phase, the phase's payment is approved (no human
 * review) and the next phase begins. A phase not completed within 12 months expires the engagement.
 */
export async function incentiveEngagement(input: EngagementInput): Promise<EngagementState> {
  const on = today();
  const s: EngagementState = input.carried ?? {
    engagementId: input.engagementId,
    partnerId: input.partnerId,
    customerId: input.customerId,
    partnerEmail: input.partnerEmail,
    useCase: input.useCase,
    state: 'active',
    phaseIndex: 0,
    phaseStartedOn: on,
    deadline: phaseDeadline(on),
    latest: {},
    payments: [],
  };
  let recorded = input.carried !== undefined;
  let fresh = false;
  // Telemetry wakes an engagement often, so a wake-up that changes nothing writes nothing to the history:
  // one deadline timer per phase (not one per wake-up), search attributes upserted only when the phase
  // changes, and the payment and its email as local activities (a phase change is one workflow task).
  let upserted: string | undefined;
  const phase = () => s.useCase.phases[s.phaseIndex]!;

  setHandler(engagementStateQuery, () => s);
  setHandler(engagementRecordedUpdate, async () => {
    await condition(() => recorded);
    return s;
  });
  // LCI-2: readings may come twice, late or out of order: only the newest of each metric counts.
  setHandler(readingsSignal, (readings) => {
    s.latest = mergeReadings(s.latest, readings);
    fresh = true;
  });

  const publish = () => {
    const phaseAttr = s.state === 'active' ? phase().name : s.state;
    if (phaseAttr !== upserted)
      upsertSearchAttributes([
        { key: isa.PartnerId, value: s.partnerId },
        { key: isa.CustomerId, value: s.customerId },
        { key: isa.UseCase, value: s.useCase.id },
        { key: isa.Phase, value: phaseAttr },
      ]);
    upserted = phaseAttr;
    setCurrentDetails(
      `Engagement **${s.engagementId}** (${s.partnerId} → ${s.customerId}, ${s.useCase.name}) — ${s.state === 'active' ? `${phase().name} until ${s.deadline}` : s.state}` +
        (s.state === 'active'
          ? `\n\n${goalProgress(phase(), s.latest)
              .map((g) => `${g.metric} ${g.comparison} ${g.threshold}: ${g.value ?? '–'} ${g.met ? '✓' : ''}`)
              .join('\n')}`
          : ''),
    );
  };

  publish();
  if (!recorded) {
    await acts.recordEngagement({
      engagementId: s.engagementId,
      partnerId: s.partnerId,
      customerId: s.customerId,
      useCaseId: s.useCase.id,
      phase: phase().name,
    });
    recorded = true;
  }

  let timer = deadlineTimer(s.deadline);
  while (s.state === 'active') {
    // Every phase whose goals the latest readings meet pays once, in order.
    while (s.state === 'active' && phaseComplete(phase(), s.latest)) {
      const done = phase();
      const next = s.useCase.phases[s.phaseIndex + 1];
      const approvedOn = today();
      const payment = {
        engagementId: s.engagementId,
        partnerEmail: s.partnerEmail,
        phaseIndex: s.phaseIndex,
        phase: done.name,
        amountUsd: done.paymentUsd,
        approvedOn,
        nextPhase: next?.name ?? null,
      };
      await sendNoticeSoon(await locals.recordPhasePayment(payment));
      s.payments.push({ phase: done.name, amountUsd: done.paymentUsd, approvedOn });
      if (next) {
        s.phaseIndex += 1;
        s.phaseStartedOn = approvedOn;
        s.deadline = phaseDeadline(approvedOn);
        timer.cancel();
        timer = deadlineTimer(s.deadline);
      } else {
        s.state = 'completed';
        timer.cancel();
      }
    }
    publish();
    if (s.state !== 'active') break;
    fresh = false;
    const t = timer;
    await condition(() => fresh || t.passed() || workflowInfo().continueAsNewSuggested);
    const woke = fresh || !t.passed();
    if (woke && workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof incentiveEngagement>({ ...input, carried: s });
    }
    if (!woke) {
      s.state = 'expired';
      await acts.sendNotice(
        await acts.recordEngagementExpiry({
          engagementId: s.engagementId,
          partnerEmail: s.partnerEmail,
          phase: phase().name,
          deadline: s.deadline,
        }),
      );
      publish();
    }
  }
  await condition(allHandlersFinished);
  return s;
}
