// Premier Certification rules (CERT-1 … CERT-5): pure, so the certification workflow can use them.
import { addDays, addMonths, addYears, daysBetween, type IsoDate } from './calendar';

export const SPECIALIZATIONS = ['express-foundation', 'express-collaboration', 'advanced-architecture', 'advanced-technology'] as const;
export const HYBRID_IT_SERVICES = [
  'cisco-cloud-service',
  'cisco-powered-cloud-service',
  'cisco-powered-managed-service',
  'cisco-based-partner-created-service',
] as const;

/** CERT-1: what an application (or a renewal) declares. */
export interface Requirements {
  specializations: string[];
  hybridItService: { type: string; endCustomerSla: boolean; description: boolean; resaleLifecycleProcess: boolean } | null;
  resaleAgreement: boolean;
  customerService8x5: boolean;
  preSalesSupport: boolean;
  termsAccepted: boolean;
}

/** CERT-1, CERT-3: every requirement not met, each with the field it concerns (empty when all are met). */
export function unmetRequirements(r: Requirements): { field: string; message: string }[] {
  const unmet: { field: string; message: string }[] = [];
  if (!r.specializations.some((s) => (SPECIALIZATIONS as readonly string[]).includes(s))) {
    unmet.push({
      field: 'specializations',
      message: 'needs Express Foundation, Express Collaboration, an Advanced Architecture or an Advanced Technology specialization',
    });
  }
  const h = r.hybridItService;
  if (!h || !(HYBRID_IT_SERVICES as readonly string[]).includes(h.type))
    unmet.push({ field: 'hybridItService.type', message: 'must be able to sell one Hybrid IT service' });
  if (h && !h.endCustomerSla)
    unmet.push({ field: 'hybridItService.endCustomerSla', message: 'the Hybrid IT service needs an end-customer SLA' });
  if (h && !h.description)
    unmet.push({ field: 'hybridItService.description', message: 'the Hybrid IT service needs a marketing or technical description' });
  if (h && !h.resaleLifecycleProcess)
    unmet.push({
      field: 'hybridItService.resaleLifecycleProcess',
      message: 'the Hybrid IT service needs a resale lifecycle management process',
    });
  if (!r.resaleAgreement)
    unmet.push({ field: 'resaleAgreement', message: 'needs a valid resale agreement or Indirect Channel Partner Agreement' });
  if (!r.customerService8x5) unmet.push({ field: 'customerService8x5', message: 'needs 8x5 customer service' });
  if (!r.preSalesSupport) unmet.push({ field: 'preSalesSupport', message: 'needs pre-sales support' });
  if (!r.termsAccepted) unmet.push({ field: 'termsAccepted', message: 'the program terms must be accepted' });
  return unmet;
}

/** CERT-2: the status turns Re-Cert 90 days before each anniversary; reminders 60 and 30 days before. */
export const recertWindowOpens = (anniversary: IsoDate) => addDays(anniversary, -90);
export const recertReminderDates = (anniversary: IsoDate) => [addDays(anniversary, -60), addDays(anniversary, -30)];
/** CERT-3: the last day a renewal is accepted (30 days after the anniversary); lost the day after. */
export const lapseDate = (anniversary: IsoDate) => addDays(anniversary, 30);
export const lostOn = (anniversary: IsoDate) => addDays(lapseDate(anniversary), 1);
/** A last reminder a week before the certification is lost [default]. */
export const lapseReminderDate = (anniversary: IsoDate) => addDays(lapseDate(anniversary), -7);
/** v0.1.0's next anniversary, a year on from the last: it drifts (2029-02-28 stays on the 28th). */
export const nextAnniversary = (anniversary: IsoDate) => addYears(anniversary, 1);
/** CERT-2: the n-th anniversary, CAL-4 applied to the approval date each time (2028-02-29: 2031-02-28, 2032-02-29). */
export const anniversaryOf = (approvedOn: IsoDate, n: number) => addYears(approvedOn, n);
/** CERT-2: the anniversary after `anniversary` (an n-th one, or one drifted from it in the same year). */
export const anniversaryAfter = (approvedOn: IsoDate, anniversary: IsoDate) =>
  anniversaryOf(approvedOn, Number(anniversary.slice(0, 4)) - Number(approvedOn.slice(0, 4)) + 1);

