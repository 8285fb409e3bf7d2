import { allHandlersFinished, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import {
  engagementRecordedUpdate,
  engagementStateQuery,
  readingsSignal,
  type EngagementInput,
  type EngagementState,
} from './incentivesDefinitions';
import { Engagement } from './incentivesState';
import { expire, payCompletedPhases, recordEngagement, waitForReadings } from './incentivesSteps';

/**
 * One partner's engagement with one customer on one use case (LCI-1 … LCI-3). Telemetry moves it: when
 * the latest readings meet every goal of the current phase, the phase's payment is approved (no human
 * review) and the next phase begins. A phase not completed within its months (LCI-4:
 * 12 unless configured when it opened) expires the engagement.
 */
export async function incentiveEngagement(input: EngagementInput): Promise<EngagementState> {
  const e = new Engagement(input);
  setHandler(engagementStateQuery, () => e.s);
  setHandler(engagementRecordedUpdate, () => e.engagementRecorded());
  setHandler(readingsSignal, (readings) => e.readings(readings));

  e.publish();
  await recordEngagement(e);
  if (e.refusedBecause) {
    // LCI-5: it never opened. The update that started it answers the refusal first; then the run ends with it.
    await condition(allHandlersFinished);
    throw e.refusal();
  }
  e.armDeadline();
  while (e.s.state === 'active') {
    await payCompletedPhases(e);
    if (e.s.state !== 'active') break;
    const woke = await waitForReadings(e);
    if (woke === 'suggested') {
      // Drain running update handlers first, so no message is lost across the new run.
      await condition(allHandlersFinished);
      return continueAsNew<typeof incentiveEngagement>({ ...input, carried: e.s });
    }
    if (woke === 'deadline') await expire(e);
  }
  await condition(allHandlersFinished);
  return e.s;
}
