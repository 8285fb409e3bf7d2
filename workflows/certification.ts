import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  certificationRecordedUpdate,
  certificationStateQuery,
  csatResponsesUpdate,
  decideCertificationUpdate,
  grantExtensionUpdate,
  markCompliantUpdate,
  moveToGoldUpdate,
  nonComplianceNoticeUpdate,
  renewCertificationUpdate,
  revokeUpdate,
  type CertificationInput,
  type CertificationState,
} from './certificationDefinitions';
import { boundedCsat } from './certificationCsat';
import { Certification } from './certificationState';
import { today } from './clock';
import { decideApplication, ended, nextEvent, onEvent, revoke, sleepUntilEvent } from './certificationSteps';

/**
 * One partner's Premier Certification in one country (CERT-1 … CERT-5): applied → approved by ops →
 * Re-Cert 90 days before each anniversary (reminders at 60 and 30 days, and a week before it is lost) →
 * renewed (a year on; continue-as-new) or lost 31 days after the anniversary. Customer satisfaction is
 * measured each January and July; non-compliance may get an extension or end in revocation.
 */
export async function certification(input: CertificationInput): Promise<CertificationState> {
  const c = new Certification(input);
  setHandler(certificationStateQuery, () => c.s);
  setHandler(certificationRecordedUpdate, () => c.certificationRecorded());
  setHandler(decideCertificationUpdate, (d) => c.decide(d), { validator: (_d) => c.assertApplied() });
  setHandler(renewCertificationUpdate, (r) => c.renew(r), { validator: (r) => c.validateRenewal(r) });
  setHandler(csatResponsesUpdate, (r) => c.csatResponses(r), { validator: (r) => c.validateCsatResponses(r) });
  setHandler(nonComplianceNoticeUpdate, (n) => c.nonComplianceNotice(n), { validator: (_n) => c.assertOpen() });
  setHandler(grantExtensionUpdate, (e) => c.grantExtension(e), { validator: (e) => c.validateExtension(e) });
  setHandler(markCompliantUpdate, () => c.markCompliant(), { validator: (_m) => c.assertOutOfCompliance() });
  setHandler(moveToGoldUpdate, () => c.moveToGold(), { validator: (_m) => c.validateMoveToGold() });
  setHandler(revokeUpdate, (r) => c.revoke(r), { validator: (_r) => c.validateRevocation() });

  c.publish();
  if (c.s.state === 'applied' && (await decideApplication(c)) === 'refused') return ended(c);
  for (;;) {
    const event = nextEvent(c);
    const woke = await sleepUntilEvent(c, event.date);
    if (c.revocation !== null) return revoke(c);
    if (c.renewed) {
      await c.tell(`renewed-${c.s.anniversary}`, 'renewed');
      if (c.revocation !== null) return revoke(c); // revoked while the renewal was told
      return nextRun(c, input, () => ({ ...boundedCsat(c.s, today()), done: [] })); // the new year's events afresh
    }
    if (woke && workflowInfo().continueAsNewSuggested) return nextRun(c, input, () => boundedCsat(c.s, today()));
    if (!woke && (await onEvent(c, event)) === 'ended') return ended(c);
  }
}

/**
 * Drains running update handlers first, so no message is lost across the new run; then carries the state. A
 * handler never waits for something only this loop does, as this loop is waiting for handlers; a revoke
 * answered meanwhile ends the certification instead.
 */
async function nextRun(c: Certification, input: CertificationInput, carried: () => CertificationState): Promise<CertificationState> {
  await condition(allHandlersFinished);
  if (c.revocation !== null) return revoke(c);
  return continueAsNew<typeof certification>({ ...input, carried: carried() });
}
