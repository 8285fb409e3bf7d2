import type { Knex } from 'knex';

export const LOTS = 'credit_lots';
export const LEDGER = 'ledger_entries';

export interface AwardLot {
  id: string;
  accountId: string;
  ownerEmail: string;
  credits: number;
  issuedOn: string;
  expiresOn: string;
  awardQuarter: string;
}

/**
 * An awarded lot's insert, unexecuted, for a caller that combines it with other writes (db/accounts.ts
 * writeAwardRows). Keyed by the award's business id, so a retried award writes nothing new (LOY-7, CLC-8).
 */
export function awardLotInsert(db: Knex | Knex.Transaction, lot: AwardLot) {
  return db(LOTS)
    .insert({
      id: lot.id,
      account_id: lot.accountId,
      owner_email: lot.ownerEmail,
      source: 'award',
      credits: lot.credits,
      issued_on: lot.issuedOn,
      activates_on: lot.issuedOn,
      expires_on: lot.expiresOn,
      award_quarter: lot.awardQuarter,
    })
    .onConflict('id')
    .ignore();
}

/** Its ledger entry's insert, unexecuted, keyed the same way. */
export function awardLedgerInsert(db: Knex | Knex.Transaction, lot: AwardLot, actor: string) {
  return db(LEDGER)
    .insert({ lot_id: lot.id, kind: 'award', credits: lot.credits, actor, reason: `Customer Loyalty award ${lot.awardQuarter}`, idempotency_key: `${lot.id}:award`, occurred_on: lot.issuedOn })
    .onConflict('idempotency_key')
    .ignore();
}

export interface AwardSummary {
  lotId: string;
  awardQuarter: string;
  credits: number;
  issuedOn: string;
  expiresOn: string;
}

export async function awardsOf(db: Knex, accountId: string): Promise<AwardSummary[]> {
  const rows = await db(LOTS).where({ account_id: accountId, source: 'award' }).orderBy('issued_on');
  return rows.map((r) => ({ lotId: r.id, awardQuarter: r.award_quarter, credits: r.credits, issuedOn: r.issued_on, expiresOn: r.expires_on }));
}
