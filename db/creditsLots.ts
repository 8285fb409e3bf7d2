// A lot's birth (an award's or a purchase's rows, each written once by its business key), the read
// model's copy of its state, its extension requests and who hears about it. The ledger itself, and the
// writes that move credits: db/credits.ts.
import { recordAudit, type AuditActor } from './audit';
import type { Knex } from 'knex';
import type { LotRecord } from '../workflows/creditsDefinitions';
import { EXTENSION_REQUESTS, LEDGER, LOTS, type CreditLotRecord, type LedgerRecord } from './credits';
import { ACCOUNTS } from './loyalty';

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
 * An awarded lot's insert, unexecuted, for a caller that combines it with other writes (db/loyalty.ts
 * writeAwardRows). Keyed by the award's business id, so a retried award writes nothing new (LOY-7, CLC-8).
 */
export function awardLotInsert(db: Knex | Knex.Transaction, lot: AwardLot) {
  return db<CreditLotRecord>(LOTS)
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
  return db<LedgerRecord>(LEDGER)
    .insert({
      lot_id: lot.id,
      kind: 'award',
      credits: lot.credits,
      actor,
      reason: `Customer Loyalty award ${lot.awardQuarter}`,
      idempotency_key: `${lot.id}:award`,
      occurred_on: lot.issuedOn,
    })
    .onConflict('idempotency_key')
    .ignore();
}

/**
 * CLC-2: a purchased lot and its first ledger entry, each written once; issue 24: the entry names who made
 * the purchase, and its audit row is written in the same transaction (keyed by the lot: once).
 */
export async function insertPurchasedLot(db: Knex, lot: LotRecord, by?: AuditActor): Promise<void> {
  await db.transaction(async (trx) => {
    await trx(LOTS)
      .insert({
        id: lot.id,
        account_id: lot.accountId,
        owner_name: lot.ownerName,
        owner_email: lot.ownerEmail,
        country: lot.country,
        source: 'purchase',
        state: 'pending',
        credits: lot.credits,
        issued_on: lot.issuedOn,
        activates_on: lot.activatesOn,
        expires_on: lot.expiresOn,
      })
      .onConflict('id')
      .ignore();
    await trx(LEDGER)
      .insert({
        lot_id: lot.id,
        kind: 'purchase',
        credits: lot.credits,
        actor: by?.actor ?? 'system:purchase',
        reason: `purchase invoiced ${lot.issuedOn}`,
        idempotency_key: `${lot.id}:purchase`,
        occurred_on: lot.issuedOn,
      })
      .onConflict('idempotency_key')
      .ignore();
    if (by) {
      const after = { accountId: lot.accountId, country: lot.country, credits: lot.credits, invoiceDate: lot.issuedOn };
      const entry = { actor: by.actor, actorName: by.name, action: 'lot.purchased', entityType: 'lot' as const, entityId: lot.id };
      await recordAudit(trx, { ...entry, after, key: `${lot.id}:purchase` });
    }
  });
}

/** The read model's copy of a lot's state, which its workflow decides (activation only from pending). */
export async function setLotState(db: Knex, lotId: string, state: 'active' | 'closed'): Promise<void> {
  const q = db(LOTS).where({ id: lotId });
  if (state === 'active') q.where({ state: 'pending' });
  await q.update({ state });
}

/** CLC-4: the one extension request of a lot, written once. */
export async function insertExtensionRequest(
  db: Knex,
  r: { lotId: string; requestId: string; usagePlan: string; by: string; on: string },
): Promise<void> {
  await db(EXTENSION_REQUESTS)
    .insert({ id: r.requestId, lot_id: r.lotId, usage_plan: r.usagePlan, requested_by: r.by, requested_on: r.on, status: 'pending' })
    .onConflict('id')
    .ignore();
}

/** CLC-4: the id of the lot's extension request waiting for ops' decision, or null. */
export async function pendingExtensionRequest(db: Knex, lotId: string): Promise<string | null> {
  const row = await db(EXTENSION_REQUESTS).where({ lot_id: lotId, status: 'pending' }).first<{ id: string } | undefined>('id');
  return row?.id ?? null;
}

/** CLC-4: a denied request; the lot keeps its expiry (an approval is db/credits.ts extendLot). */
export async function denyExtension(db: Knex, r: { requestId: string; by: string; on: string }): Promise<void> {
  await db(EXTENSION_REQUESTS).where({ id: r.requestId }).update({ status: 'denied', decided_by: r.by, decided_on: r.on });
}

/** Who hears about a lot: a loyalty account's current Team Captain, else the purchaser. */
export async function lotOwner(db: Knex, lotId: string): Promise<{ name: string; email: string; accountId: string | null }> {
  const row = await db(`${LOTS} as l`).leftJoin(`${ACCOUNTS} as a`, 'a.id', 'l.account_id').where('l.id', lotId).first<{
    owner_name: string;
    owner_email: string;
    account_id: string | null;
    captain_name: string | null;
    captain_email: string | null;
  }>('l.owner_name', 'l.owner_email', 'l.account_id', 'a.captain_name', 'a.captain_email');
  if (!row) throw new Error(`No lot ${lotId}`);
  return { name: row.captain_name ?? row.owner_name, email: row.captain_email ?? row.owner_email, accountId: row.account_id };
}
