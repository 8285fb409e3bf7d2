import type { Knex } from 'knex';
import type { IsoDate } from '../domain/calendar';
import type { Phase, UseCase } from '../domain/incentives';
import { ENGAGEMENTS, PAYMENTS, USE_CASES } from './incentives';
import { paged, type PageWindow } from './page';

// Read models of Lifecycle Incentives: the catalogue (LCI-1), engagements as their workflows last wrote
// them, and the payments approved (LCI-2).

export interface CatalogueEntry extends UseCase {
  version: number;
  retiredAt: string | null;
}

export interface UseCaseRecord {
  id: string;
  technology: string;
  name: string;
  phases: Phase[];
  version: number;
  retired_at: Date | null;
}

export const toEntry = (r: UseCaseRecord): CatalogueEntry => ({
  id: r.id,
  technology: r.technology,
  name: r.name,
  phases: r.phases,
  version: r.version,
  retiredAt: r.retired_at?.toISOString() ?? null,
});

/** The use cases offered to new engagements. */
export async function currentUseCases(db: Knex, page?: PageWindow): Promise<CatalogueEntry[]> {
  return (await db<UseCaseRecord>(USE_CASES).whereNull('retired_at').orderBy('id').modify(paged(page))).map(toEntry);
}

export async function findUseCase(db: Knex, id: string): Promise<CatalogueEntry | undefined> {
  const row = await db<UseCaseRecord>(USE_CASES).where({ id }).first();
  return row && toEntry(row);
}

interface EngagementRecord {
  id: string;
  partner_id: string;
  customer_id: string;
  use_case_id: string;
  state: 'active' | 'completed' | 'expired';
}

/** Whose an engagement is (ALL-3). */
export async function engagementOwner(db: Knex, id: string): Promise<{ id: string; partnerId: string } | undefined> {
  const row = await db<EngagementRecord>(ENGAGEMENTS).where({ id }).first('id', 'partner_id');
  return row && { id: row.id, partnerId: row.partner_id };
}

/** LCI-5: the id of the engagement open for this partner, customer and use case, if there is one. */
export async function openEngagementFor(
  db: Knex,
  e: { partnerId: string; customerId: string; useCaseId: string },
): Promise<string | undefined> {
  const row = await db<EngagementRecord>(ENGAGEMENTS)
    .where({ partner_id: e.partnerId, customer_id: e.customerId, use_case_id: e.useCaseId, state: 'active' })
    .first('id');
  return row?.id;
}

/** The open engagements watching any of these customers. */
export async function openEngagementsOf(db: Knex, customerIds: readonly string[]): Promise<{ id: string; customerId: string }[]> {
  const rows = await db<EngagementRecord>(ENGAGEMENTS)
    .whereIn('customer_id', customerIds)
    .where({ state: 'active' })
    .select('id', 'customer_id');
  return rows.map((r) => ({ id: r.id, customerId: r.customer_id }));
}

/** How many engagements of a use case are still running (they keep the version they started on). */
export async function openEngagementCount(db: Knex, useCaseId: string): Promise<number> {
  const [row] = await db<EngagementRecord>(ENGAGEMENTS).where({ use_case_id: useCaseId, state: 'active' }).count({ n: '*' });
  return Number(row?.n ?? 0);
}

export interface PaymentRow {
  engagementId: string;
  partnerId: string;
  customerId: string;
  phase: string;
  amountUsd: number;
  approvedOn: IsoDate;
}

/** LCI-2: phase payments approved, oldest first; a partner's own when `partnerId` is given. */
export async function payments(db: Knex, partnerId?: string, page?: PageWindow): Promise<PaymentRow[]> {
  return db(`${PAYMENTS} as p`)
    .join(`${ENGAGEMENTS} as e`, 'e.id', 'p.engagement_id')
    .modify((q) => {
      if (partnerId) void q.where('e.partner_id', partnerId);
    })
    .orderBy(['p.approved_on', 'p.engagement_id', 'p.phase_index'])
    .modify(paged(page))
    .select(
      'p.engagement_id as engagementId',
      'e.partner_id as partnerId',
      'e.customer_id as customerId',
      'p.phase',
      'p.amount_usd as amountUsd',
      'p.approved_on as approvedOn',
    );
}
