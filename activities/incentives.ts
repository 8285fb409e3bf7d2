import type { Knex } from 'knex';
import { enqueueNotice } from '../db/notifications';
import type { IsoDate } from '../domain/calendar';
import * as emails from '../emails/incentives';

// LCI-2: engagements' read model and phase payments, each written once (keyed by engagement and phase).
export function createIncentiveActivities({ db }: { db: Knex }) {
  return {
    async recordEngagement(input: {
      engagementId: string;
      partnerId: string;
      customerId: string;
      useCaseId: string;
      phase: string;
    }): Promise<void> {
      await db('engagements')
        .insert({
          id: input.engagementId,
          partner_id: input.partnerId,
          customer_id: input.customerId,
          use_case_id: input.useCaseId,
          state: 'active',
          phase: input.phase,
        })
        .onConflict('id')
        .ignore();
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
        await trx('incentive_payments')
          .insert({
            engagement_id: input.engagementId,
            phase_index: input.phaseIndex,
            phase: input.phase,
            amount_usd: input.amountUsd,
            approved_on: input.approvedOn,
          })
          .onConflict(['engagement_id', 'phase_index'])
          .ignore();
        await trx('engagements')
          .where({ id: input.engagementId })
          .update({ phase: input.nextPhase, state: input.nextPhase ? 'active' : 'completed', updated_at: trx.fn.now() });
        const id = `incentive-${input.engagementId}:payment-${input.phaseIndex}`;
        await enqueueNotice(trx, {
          id,
          accountId: null,
          kind: 'incentive-payment',
          recipient: input.partnerEmail,
          ...emails.phasePaid(input),
        });
        return id;
      });
    },

    async recordEngagementExpiry(input: { engagementId: string; partnerEmail: string; phase: string; deadline: IsoDate }): Promise<string> {
      return db.transaction(async (trx) => {
        await trx('engagements').where({ id: input.engagementId }).update({ state: 'expired', updated_at: trx.fn.now() });
        const id = `incentive-${input.engagementId}:expired`;
        await enqueueNotice(trx, {
          id,
          accountId: null,
          kind: 'incentive-expired',
          recipient: input.partnerEmail,
          ...emails.engagementExpired(input),
        });
        return id;
      });
    },
  };
}
