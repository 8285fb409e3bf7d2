// The words of each Lifecycle Incentives notice (LCI-2, LCI-3), to the partner.
import type { IsoDate } from '../domain/calendar';
import { letter, seg, usd } from './letter';

/** Every incentive notice names the engagement and greets the partner when its name is known. */
type Facts = { name?: string | null; engagementId: string; phase: string };

const engagementPage = (a: { engagementId: string }) =>
  ({ label: 'See the engagement', path: `/app/engagements/${seg(a.engagementId)}` }) as const;

export const phasePaid = (a: Facts & { amountUsd: number; nextPhase: string | null }) =>
  letter({
    subject: `Lifecycle Incentive approved: ${a.phase} phase of engagement ${a.engagementId}`,
    to: a.name,
    happened: `The telemetry met every goal of the ${a.phase} phase. A payment of ${usd(a.amountUsd)} is approved.`,
    next: a.nextPhase
      ? `The engagement moves to ${a.nextPhase}: its goals are next.`
      : 'The engagement is complete: nothing more is needed.',
    act: engagementPage(a),
  });

export const engagementExpired = (a: Facts & { deadline: IsoDate }) =>
  letter({
    subject: `Lifecycle Incentive engagement ${a.engagementId} expired`,
    to: a.name,
    happened: `The ${a.phase} phase was not completed by ${a.deadline}; the engagement has expired.`,
    next: 'A new engagement can be opened for the customer when it is ready.',
    act: engagementPage(a),
  });
