import type { Knex } from 'knex';
import type { IsoDate } from '../domain/calendar';
import { ALLOCATIONS, EXTENSION_REQUESTS, LEDGER, LOTS, REDEMPTIONS, type RedemptionStatus } from './credits';
import { ACCOUNTS } from './loyalty';
import { TABLE as NOTIFICATIONS } from './notifications';

// Read models for the API and reports: balances are always summed from the ledger.

const balance = (db: Knex) => db.raw(`coalesce((select sum(credits) from ${LEDGER} e where e.lot_id = l.id), 0)::int as balance`);

export interface LotSummary {
  id: string;
  source: 'award' | 'purchase';
  state: string;
  credits: number;
  issuedOn: IsoDate;
  activatesOn: IsoDate;
  expiresOn: IsoDate;
  balance: number;
}

export async function lotsOfAccount(db: Knex, accountId: string): Promise<LotSummary[]> {
  return db(`${LOTS} as l`)
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

export interface LotBalanceRow {
  id: string;
  accountId: string | null;
  ownerEmail: string;
  expiresOn: IsoDate;
  balance: number;
}

export async function lotRow(db: Knex, lotId: string): Promise<LotBalanceRow | undefined> {
  return db(`${LOTS} as l`)
    .where({ id: lotId })
    .first('l.id', 'l.account_id as accountId', 'l.owner_email as ownerEmail', 'l.expires_on as expiresOn', balance(db));
}

export async function balancesByAccount(db: Knex): Promise<{ accountId: string; balance: number }[]> {
  return db(`${LOTS} as l`)
    .join(`${LEDGER} as e`, 'e.lot_id', 'l.id')
    .whereNotNull('l.account_id')
    .groupBy('l.account_id')
    .orderBy('l.account_id')
    .select('l.account_id as accountId', db.raw('sum(e.credits)::int as balance'));
}

export interface ExpiringLot {
  lotId: string;
  accountId: string | null;
  ownerEmail: string;
  expiresOn: IsoDate;
  balance: number;
}

export async function expiringWithin(db: Knex, from: IsoDate, until: IsoDate): Promise<ExpiringLot[]> {
  const rows: ExpiringLot[] = await db(`${LOTS} as l`)
    .where('l.state', 'active')
    .whereBetween('l.expires_on', [from, until])
    .orderBy(['l.expires_on', 'l.id'])
    .select('l.id as lotId', 'l.account_id as accountId', 'l.owner_email as ownerEmail', 'l.expires_on as expiresOn', balance(db));
  return rows.filter((r) => r.balance > 0);
}

export interface RedemptionReportRow {
  id: string;
  accountId: string | null;
  kind: string;
  credits: number;
  status: RedemptionStatus;
  requestedOn: IsoDate;
  decidedOn: IsoDate | null;
  requestedBy: string;
}

export async function redemptionsBetween(db: Knex, from: IsoDate, to: IsoDate): Promise<RedemptionReportRow[]> {
  return db(REDEMPTIONS)
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
export interface RedemptionRow {
  id: string;
  accountId: string | null;
  status: RedemptionStatus;
  kind: string;
  credits: number;
  holdUntil: IsoDate | null;
  decidedBy: string | null;
  captainCcoId: string | null;
  approverEmail: string | null;
}

export async function redemptionRow(db: Knex, id: string): Promise<RedemptionRow | undefined> {
  return db(`${REDEMPTIONS} as r`)
    .leftJoin(`${ACCOUNTS} as a`, 'a.id', 'r.account_id')
    .leftJoin(`${NOTIFICATIONS} as n`, 'n.id', db.raw('?', [`redemption-${id}:waiting`]))
    .where('r.id', id)
    .first(
      'r.id',
      'r.account_id as accountId',
      'r.status',
      'r.kind',
      'r.credits',
      'r.hold_until as holdUntil',
      'r.decided_by as decidedBy',
      'a.captain_cco_id as captainCcoId',
      'n.recipient as approverEmail',
    );
}

/** The lots a redemption draws from, nearest expiry first (the order they were allocated in). */
export async function allocationsOf(db: Knex, redemptionId: string): Promise<{ lotId: string; credits: number }[]> {
  return db(`${ALLOCATIONS} as ra`)
    .join(`${LOTS} as l`, 'l.id', 'ra.lot_id')
    .where('ra.redemption_id', redemptionId)
    .orderBy(['l.expires_on', 'l.id'])
    .select('ra.lot_id as lotId', 'ra.credits');
}

export async function extensionRequestRow(
  db: Knex,
  id: string,
): Promise<{ id: string; lotId: string; status: 'pending' | 'approved' | 'denied' } | undefined> {
  return db(EXTENSION_REQUESTS).where({ id }).first('id', 'lot_id as lotId', 'status');
}

export interface AccountOwner {
  id: string;
  captainCcoId: string;
  captainName: string;
  captainEmail: string;
  autoApproval: boolean;
  state: string;
}

export async function accountOwner(db: Knex, accountId: string): Promise<AccountOwner | undefined> {
  return db(ACCOUNTS)
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
