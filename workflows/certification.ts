import type { UpdateDefinition } from '@temporalio/common';
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
import { audited, commandAudited, type AuditActor } from './certificationAudit';
import { Certification } from './certificationState';
import { today } from './clock';
import type { IsoDate } from '../domain/calendar';
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
  setCommandHandlers(c);

  c.publish();
  if (c.s.state === 'applied' && (await decideApplication(c, input.appliedBy)) === 'refused') return ended(c);
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

/** CERT-5: an extension and its notice, audited in the same transaction (issue 24). */
function grantExtension(c: Certification, until: IsoDate, by: AuditActor | undefined): Promise<CertificationState> {
  const told = (after?: Parameters<Certification['record']>[3]) => c.record(`extension-${until}`, 'extension', until, after);
  return audited(c, by, 'extension', {
    validate: () => c.validateExtension({ until }),
    change: () => (c.extend(until), c.s),
    write: (s, audit) => told({ s, audit }),
    legacy: async () => (c.extend(until), await told(), c.s),
  });
}

/** CERT-5: ops' revocation, recorded, audited and told by the handler; the main loop then ends the run. */
async function revokeAudited(c: Certification, reason: string, by: AuditActor | undefined): Promise<CertificationState> {
  if (!commandAudited(by)) return c.revoke({ reason });
  const revoked = () => Object.assign(c.s, { state: 'revoked' as const, endedOn: today() });
  await audited(c, by, 'revocation', {
    validate: () => c.validateRevocation(),
    change: revoked,
    write: (s, audit) => c.record(`revoked-${s.endedOn}`, 'revoked', reason, { s, audit }), // dated, as 'approved'
  });
  [c.revocation, c.revokedByHandler] = [reason, true];
  c.publish();
  return c.s;
}

/** Issue 24: each command audited with its change (certificationAudit.ts); its validator is asked again in its turn. */
function setCommandHandlers(c: Certification): void {
  function command<A>(
    def: UpdateDefinition<CertificationState, [A, by?: AuditActor]>,
    what: string,
    validate: (a: A) => void,
    change: (a: A) => CertificationState,
  ): void {
    const run = (a: A, by?: AuditActor) => audited(c, by, what, { validate: () => validate(a), change: () => change(a) });
    setHandler(def, run, { validator: (a: A, _by?: AuditActor) => validate(a) });
  }
  command(
    decideCertificationUpdate,
    'decision',
    () => c.assertApplied(),
    (d) => c.decide(d),
  );
  command(
    renewCertificationUpdate,
    'renewal',
    (r) => c.validateRenewal(r),
    (r) => c.renew(r),
  );
  command(
    csatResponsesUpdate,
    'csat-responses',
    (r) => c.validateCsatResponses(r),
    (r) => c.csatResponses(r),
  );
  command(
    nonComplianceNoticeUpdate,
    'non-compliance-notices',
    () => c.assertOpen(),
    (n) => c.nonComplianceNotice(n),
  );
  command(
    markCompliantUpdate,
    'compliance',
    () => c.assertOutOfCompliance(),
    () => c.markCompliant(),
  );
  command(
    moveToGoldUpdate,
    'gold',
    () => c.validateMoveToGold(),
    () => c.moveToGold(),
  );
  setHandler(grantExtensionUpdate, (e, by?) => grantExtension(c, e.until, by), { validator: (e, _by?) => c.validateExtension(e) });
  setHandler(revokeUpdate, (r, by?) => revokeAudited(c, r.reason, by), { validator: (_r, _by?) => c.validateRevocation() });
}
