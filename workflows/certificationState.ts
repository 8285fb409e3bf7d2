// A certification's state and what each message does to it; the time-driven steps are in
// certificationSteps.ts, the wiring in certification.ts.
import { condition, patched, setCurrentDetails, upsertSearchAttributes, type ApplicationFailure } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';
import {
  anniversaryAfter,
  anniversaryOf,
  lapseDate,
  nextAnniversary,
  noticeIsTimely,
  recertWindowOpens,
  unmetRequirements,
  type Requirements,
} from '../domain/certification';
import type { CertificationNotice } from '../activities/certification';
import type { AuditEntry } from '../db/audit';
import { today } from './clock';
import { addResponses, assertReceivable, boundedCsat, openCsatShortfall, recordFollowUp } from './certificationCsat';
import {
  certificationSearchAttributes as csa,
  type CertificationInput,
  type CertificationState,
  type CsatResponses,
  type Shortfall,
} from './certificationDefinitions';
import { failureTypes } from './definitions';
import { acts, refusal, whenFirstWritten } from './shared';

/** CERT-5: the shortfalls found beside a granted extension that a certification keeps (the latest). */
const LATER_SHORTFALLS_KEPT = 10;

export class Certification {
  readonly s: CertificationState;
  recorded: boolean;
  /** Issue 24 finding 2: the application's first write refused by Postgres; the update that applied answers it. */
  refused: ApplicationFailure | null = null;
  revocation: string | null = null;
  /** v0.1.0: set by the main loop once it recorded the revocation the handler waited for. */
  revokedRecorded = false;
  /** The revoke handler recorded and told the revocation itself; the main loop only ends the run. */
  revokedByHandler = false;
  renewed = false;
  /** Set by a message that changes the dates ahead (non-compliance, an extension, a move to Gold). */
  complianceChanged = false;
  commandRunning = false; // issue 24: an audited command is between its try and its change (certificationAudit.ts)
  /** The day this run started (a renewal starts a new run). */
  readonly startedOn = today();

  constructor(input: CertificationInput) {
    this.s = input.carried ?? {
      id: input.id,
      partnerId: input.partnerId,
      country: input.country,
      partnerEmail: input.partnerEmail,
      state: 'applied',
      requirements: input.requirements,
      certifiedOn: null,
      anniversary: null,
      done: [],
      csatResponses: [],
      lowScoreFollowUpDone: false,
      lowScoreFollowUps: [],
      measurements: [],
      nonCompliance: null,
    };
    this.recorded = input.carried !== undefined;
  }

  open = () => this.s.state === 'approved' || this.s.state === 're-cert';

  assertOpen(): void {
    if (!this.open()) throw refusal(failureTypes.conflict, `certification ${this.s.id} is ${this.s.state}`);
  }

  assertOutOfCompliance(): void {
    if (!this.s.nonCompliance) throw refusal(failureTypes.conflict, 'the certification is not out of compliance');
  }

  async certificationRecorded(): Promise<CertificationState> {
    await whenFirstWritten(this);
    return this.s;
  }

  assertApplied(): void {
    if (this.s.state !== 'applied') throw refusal(failureTypes.conflict, `certification ${this.s.id} is ${this.s.state}`);
  }

  /** CERT-2: ops approve (a year to the anniversary) or refuse the application. */
  decide({ approve }: { approve: boolean }): CertificationState {
    const on = today();
    if (approve) Object.assign(this.s, { state: 'approved', certifiedOn: on, anniversary: anniversaryOf(on, 1) });
    else this.s.state = 'refused';
    return this.s;
  }

  validateRenewal(requirements: Requirements): void {
    const { anniversary, state } = this.s;
    const on = today();
    if (!this.open() || !anniversary || on < recertWindowOpens(anniversary) || on > lapseDate(anniversary)) {
      throw refusal(
        failureTypes.conflict,
        `renewal is open from ${anniversary ? recertWindowOpens(anniversary) : '-'} to ${anniversary ? lapseDate(anniversary) : '-'}; the certification is ${state}`,
      );
    }
    // CERT-3: every current requirement, customer satisfaction included.
    const csat = openCsatShortfall(this.s);
    const unmet = [...unmetRequirements(requirements), ...(csat ? [{ field: 'customerSatisfaction', message: csat }] : [])];
    if (unmet.length) throw refusal(failureTypes.invalid, `${unmet.length} requirement(s) not met`, unmet);
  }

  /** CERT-3: renewal in the window, only when every current requirement is met. */
  renew(requirements: Requirements): CertificationState {
    this.s.requirements = requirements;
    const { certifiedOn, anniversary } = this.s;
    this.s.anniversary = patched('certification-anniversary-from-approval')
      ? anniversaryAfter(certifiedOn!, anniversary!)
      : nextAnniversary(anniversary!);
    this.s.state = 'approved';
    this.renewed = true;
    return this.s;
  }

  /** CERT-4: responses count on the day they were received, which is never after today nor too long ago to count. */
  validateCsatResponses({ receivedOn }: CsatResponses): void {
    this.assertOpen();
    if (receivedOn !== undefined) assertReceivable(receivedOn, today());
  }

