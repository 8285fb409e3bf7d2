import type { Knex } from 'knex';
import { enqueueNotice, noticeKey, partnerNameFor } from '../db/notifications';
import type { IsoDate } from '../domain/calendar';
import type { Email } from '../emails/letter';
import * as emails from '../emails/incentives';
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

export function createIncentiveActivities({ db }: ActivityDeps) {
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
        return notify(trx, input, `payment-${input.phaseIndex}`, 'incentive-payment', (name) => emails.phasePaid({ ...input, name }));
      });
    },

    /** LCI-3: a phase not completed within 12 months ends the engagement; returns the notice key. */
    async recordEngagementExpiry(input: { engagementId: string; partnerEmail: string; phase: string; deadline: IsoDate }): Promise<string> {
      return db.transaction(async (trx) => {
        await trx('engagements').where({ id: input.engagementId }).update({ state: 'expired', updated_at: trx.fn.now() });
        return notify(trx, input, 'expired', 'incentive-expired', (name) => emails.engagementExpired({ ...input, name }));
      });
    },
  };
}
