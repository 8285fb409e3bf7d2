// CERT-4: a certification's record of customer satisfaction: responses by the day they were received, each
// measurement period's Low Score Follow-Up, the latest measurements. Pure operations on the state, so
// handlers, steps and continue-as-new share them; kept bounded to what a measurement still to come needs.
import type { IsoDate } from '../domain/calendar';
import { addMonths } from '../domain/calendar';
import { csatCountsFrom, csatKeptFrom, csatPeriodOf, nextCsatMeasurement } from '../domain/certification';
import type { CertificationState } from './certificationDefinitions';
import { failureTypes } from './definitions';
import { refusal } from './shared';

/** The measurements a certification keeps: two years of them, more than any cycle takes (each is taken once). */
export const MEASUREMENTS_KEPT = 4;

type Csat = Pick<CertificationState, 'csatResponses' | 'lowScoreFollowUps' | 'lowScoreFollowUpDone' | 'measurements'>;

/** Refuses responses received after `today`, or so long ago that no measurement after `today` counts them. */
export function assertReceivable(receivedOn: IsoDate, today: IsoDate): void {
  if (receivedOn > today)
    throw refusal(failureTypes.invalid, 'survey responses cannot be received in the future', [
      { field: 'receivedOn', message: `must not be after today (${today})` },
    ]);
  const next = nextCsatMeasurement(today);
  if (receivedOn < csatKeptFrom(today))
    throw refusal(failureTypes.invalid, 'these survey responses count for no measurement', [
      {
        field: 'receivedOn',
        message: `counts for no measurement still to come (the next, on ${next}, counts those received from ${csatCountsFrom(next)})`,
      },
    ]);
}

/** Adds `count` responses received on `on`, one entry a day, in date order. */
export function addResponses(s: Csat, on: IsoDate, count: number): void {
  if (count <= 0) return;
  const same = s.csatResponses.find((r) => r.on === on);
  if (same) same.count += count;
  else s.csatResponses.push({ on, count });
  s.csatResponses.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
}

/** Records the Low Score Follow-Up of the period holding `receivedOn`: the last word on a period stands. */
export function recordFollowUp(s: Csat, receivedOn: IsoDate, done: boolean): void {
  const period = csatPeriodOf(receivedOn);
  s.lowScoreFollowUps = [...(s.lowScoreFollowUps ?? []).filter((f) => f.period !== period), { period, done }].sort((a, b) =>
    a.period < b.period ? -1 : 1,
  );
  s.lowScoreFollowUpDone = done;
}

/** The responses the measurement on `measuredOn` counts: those received in the 12 months before it. */
export const responsesFor = (s: Csat, measuredOn: IsoDate): number => {
  const from = addMonths(measuredOn, -12);
  return s.csatResponses.filter((r) => r.on > from && r.on <= measuredOn).reduce((n, r) => n + r.count, 0);
};

/**
 * Whether the Low Score Follow-Up of the period the measurement on `measuredOn` closes is done. A run from
 * before per-period follow-ups (none recorded) has v0.1.0's flag, which then counts for one measurement.
 */
export function followUpDoneFor(s: Csat, measuredOn: IsoDate): boolean {
  if (s.lowScoreFollowUps === undefined) return s.lowScoreFollowUpDone;
  return s.lowScoreFollowUps.find((f) => f.period === measuredOn)?.done ?? false;
}

/** Records a measurement, keeping the latest few; after it, periods are judged by their own follow-ups only. */
export function recordMeasurement(s: Csat, m: CertificationState['measurements'][number]): void {
  s.measurements = [...s.measurements, m].slice(-MEASUREMENTS_KEPT);
  s.lowScoreFollowUps ??= [];
}

/**
 * What no measurement after `today` can count left out (CERT-4 counts 12 months of responses, and each
 * period's own follow-up): the state carried from run to run stays the size of a year, whatever its age.
 */
export function boundedCsat<S extends Csat>(s: S, today: IsoDate): S {
  const from = csatKeptFrom(today);
  const next = nextCsatMeasurement(today);
  return {
    ...s,
    csatResponses: s.csatResponses.filter((r) => r.on >= from),
    ...(s.lowScoreFollowUps ? { lowScoreFollowUps: s.lowScoreFollowUps.filter((f) => f.period >= next) } : {}),
    measurements: s.measurements.slice(-MEASUREMENTS_KEPT),
  };
}

/** A re-applying partner's earlier record joined to this one's (CERT-4: it keeps the responses it had). */
export function withEarlierCsat<S extends Csat>(
  s: S,
  earlier: { responses: { on: IsoDate; count: number }[]; lowScoreFollowUps: { period: IsoDate; done: boolean }[] },
  today: IsoDate,
): S {
  const joined: S = { ...s, csatResponses: [...s.csatResponses], lowScoreFollowUps: [...earlier.lowScoreFollowUps] };
  for (const r of earlier.responses) addResponses(joined, r.on, r.count);
  for (const f of s.lowScoreFollowUps ?? []) recordFollowUpOfPeriod(joined, f);
  return boundedCsat(joined, today);
}

function recordFollowUpOfPeriod(s: Csat, f: { period: IsoDate; done: boolean }): void {
  s.lowScoreFollowUps = [...(s.lowScoreFollowUps ?? []).filter((x) => x.period !== f.period), f];
}

/**
 * CERT-3: the customer satisfaction shortfall still open, in words, or null. A run from before the shortfall was
 * kept apart has only its non-compliance, whose reason then names the measurement.
 */
export function openCsatShortfall(s: Pick<CertificationState, 'csatShortfall' | 'nonCompliance'>): string | null {
  if (s.csatShortfall !== undefined)
    return s.csatShortfall && `customer satisfaction fell short on ${s.csatShortfall.on}: ${s.csatShortfall.shortfalls.join('; ')}`;
  const reason = s.nonCompliance?.reason;
  return reason?.startsWith('customer satisfaction on ') ? reason : null;
}