  /**
   * CERT-4: survey responses by the day they were received, however late they are entered: they count for
   * each measurement still to come whose 12 months hold that day (one already taken is not taken again). The
   * Low Score Follow-Up given is that of the period holding the day.
   */
  csatResponses({ count, receivedOn, lowScoreFollowUpDone }: CsatResponses): CertificationState {
    const on = receivedOn ?? today();
    addResponses(this.s, on, count);
    if (lowScoreFollowUpDone !== undefined) recordFollowUp(this.s, on, lowScoreFollowUpDone);
    Object.assign(this.s, boundedCsat(this.s, today()));
    return this.s;
  }

  /** CERT-5: the partner's notice, timely within 30 days of becoming aware. */
  nonComplianceNotice({ reason, awareOn }: { reason: string; awareOn: IsoDate }): CertificationState {
    const on = today();
    this.found({ reason, awareOn, noticeOn: on, timely: noticeIsTimely(awareOn, on) });
    return this.s;
  }

  /**
   * CERT-5: a shortfall found (a notice, a measurement). With an extension granted it is recorded beside it: the
   * extension stands until its date (v0.1.0 put the new one in its place, so ops could revoke at once).
   */
  found(shortfall: Shortfall): void {
    const nc = this.s.nonCompliance;
    if (nc?.extensionUntil && patched('certification-shortfall-beside-extension')) {
      nc.later = [...(nc.later ?? []), shortfall].slice(-LATER_SHORTFALLS_KEPT);
      return;
    }
    this.s.nonCompliance = { ...shortfall, extensionUntil: null };
    this.complianceChanged = true;
  }

  validateExtension({ until }: { until: IsoDate }): void {
    this.assertOutOfCompliance(); // CERT-5: late notice lets ops refuse an extension; it does not forbid one
    if (until <= today())
      throw refusal(failureTypes.invalid, 'an extension ends in the future', [{ field: 'until', message: 'must be after today' }]);
  }

  /** CERT-5: more time to be compliant again (told to the partner by the handler: certification.ts). */
  extend(until: IsoDate): void {
    this.s.nonCompliance = { ...this.s.nonCompliance!, extensionUntil: until };
    this.complianceChanged = true;
  }

  markCompliant(): CertificationState {
    this.s.nonCompliance = null;
    this.s.csatShortfall = null;
    this.complianceChanged = true;
    return this.s;
  }

  validateMoveToGold(): void {
    if (!this.open() || this.s.goldSince) throw refusal(failureTypes.conflict, `certification ${this.s.id} cannot move to Gold now`);
  }

  /** CERT-4: a Premier partner moving to Gold; its first Gold measurement comes after six full months. */
  moveToGold(): CertificationState {
    this.s.goldSince = today();
    this.complianceChanged = true; // the measurement dates change
    return this.s;
  }

  validateRevocation(): void {
    this.assertOpen();
    const until = this.s.nonCompliance?.extensionUntil;
    if (until && today() <= until) throw refusal(failureTypes.conflict, `the compliance extension runs until ${until}`);
  }

  /**
   * CERT-5: revocation is ops' decision, notified or not; not while an extension runs.
   *
   * A handler never waits for something only the main loop does once the main loop may be waiting for
   * handlers (`allHandlersFinished`): that is a wedge, and an SMTP outage makes it last. So the handler
   * records the revocation and tells the partner itself, and the main loop, woken by it, only ends the run
   * once the handlers are done. v0.1.0 waited here for the main loop to record it: a revoke accepted while
   * the main loop drained handlers before a renewal's continue-as-new (its "renewed" notice retrying through
   * an outage) waited forever, and so did the main loop.
   */
  async revoke({ reason }: { reason: string }): Promise<CertificationState> {
    this.revocation = reason;
    if (!patched('certification-revoke-in-handler')) {
      await condition(() => this.revokedRecorded);
      return this.s;
    }
    this.revokedByHandler = true;
    Object.assign(this.s, { state: 'revoked', endedOn: today() });
    await this.tell(`revoked-${this.s.endedOn}`, 'revoked', reason); // dated, as 'approved'
    return this.s;
  }

  /** The read model updated after `event` (to `after` with its audit row, issue 24); with a `notice`, the partner told. */
  async record(event: string, notice?: CertificationNotice, detail?: string, after?: { s: CertificationState; audit: AuditEntry }) {
    const key = await acts.recordCertificationEvent({ s: after?.s ?? this.s, event, notice, detail, audit: after?.audit });
    if (key) await acts.sendNotice(key);
  }

  /** Published, recorded and, with a `notice`, told: a step of the lifecycle. */
  async tell(event: string, notice?: CertificationNotice, detail?: string): Promise<void> {
    this.publish();
    await this.record(event, notice, detail);
  }

  /** ALL-1: what ops search by and read in the Web UI. */
  publish(): void {
    const s = this.s;
    upsertSearchAttributes([
      { key: csa.PartnerId, value: s.partnerId },
      { key: csa.Country, value: s.country },
      { key: csa.CertState, value: s.state },
      { key: csa.AnniversaryDate, value: s.anniversary ? new Date(`${s.anniversary}T00:00:00Z`) : null },
    ]);
    setCurrentDetails(
      `Premier Certification **${s.partnerId}** in ${s.country} — ${s.state}` +
        (s.anniversary ? `, anniversary ${s.anniversary}` : '') +
        (s.nonCompliance
          ? `\n\nOut of compliance: ${[s.nonCompliance, ...(s.nonCompliance.later ?? [])].map((x) => x.reason).join('; ')}`
          : ''),
    );
  }
}
