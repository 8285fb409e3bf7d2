// Lifecycle Incentives 2.0 (LCI-1 … LCI-4): catalogue shapes, the rules that move an engagement, and the
// sample catalogue seeded at install. Pure, so the engagement workflow can use them.
import { addMonths, type IsoDate } from './calendar';

export type Comparison = '>=' | '>' | '<=' | '<' | '==';

export interface Goal {
  metric: string;
  comparison: Comparison;
  threshold: number;
}

export interface Phase {
  name: string;
  paymentUsd: number;
  goals: Goal[];
}

/** LCI-1: a use case of a technology, with its lifecycle phases in order. */
export interface UseCase {
  id: string;
  technology: string;
  name: string;
  /** The catalogue version an engagement started on (absent in engagements opened before versions). */
  version?: number;
  phases: Phase[];
}

export interface Reading {
  metric: string;
  value: number;
  /** When the device measured it (ISO timestamp): the newest measurement of a metric wins. */
  measuredAt: string;
}

/** LCI-4: a phase must be completed within this many months of its start [default; INCENTIVE_PHASE_MONTHS]. */
export const PHASE_DEADLINE_MONTHS = 12;
export const phaseDeadline = (startedOn: IsoDate, months = PHASE_DEADLINE_MONTHS) => addMonths(startedOn, months);

export function goalMet(goal: Goal, value: number | undefined): boolean {
  if (value === undefined) return false;
  switch (goal.comparison) {
    case '>=':
      return value >= goal.threshold;
    case '>':
      return value > goal.threshold;
    case '<=':
      return value <= goal.threshold;
    case '<':
      return value < goal.threshold;
    case '==':
      return value === goal.threshold;
  }
}

/**
 * LCI-2: the latest reading of each metric, by measurement time: a late, older reading never overrides a
 * newer one, and a duplicate changes nothing.
 */
export function mergeReadings(latest: Record<string, Reading>, incoming: readonly Reading[]): Record<string, Reading> {
  const merged = { ...latest };
  for (const r of incoming) {
    const current = merged[r.metric];
    if (!current || r.measuredAt > current.measuredAt) merged[r.metric] = r;
  }
  return merged;
}

/** LCI-2: a phase is complete when the latest readings meet every one of its goals. */
export const phaseComplete = (phase: Phase, latest: Record<string, Reading>) =>
  phase.goals.every((g) => goalMet(g, latest[g.metric]?.value));

/** Progress against each goal, for the API and the Web UI summary. */
export const goalProgress = (phase: Phase, latest: Record<string, Reading>) =>
  phase.goals.map((g) => ({ ...g, value: latest[g.metric]?.value ?? null, met: goalMet(g, latest[g.metric]?.value) }));

/**
 * The readings of a batch that can still matter: the newest of each metric. Merging these gives the same
 * result as merging the whole batch (mergeReadings keeps the first of equal times either way), so the API
 * signals an engagement a few readings instead of thousands.
 */
export const newestPerMetric = (readings: readonly Reading[]): Reading[] => Object.values(mergeReadings({}, readings));

/**
 * LCI-5: the refusal of an engagement while `openId` is open for the same partner, customer and use case,
 * naming it (the API answers 409 with it, whether its own check or the engagement's record found it).
 */
export function openEngagementRefusal(openId: string, e: { partnerId: string; customerId: string; useCaseId: string }) {
  const why = `engagement ${openId} is open for this customer and use case`;
  return {
    message: `Engagement ${openId} is open for partner ${e.partnerId}, customer ${e.customerId} and use case ${e.useCaseId}: one at a time (LCI-5)`,
    fields: [
      { field: 'customerId', message: why },
      { field: 'useCaseId', message: why },
    ],
  };
}

// LCI-1: the sample catalogue seeded into Postgres (two technologies); ops replace it through the API.
const phases = (metric: string, steps: [string, number, number][]) =>
  steps.map(([name, threshold, paymentUsd]) => ({
    name,
    paymentUsd,
    goals: [
      { metric: 'devices_reporting_pct', comparison: '>=' as const, threshold: 80 },
      { metric, comparison: '>=' as const, threshold },
    ],
  }));

const useCase = (id: string, technology: string, name: string, metric: string, steps: [string, number, number][]): UseCase => ({
  id,
  technology,
  name,
  phases: phases(metric, steps),
});

/** Two technologies' use cases: a phase is met at these usage shares, and pays these amounts (USD). */
export const SAMPLE_CATALOGUE: UseCase[] = [
  // prettier-ignore
  useCase('collab-meetings', 'Collaboration (Webex)', 'Hybrid meetings', 'active_users_pct', [
    ['Onboard', 10, 2000], ['Implement', 25, 3000], ['Use', 40, 4000], ['Adopt', 60, 5000], ['Optimize', 75, 6000],
  ]),
  // prettier-ignore
  useCase('security-mfa', 'Security (Duo)', 'Multi-factor authentication', 'enrolled_users_pct', [
    ['Onboard', 10, 1500], ['Implement', 30, 2500], ['Use', 50, 3500], ['Adopt', 70, 4500], ['Optimize', 90, 5500],
  ]),
];
