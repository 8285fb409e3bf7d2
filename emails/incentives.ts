// The words of each Lifecycle Incentives notice (LCI-2, LCI-4).
import type { IsoDate } from '../domain/calendar';

export const phasePaid = (a: { engagementId: string; phase: string; amountUsd: number; nextPhase: string | null }) => ({
  subject: `Lifecycle Incentive approved: ${a.phase} phase of engagement ${a.engagementId}`,
  body:
    `The telemetry met every goal of the ${a.phase} phase. A payment of $${a.amountUsd.toLocaleString('en-US')} is approved.` +
    (a.nextPhase ? ` The engagement moves to ${a.nextPhase}.\n` : ' The engagement is complete.\n'),
});

export const engagementExpired = (a: { engagementId: string; phase: string; deadline: IsoDate }) => ({
  subject: `Lifecycle Incentive engagement ${a.engagementId} expired`,
  body: `The ${a.phase} phase was not completed by ${a.deadline}; the engagement has expired.\n`,
});
