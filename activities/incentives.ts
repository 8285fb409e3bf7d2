import type { Knex } from 'knex';
import type { AuditActor } from '../db/audit';
import { insertEngagement, recordPayment, setEngagementState } from '../db/incentives';
import { enqueueNotice, noticeKey, partnerNameFor } from '../db/notifications';
import type { IsoDate } from '../domain/calendar';
import type { Email } from '../emails/letter';
import * as emails from '../emails/incentives';
import { recordCarriedAudit } from './audit';
import type { ActivityDeps } from './index';

// LCI-2: engagements' read model and phase payments, each written once (keyed by engagement and phase).

/** Records a notice for the engagement's partner (in the caller's transaction) and returns its key. */
async function notify(
  trx: Knex.Transaction,
  a: { engagementId: string; partnerEmail: string },
  event: string,
  kind: string,
  email: (name: string | undefined) => Email,
): Promise<string> {
  const id = noticeKey('incentive', a.engagementId, event);
  const name = await partnerNameFor(trx, a.partnerEmail);
  await enqueueNotice(trx, { id, accountId: null, kind, recipient: a.partnerEmail, ...email(name) });
  return id;
}

const openedAudit = (
  by: AuditActor,
  e: { engagementId: string; partnerId: string; customerId: string; useCaseId: string; phase: string },
) => ({
  actor: by.actor,
  actorName: by.name,
  action: 'engagement.opened',
  entityType: 'engagement' as const,
  entityId: e.engagementId,
  after: { partnerId: e.partnerId, customerId: e.customerId, useCaseId: e.useCaseId, phase: e.phase },
});

export function createIncentiveActivities({ db }: ActivityDeps) {
  return {
    /** LCI-1, LCI-5: the engagement's row; returns the id of another one open for the same three, if any (nothing written). */
    async recordEngagement(input: {
      engagementId: string;
      partnerId: string;
      customerId: string;
      useCaseId: string;
      phase: string;
      openedBy?: AuditActor;
    }): Promise<string | undefined> {
      const { openedBy, ...engagement } = input;
      // Issue 24: the opening and its audit row, one transaction; an engagement in the way records neither.
      return db.transaction(async (trx) => {
        const openId = await insertEngagement(trx, engagement);
        const audit = openedBy && !openId ? openedAudit(openedBy, engagement) : undefined;
        await recordCarriedAudit(trx, audit);
        return openId;
      });
    },

    /** LCI-2: a phase's payment, approved automatically; returns the notice key. */
    async recordPhasePayment(input: {
      engagementId: string;
      partnerEmail: string;
      phaseIndex: number;
      phase: string;
      amountUsd: number;
      approvedOn: IsoDate;
      nextPhase: string | null;
    }): Promise<string> {
      return db.transaction(async (trx) => {
        await recordPayment(trx, input);
        return notify(trx, input, `payment-${input.phaseIndex}`, 'incentive-payment', (name) => emails.phasePaid({ ...input, name }));
      });
    },

    /** LCI-3: a phase not completed within 12 months ends the engagement; returns the notice key. */
    async recordEngagementExpiry(input: { engagementId: string; partnerEmail: string; phase: string; deadline: IsoDate }): Promise<string> {
      return db.transaction(async (trx) => {
        await setEngagementState(trx, input.engagementId, { state: 'expired' });
        return notify(trx, input, 'expired', 'incentive-expired', (name) => emails.engagementExpired({ ...input, name }));
      });
    },
  };
}
