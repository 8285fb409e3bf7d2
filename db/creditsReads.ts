import type { Knex } from 'knex';
import type { IsoDate } from '../domain/calendar';

// Read models for the API and reports: balances are always summed from the ledger.

const balance = (db: Knex) => db.raw('coalesce((select sum(credits) from ledger_entries e where e.lot_id = l.id), 0)::int as balance');

export async function lotsOfAccount(db: Knex, accountId: string) {
  return db('credit_lots as l')
    .where({ account_id: accountId })
    .orderBy(['expires_on', 'id'])
    .select(
      'l.id',
      'l.source',
      'l.state',
      'l.credits',
      'l.issued_on as issuedOn',
      'l.activates_on as activatesOn',
      'l.expires_on as expiresOn',
      balance(db),
    );
}

export async function lotRow(db: Knex, lotId: string) {
  return db('credit_lots as l')
    .where({ id: lotId })
    .first('l.id', 'l.account_id as accountId', 'l.owner_email as ownerEmail', 'l.expires_on as expiresOn', balance(db));
}

export async function balancesByAccount(db: Knex) {
  return db('credit_lots as l')
    .join('ledger_entries as e', 'e.lot_id', 'l.id')
    .whereNotNull('l.account_id')
    .groupBy('l.account_id')
    .orderBy('l.account_id')
    .select('l.account_id as accountId', db.raw('sum(e.credits)::int as balance'));
}

export async function expiringWithin(db: Knex, from: IsoDate, until: IsoDate) {
  return db('credit_lots as l')
    .where('l.state', 'active')
    .whereBetween('l.expires_on', [from, until])
    .orderBy(['l.expires_on', 'l.id'])
    .select('l.id as lotId', 'l.account_id as accountId', 'l.owner_email as ownerEmail', 'l.expires_on as expiresOn', balance(db))
    .then((rows) => rows.filter((r) => r.balance > 0));
}

export async function redemptionsBetween(db: Knex, from: IsoDate, to: IsoDate) {
  return db('redemptions')
    .whereBetween('requested_on', [from, to])
    .orderBy(['requested_on', 'id'])
    .select(
      'id',
      'account_id as accountId',
      'kind',
      'credits',
      'status',
      'requested_on as requestedOn',
      'decided_on as decidedOn',
      'requested_by as requestedBy',
    );
}

/** A redemption with what its decision needs: the account's captain, and who was asked to approve. */
export async function redemptionRow(db: Knex, id: string) {
  return db('redemptions as r')
    .leftJoin('accounts as a', 'a.id', 'r.account_id')
    .leftJoin('notifications as n', 'n.id', db.raw('?', [`redemption-${id}:waiting`]))
    .where('r.id', id)
    .first(
      'r.id',
      'r.account_id as accountId',
      'r.status',
      'r.kind',
      'r.credits',
      'r.hold_until as holdUntil',
      'a.captain_cco_id as captainCcoId',
      'n.recipient as approverEmail',
    );
}

export async function extensionRequestRow(db: Knex, id: string) {
  return db('extension_requests').where({ id }).first('id', 'lot_id as lotId', 'status');
}

export async function accountOwner(db: Knex, accountId: string) {
  return db('accounts')
    .where({ id: accountId })
    .first(
      'id',
      'captain_cco_id as captainCcoId',
      'captain_name as captainName',
      'captain_email as captainEmail',
      'auto_approval as autoApproval',
      'state',
    );
}
