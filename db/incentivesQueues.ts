import type { Knex } from 'knex';
import type { Page } from '../api/schemas/common';
import { ENGAGEMENTS, PAYMENTS } from './incentives';

// The portal's list of a partner's incentive engagements, with what each has been paid.

export interface EngagementQueueRow {
  id: string;
  partnerId: string;
  customerId: string;
  useCaseId: string;
  state: 'active' | 'completed' | 'expired';
  phase: string | null;
  paidUsd: number;
}

/** ALL-3, LCI-2: a partner's own engagements and the sum of their approved payments. */
export async function engagementsOfPartner(db: Knex, partnerId: string, page: Page): Promise<EngagementQueueRow[]> {
  return db(`${ENGAGEMENTS} as e`)
    .where('e.partner_id', partnerId)
    .orderBy('e.id')
    .select<EngagementQueueRow[]>(
      {
        id: 'e.id',
        partnerId: 'e.partner_id',
        customerId: 'e.customer_id',
        useCaseId: 'e.use_case_id',
        state: 'e.state',
        phase: 'e.phase',
      },
      db.raw(`coalesce((select sum(amount_usd) from ${PAYMENTS} p where p.engagement_id = e.id), 0)::int as "paidUsd"`),
    )
    .limit(page.limit)
    .offset(page.offset);
}

/** The active engagements, by id, a page at a time: the ops queue reads each one's phase deadline from its workflow. */
export async function activeEngagements(db: Knex, page: Page): Promise<{ id: string; partnerId: string; customerId: string }[]> {
  return db(ENGAGEMENTS)
    .where({ state: 'active' })
    .orderBy('id')
    .select<{ id: string; partnerId: string; customerId: string }[]>({ id: 'id', partnerId: 'partner_id', customerId: 'customer_id' })
    .limit(page.limit)
    .offset(page.offset);
}
