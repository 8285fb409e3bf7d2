import type { Knex } from 'knex';
import type { IsoDate } from '../domain/calendar';
import { ALLOCATIONS, EXTENSION_REQUESTS, LEDGER, LOTS, REDEMPTIONS, type RedemptionStatus } from './credits';
import { ACCOUNTS } from './loyalty';
import { managedBy } from './loyaltyManagers';
import { TABLE as NOTIFICATIONS } from './notifications';
import { paged, type PageWindow } from './page';

// Read models for the API, reports and the ledger writes: balances are always summed from the ledger.

// Each table's columns under their domain names, aliased as the reads below join them: the one place a
// credits read maps snake_case to the shapes it returns.
const lot = {
  id: 'l.id',
  accountId: 'l.account_id',
  ownerEmail: 'l.owner_email',
  country: 'l.country',
  source: 'l.source',
  state: 'l.state',
  credits: 'l.credits',
  issuedOn: 'l.issued_on',
  activatesOn: 'l.activates_on',
  expiresOn: 'l.expires_on',
  awardQuarter: 'l.award_quarter',
} as const;
const redemption = {
  id: 'r.id',
  accountId: 'r.account_id',
  kind: 'r.kind',
  credits: 'r.credits',
  status: 'r.status',
  requestedOn: 'r.requested_on',
  requestedBy: 'r.requested_by',
  holdUntil: 'r.hold_until',
  decidedBy: 'r.decided_by',
  decidedOn: 'r.decided_on',
} as const;
const allocation = { lotId: 'ra.lot_id', credits: 'ra.credits' } as const;
const extensionRequest = { id: 'x.id', lotId: 'x.lot_id', status: 'x.status' } as const;
const account = {
  id: 'a.id',
  captainCcoId: 'a.captain_cco_id',
  captainName: 'a.captain_name',
  captainEmail: 'a.captain_email',
  autoApproval: 'a.auto_approval',
  state: 'a.state',
  accountManagerId: 'a.account_manager_id',
} as const;

/** The columns `keys` of a table, in that order (a report's CSV header follows it). */
function pick<T extends object, K extends keyof T>(columns: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, columns[k]])) as Pick<T, K>;
}

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

export async function lotsOfAccount(db: Knex, accountId: string, page?: PageWindow): Promise<LotSummary[]> {
  return db(`${LOTS} as l`)
    .where({ account_id: accountId })
    .orderBy(['expires_on', 'id'])
    .modify(paged(page))
    .select<LotSummary[]>(pick(lot, 'id', 'source', 'state', 'credits', 'issuedOn', 'activatesOn', 'expiresOn'), balance(db));
}

export interface LotBalanceRow {
  id: string;
  accountId: string | null;
  ownerEmail: string;
  /** CLC-1: where a purchase was made (null for an award: its account's companies say). */
  country: string | null;
  expiresOn: IsoDate;
  balance: number;
}

export async function lotRow(db: Knex, lotId: string): Promise<LotBalanceRow | undefined> {
  return db(`${LOTS} as l`)
    .where({ id: lotId })
    .first<LotBalanceRow | undefined>(pick(lot, 'id', 'accountId', 'ownerEmail', 'country', 'expiresOn'), balance(db));
}

export async function balancesByAccount(db: Knex, amId?: string, page?: PageWindow): Promise<{ accountId: string; balance: number }[]> {
  return db(`${LOTS} as l`)
    .join(`${LEDGER} as e`, 'e.lot_id', 'l.id')
    .whereNotNull('l.account_id')
    .modify(managedBy(db, 'l.account_id', amId))
    .groupBy('l.account_id')
    .orderBy('l.account_id')
    .modify(paged(page))
    .select<{ accountId: string; balance: number }[]>(pick(lot, 'accountId'), db.raw('sum(e.credits)::int as balance'));
}

export interface ExpiringLot {
  lotId: string;
  accountId: string | null;
  ownerEmail: string;
  expiresOn: IsoDate;
  balance: number;
}

export async function expiringWithin(db: Knex, from: IsoDate, until: IsoDate, amId?: string, page?: PageWindow): Promise<ExpiringLot[]> {
  return (
    db(`${LOTS} as l`)
      .where('l.state', 'active')
      .modify(managedBy(db, 'l.account_id', amId))
      .whereBetween('l.expires_on', [from, until])
      // Only lots with credits left: filtered in SQL so that a page holds whole rows of the report.
      .whereExists((q) => void q.select(db.raw('1')).from(`${LEDGER} as e`).whereRaw('e.lot_id = l.id').havingRaw('sum(e.credits) > 0'))
      .orderBy(['l.expires_on', 'l.id'])
      .modify(paged(page))
      .select<ExpiringLot[]>({ lotId: lot.id, ...pick(lot, 'accountId', 'ownerEmail', 'expiresOn') }, balance(db))
  );
}