/** CERT-4: customer satisfaction is measured on these days of January and July [default: the 1st]. */
export const CSAT_MEASUREMENT_DAY = 1;
export const CSAT_MIN_RESPONSES = 10;

/** Measurement dates in [from, to], in order. */
export function csatMeasurementDates(from: IsoDate, to: IsoDate): IsoDate[] {
  const dates: IsoDate[] = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) {
    for (const m of ['01', '07']) {
      const d = `${y}-${m}-${String(CSAT_MEASUREMENT_DAY).padStart(2, '0')}`;
      if (d >= from && d <= to) dates.push(d);
    }
  }
  return dates;
}

/** CERT-4: the measurement closing the period that holds `date` (the first on or after it): the period its responses' Low Score Follow-Up belongs to. */
export const csatPeriodOf = (date: IsoDate): IsoDate => csatMeasurementDates(date, addYears(date, 1))[0]!;
/** CERT-4: the next measurement date after `today` (one on `today` itself was taken at its start). */
export const nextCsatMeasurement = (today: IsoDate): IsoDate => csatPeriodOf(addDays(today, 1));
/** CERT-4: the first day of the 12 months whose responses the measurement on `measuredOn` counts (the day itself is the last). */
export const csatCountsFrom = (measuredOn: IsoDate): IsoDate => addDays(addMonths(measuredOn, -12), 1);
/** CERT-4: responses received before this day count for no measurement after `today`: what a certification need not keep. */
export const csatKeptFrom = (today: IsoDate): IsoDate => csatCountsFrom(nextCsatMeasurement(today));

/** CERT-4: the first measurement that falls after a full 12 months of certification (6 for Premier→Gold). */
export function firstCsatMeasurement(certifiedOn: IsoDate, fullMonths = 12): IsoDate {
  const from = addMonths(certifiedOn, fullMonths);
  return csatMeasurementDates(from, addYears(from, 1))[0]!;
}

/** CERT-4: a partner is "new" unless Premier, Silver or Gold certified since this day (six months before). */
export const newPartnerSince = (approvedOn: IsoDate) => addMonths(approvedOn, -6);

/**
 * CERT-4: a new partner's first measurement comes after 12 full months; another's is the first date after approval,
 * or, re-applying, the first measurement date of its earlier certification when that is still ahead (the grace it had
 * runs on: a re-application neither restarts it nor cuts it short).
 */
export function firstCsatMeasurementOfReapplication(approvedOn: IsoDate, earlierFirst: IsoDate | null): IsoDate {
  const own = firstCsatMeasurementOf(approvedOn, false);
  return earlierFirst && earlierFirst > own ? earlierFirst : own;
}

/** CERT-4: a new partner's first measurement comes after 12 full months; another's is the first date after approval. */
export function firstCsatMeasurementOf(approvedOn: IsoDate, newPartner: boolean): IsoDate {
  return newPartner ? firstCsatMeasurement(approvedOn) : csatMeasurementDates(addDays(approvedOn, 1), addYears(approvedOn, 1))[0]!;
}

/**
 * CERT-4: whether a measurement passes. The first needs 10 responses (30 for Premier→Gold); later ones
 * 10 from the 12 months before the date, and the Low Score Follow-Up done.
 */
export function csatShortfalls(m: {
  responsesIn12Months: number;
  lowScoreFollowUpDone: boolean;
  first: boolean;
  premierToGold?: boolean;
}): string[] {
  const needed = m.first && m.premierToGold ? 30 : CSAT_MIN_RESPONSES;
  const problems: string[] = [];
  if (m.responsesIn12Months < needed) problems.push(`${m.responsesIn12Months} survey responses, ${needed} needed`);
  if (!m.lowScoreFollowUpDone) problems.push('the Low Score Follow-Up is not done');
  return problems;
}

/** CERT-5: notice is timely within 30 days of becoming aware of the non-compliance. */
export const noticeIsTimely = (awareOn: IsoDate, notifiedOn: IsoDate) => daysBetween(awareOn, notifiedOn) <= 30;
