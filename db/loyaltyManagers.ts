import type { Knex } from 'knex';
import { recordAudit, type AuditActor } from './audit';
import { ACCOUNTS } from './loyalty';

/** ALL-3: ops hand an account to another Account Manager, audited in the same transaction; undefined: no account. */
export async function reassignAccountManager(
  db: Knex,
  accountId: string,
  accountManagerId: string,
  by: AuditActor,
): Promise<{ before: string | null } | undefined> {
  return db.transaction(async (trx) => {
    const row = await trx(ACCOUNTS)
      .where({ id: accountId })
      .forUpdate()
      .first<{ account_manager_id: string | null } | undefined>('account_manager_id');
    if (!row) return undefined;
    await trx(ACCOUNTS).where({ id: accountId }).update({ account_manager_id: accountManagerId, updated_at: trx.fn.now() });
    await recordAudit(trx, {
      actor: by.actor,
      actorName: by.name,
      action: 'account.account-manager.reassigned',
      entityType: 'account',
      entityId: accountId,
      before: { accountManagerId: row.account_manager_id },
      after: { accountManagerId },
    });
    return { before: row.account_manager_id };
  });
}

/** ALL-3: limits a query to the accounts `amId` manages (`column` holds the account id); no `amId`: all of them. */
export const managedBy = (db: Knex, column: string, amId: string | undefined) => (q: Knex.QueryBuilder) => {
  if (amId !== undefined) void q.whereIn(column, db(ACCOUNTS).select('id').where('account_manager_id', amId));
};
