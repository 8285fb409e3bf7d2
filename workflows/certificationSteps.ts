// What happens to a certification as dates come: the decision on the application, then each dated event
// of the year (Re-Cert opening, reminders, customer satisfaction measurements, an extension's end) until
// it is renewed, lost or revoked. Each step reads and writes the Certification.
import { allHandlersFinished, condition, patched, workflowInfo } from '@temporalio/workflow';
import { addDays, type IsoDate } from '../domain/calendar';
import {
  csatMeasurementDates,
  csatShortfalls,
  firstCsatMeasurement,
  firstCsatMeasurementOf,
  firstCsatMeasurementOfReapplication,
  lapseDate,
  lapseReminderDate,
  lostOn,
  newPartnerSince,
  recertReminderDates,
  recertWindowOpens,
} from '../domain/certification';
import { sleepUntilDate, today } from './clock';
import { followUpDoneFor, recordMeasurement, responsesFor, withEarlierCsat } from './certificationCsat';
import type { CertificationState } from './certificationDefinitions';
import { certificationAudit, type AuditActor } from './certificationAudit';
import type { Certification } from './certificationState';
import { acts, firstWrite } from './shared';

/** CERT-1, CERT-2: the application recorded (audited with it, issue 24), then approved or refused by ops. */
export async function decideApplication(c: Certification, by?: AuditActor): Promise<'approved' | 'refused'> {
  c.publish();
  // Issue 24 finding 2: an application Postgres refuses was never made; it answers 422, the run fails with it.
  const applied = c.record('applied', undefined, undefined, by && { s: c.s, audit: certificationAudit(c.s.id, by, 'applied', null, c.s) });
  await firstWrite(applied, 'certification-refused-application-ends', (refused) => (c.refused = refused));
  c.recorded = true;
  await condition(() => c.s.state !== 'applied');
  if ((c.s.state as CertificationState['state']) === 'refused') {
    await c.tell(`refused-${today()}`, 'refused'); // dated: a partner may apply again (v0.1.0: 'refused')
    return 'refused';
  }
  if (patched('certification-new-partner-grace')) {
    const since = newPartnerSince(c.s.certifiedOn!);
    c.s.recentlyCertified = await acts.partnerCertifiedSince({ partnerId: c.s.partnerId, since });
  }
  if (patched('certification-reapplication-keeps-csat')) await setFirstMeasurement(c);
  await c.tell(`approved-${c.s.certifiedOn}`, 'approved'); // dated: a partner may apply again (v0.1.0: 'approved')
  return 'approved';
}

/**
 * CERT-4: the first measurement date, fixed at approval. A partner re-applying within six months (not "new")
 * keeps the responses and follow-ups its earlier certification here had, and that one's first measurement
 * date while it is still ahead; v0.1.0 started it with none, to be found short at the next January or July.
 */
async function setFirstMeasurement(c: Certification): Promise<void> {
  const { s } = c;
  if (!s.recentlyCertified) {
    s.firstCsatOn = firstCsatMeasurementOf(s.certifiedOn!, true);
    return;
  }
  const earlier = await acts.earlierCsatOf({ id: s.id });
  if (earlier) Object.assign(s, withEarlierCsat(s, earlier, today()));
  s.firstCsatOn = firstCsatMeasurementOfReapplication(s.certifiedOn!, earlier?.firstCsatOn ?? null);
}

export interface DatedEvent {
  key: string;
  date: IsoDate;
  /** The cycle's first customer satisfaction measurement (CERT-4 asks more of it). */
  firstCsat: IsoDate;
}

/** The earliest event of this cycle not yet handled. */
export function nextEvent(c: Certification): DatedEvent {
  const { s } = c;
  const a = s.anniversary!;
  const [r60, r30] = recertReminderDates(a);
  const firstCsat = s.goldSince
    ? firstCsatMeasurement(s.goldSince, 6)
    : (s.firstCsatOn ?? firstCsatMeasurementOf(s.certifiedOn!, !s.recentlyCertified));
  const extensionUntil = s.nonCompliance?.extensionUntil;
  const events: [string, IsoDate][] = [
    ['recert-open', recertWindowOpens(a)],
    ['recert-60', r60!],
    ['recert-30', r30!],
    ['lapse-7', lapseReminderDate(a)],
    ['lost', lostOn(a)],
    ...csatDatesAhead(c, firstCsat, lostOn(a)).map((d): [string, IsoDate] => [`csat-${d}`, d]),
    ...(extensionUntil ? [[`extension-end-${extensionUntil}`, addDays(extensionUntil, 1)] as [string, IsoDate]] : []),
  ];
  const pending = events.filter(([key]) => !s.done.includes(key)).sort((x, y) => (x[1] < y[1] ? -1 : 1));
  const [key, date] = pending[0]!;
  return { key, date, firstCsat };
}