export interface AwardSummary {
  lotId: string;
  awardQuarter: string;
  credits: number;
  issuedOn: string;
  expiresOn: string;
}

/** LOY-7: the lots an account was awarded, oldest first. */
export async function awardsOf(db: Knex, accountId: string): Promise<AwardSummary[]> {
  return db(`${LOTS} as l`)
    .where({ account_id: accountId, source: 'award' })
    .orderBy('issued_on')
    .select<AwardSummary[]>({ lotId: lot.id, ...pick(lot, 'awardQuarter', 'credits', 'issuedOn', 'expiresOn') });
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

export async function redemptionsBetween(
  db: Knex,
  from: IsoDate,
  to: IsoDate,
  amId?: string,
  page?: PageWindow,
): Promise<RedemptionReportRow[]> {
  return db(`${REDEMPTIONS} as r`)
    .whereBetween('r.requested_on', [from, to])
    .modify(managedBy(db, 'r.account_id', amId))
    .orderBy(['r.requested_on', 'r.id'])
    .modify(paged(page))
    .select<RedemptionReportRow[]>(
      pick(redemption, 'id', 'accountId', 'kind', 'credits', 'status', 'requestedOn', 'decidedOn', 'requestedBy'),
    );
}

/**
 * CLC-6: who decides a request, as SQL over `r` joined to its account `a` and its waiting notice `n`: the
 * account's current Team Captain (a replaced captain's requests pass to the new one), else whoever the
 * request's waiting notice went to (the buyer of a lot without an account).
 */
export const approverColumns = (db: Knex) => [
  db.raw('a.captain_name as "approverName"'),
  db.raw('coalesce(a.captain_email, n.recipient) as "approverEmail"'),
];

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
  accountManagerId: string | null;
  /** CLC-6: who decides it now: the account's current captain, else whoever its waiting notice went to. */
  approverName: string | null;
  approverEmail: string | null;
}

export async function redemptionRow(db: Knex, id: string): Promise<RedemptionRow | undefined> {
  return db(`${REDEMPTIONS} as r`)
    .leftJoin(`${ACCOUNTS} as a`, 'a.id', 'r.account_id')
    .leftJoin(`${NOTIFICATIONS} as n`, 'n.id', db.raw('?', [`redemption-${id}:waiting`]))
    .where('r.id', id)
    .first<RedemptionRow | undefined>(
      {
        ...pick(redemption, 'id', 'accountId', 'status', 'kind', 'credits', 'holdUntil', 'decidedBy'),
        ...pick(account, 'captainCcoId', 'accountManagerId'),
      },
      ...approverColumns(db),
    );
}

/** Credits a redemption draws from one lot. */
export interface AllocatedCredits {
  lotId: string;
  credits: number;
}

/** The lots a redemption draws from, nearest expiry first (the order they were allocated in). */
export async function allocationsOf(db: Knex | Knex.Transaction, redemptionId: string): Promise<AllocatedCredits[]> {
  return db(`${ALLOCATIONS} as ra`)
    .join(`${LOTS} as l`, 'l.id', 'ra.lot_id')
    .where('ra.redemption_id', redemptionId)
    .orderBy(['l.expires_on', 'l.id'])
    .select<AllocatedCredits[]>(allocation);
}

export interface ExtensionRequestRow {
  id: string;
  lotId: string;
  status: 'pending' | 'approved' | 'denied';
}

export async function extensionRequestRow(db: Knex, id: string): Promise<ExtensionRequestRow | undefined> {
  return db(`${EXTENSION_REQUESTS} as x`).where('x.id', id).first<ExtensionRequestRow | undefined>(extensionRequest);
}

export interface AccountOwner {
  id: string;
  captainCcoId: string;
  captainName: string;
  captainEmail: string;
  autoApproval: boolean;
  state: string;
  accountManagerId: string | null; // ALL-3: who manages it (null: ops only)
}

export async function accountOwner(db: Knex, accountId: string): Promise<AccountOwner | undefined> {
  return db(`${ACCOUNTS} as a`).where('a.id', accountId).first<AccountOwner | undefined>(account);
}
