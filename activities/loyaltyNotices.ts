import type { Knex } from 'knex';
import type { AuditEntry } from '../db/audit';
import { updateAccount } from '../db/loyalty';
import { recordCarriedAudit } from './audit';
import { enqueueNotice, noticeKey } from '../db/notifications';
import type { Email } from '../emails/letter';

// What every loyalty activity that tells someone shares: who the notice is about, its facts, and the
// outbox row written in the caller's transaction under a key made of business ids (ALL-2).

export type Person = { name: string; email: string };

/** Who a loyalty notice is about and for: the account, its company and its Team Captain. */
export interface AccountParty {
  accountId: string;
  companyName: string;
  captain: Person;
  /** LOY-10: the account's lifecycle; a later one's notices are keyed apart from the first's. */
  lifecycle?: number;
}

export type AccountChanges = Parameters<typeof updateAccount>[2];

/** The facts every loyalty email starts from. */
export const factsOf = (a: AccountParty) => ({ companyName: a.companyName, name: a.captain.name, accountId: a.accountId });

/** Records a notice for the account's Team Captain, or `to` (in the caller's transaction), and returns its key. */
export async function notify(
  db: Knex | Knex.Transaction,
  a: AccountParty,
  event: string,
  kind: string,
  email: Email,
  to: { email: string } = a.captain,
): Promise<string> {
  const lifecycle = a.lifecycle ?? 1;
  const id = noticeKey('account', a.accountId, lifecycle > 1 ? `lifecycle-${lifecycle}:${event}` : event);
  await enqueueNotice(db, { id, accountId: a.accountId, kind, recipient: to.email, ...email });
  return id;
}

/**
 * The account row changed, its notice and (issue 24) the audit entry the workflow carried recorded in one
 * transaction; returns the notice key.
 */
export function changeAndNotify(
  db: Knex,
  a: AccountParty,
  changes: AccountChanges,
  event: string,
  kind: string,
  email: Email,
  audit?: AuditEntry,
) {
  return db.transaction(async (trx) => {
    await updateAccount(trx, a.accountId, changes);
    await recordCarriedAudit(trx, audit);
    return notify(trx, a, event, kind, email);
  });
}