/**
 * CERT-4: the measurement dates of the cycle still to take. Each is taken once: none already measured, and
 * none already past when this run started (v0.1.0 took every date of the cycle again after a renewal).
 */
function csatDatesAhead(c: Certification, from: IsoDate, to: IsoDate): IsoDate[] {
  const dates = csatMeasurementDates(from, to);
  if (!patched('certification-csat-measured-once')) return dates;
  return dates.filter((d) => d >= c.startedOn && !c.s.measurements.some((m) => m.on === d));
}

/** Sleeps until `date` unless a message changes what comes next; true when woken early. */
export function sleepUntilEvent(c: Certification, date: IsoDate): Promise<boolean> {
  c.complianceChanged = false;
  return sleepUntilDate(date, () => c.renewed || c.revocation !== null || c.complianceChanged || workflowInfo().continueAsNewSuggested);
}

/** The event's date has come: handles it; returns 'ended' when the certification ended with it. */
export async function onEvent(c: Certification, { key, date, firstCsat }: DatedEvent): Promise<'ended' | 'continue'> {
  const { s } = c;
  s.done.push(key);
  // CERT-2: each cycle's notices are its own, keyed by its anniversary (v0.1.0 keyed the first cycle's alone).
  const ofCycle = `${key}-${s.anniversary}`;
  if (key === 'recert-open' && c.open()) {
    s.state = 're-cert';
    await c.tell(ofCycle, 'recert-open');
  } else if (key === 'recert-60' || key === 'recert-30' || key === 'lapse-7') {
    const last = lapseDate(s.anniversary!);
    if (s.state === 're-cert')
      await c.tell(ofCycle, 'reminder', key === 'lapse-7' ? `It is lost after ${last}.` : `Renewal is open until ${last}.`);
  } else if (key === 'lost') {
    Object.assign(s, { state: 'lapsed', endedOn: date });
    await c.tell(ofCycle, 'lapsed');
    return 'ended';
  } else if (key.startsWith('csat-')) {
    await measureCsat(c, date, date === firstCsat);
  } else if (key.startsWith('extension-end-') && s.nonCompliance) {
    if (patched('certification-extension-end-asks-ops')) return askOps(c, key, s.nonCompliance);
    Object.assign(s, { state: 'revoked', endedOn: today() }); // v0.1.0 revoked by itself
    await c.tell(key, 'revoked', `still out of compliance when the extension ended (${s.nonCompliance.reason})`);
    return 'ended';
  }
  return 'continue';
}

/** CERT-5: at an extension's end ops is asked to confirm or revoke; the certification stays until ops decide. */
async function askOps(c: Certification, key: string, nc: NonNullable<CertificationState['nonCompliance']>): Promise<'continue'> {
  const since = nc.later?.length ? `; found since: ${nc.later.map((x) => x.reason).join('; ')}` : '';
  await c.tell(key, 'extension-ended', `ended on ${nc.extensionUntil} (${nc.reason})${since}`);
  return 'continue';
}

/** CERT-4: the responses of the 12 months before the measurement date; a shortfall is non-compliance. */
async function measureCsat(c: Certification, date: IsoDate, first: boolean): Promise<void> {
  const { s } = c;
  // CERT-4: each period's own Low Score Follow-Up (v0.1.0: one flag for every measurement after it was set).
  const followUpDone = patched('certification-follow-up-per-period') ? followUpDoneFor(s, date) : s.lowScoreFollowUpDone;
  const shortfalls = csatShortfalls({
    responsesIn12Months: responsesFor(s, date),
    lowScoreFollowUpDone: followUpDone,
    first,
    premierToGold: Boolean(s.goldSince),
  });
  recordMeasurement(s, { on: date, passed: shortfalls.length === 0, shortfalls });
  // CERT-3: open until ops record the partner compliant again, or a later measurement passes.
  s.csatShortfall = shortfalls.length ? { on: date, shortfalls } : null;
  if (!shortfalls.length) return c.publish();
  c.found({ reason: `customer satisfaction on ${date}: ${shortfalls.join('; ')}`, awareOn: date, noticeOn: date, timely: true });
  await c.tell(`csat-${date}`, 'csat-failed', shortfalls.join('; '));
}

/**
 * CERT-5: revoked by ops. The revoke handler records and tells it (v0.1.0: the main loop did, here, while the
 * handler waited); either way the run ends once every handler is done.
 */
export async function revoke(c: Certification): Promise<CertificationState> {
  if (!c.revokedByHandler) {
    Object.assign(c.s, { state: 'revoked', endedOn: today() });
    await c.tell(`revoked-${c.s.endedOn}`, 'revoked', c.revocation!); // dated, as 'approved'
    c.revokedRecorded = true;
  }
  return ended(c);
}

/** The certification has ended (refused, lost, revoked): the run ends once the handlers running have answered. */
export async function ended(c: Certification): Promise<CertificationState> {
  await condition(allHandlersFinished);
  return c.s;
}
