import type { Knex } from 'knex';
import type { LoyaltyState } from '../workflows/loyaltyDefinitions';
import { ACCOUNT_LIFECYCLES, ACCOUNTS, COMPANIES } from './loyalty';
import { lifecycleMembers } from './loyaltyCompanies';
import { paged, type PageWindow } from './page';

// Read models of Customer Loyalty accounts, kept current by the account workflows' activities: lists for
// the API, and the LOY-3 lookup of who already belongs to an account.

export interface AccountRow {
  id: string;
  corporateGroupId: string;
  state: LoyaltyState;
  tier: number | null;
  captainName: string;
  captainEmail: string;
  captainCcoId: string;
  nominatedBy: string;
  nominatedOn: string;
  termsVersion: string;
  nextAwardDate: string | null;
}

/** The `accounts` table as Postgres returns it (DATE columns as 'YYYY-MM-DD', db/connect.ts). */
export interface AccountRecord {
  id: string;
  corporate_group_id: string;
  state: LoyaltyState;
  tier: number | null;
  captain_name: string;
  captain_email: string;
  captain_cco_id: string;
  auto_approval: boolean;
  nominated_by: string;
  /** ALL-3: who manages it (null: ops only). */
  account_manager_id: string | null;
  nominated_on: string;
  terms_version: string;
  next_award_date: string | null;
}

const toAccount = (row: AccountRecord): AccountRow => ({
  id: row.id,
  corporateGroupId: row.corporate_group_id,
  state: row.state,
  tier: row.tier ?? null,
  captainName: row.captain_name,
  captainEmail: row.captain_email,
  captainCcoId: row.captain_cco_id,
  nominatedBy: row.nominated_by,
  nominatedOn: row.nominated_on,
  termsVersion: row.terms_version,
  nextAwardDate: row.next_award_date ?? null,
});

export async function listAccounts(
  db: Knex,
  filter: { state?: LoyaltyState; tier?: number; managedBy?: string } & PageWindow,
): Promise<AccountRow[]> {
  const q = db<AccountRecord>(ACCOUNTS).orderBy('id').modify(paged(filter));
  if (filter.managedBy !== undefined) void q.where({ account_manager_id: filter.managedBy });
  if (filter.state) void q.where({ state: filter.state });
  if (filter.tier !== undefined) void q.where({ tier: filter.tier });
  return (await q).map(toAccount);
}

export async function findAccount(db: Knex, accountId: string): Promise<AccountRow | undefined> {
  const row = await db<AccountRecord>(ACCOUNTS).where({ id: accountId }).first();
  return row && toAccount(row);
}

/** An account a nomination touches: its id, its state and its current lifecycle (LOY-10). */
export interface AccountLifecycleRef {
  id: string;
  state: LoyaltyState;
  lifecycle: number;
}

/** An account a nomination touches through one of its companies (`companyId`) or its group (null). */
export interface TouchedAccount extends AccountLifecycleRef {
  companyId: string | null;
}

/** LOY-3, LOY-10: the accounts the companies or their corporate group already belong to. */
export async function accountsOfCompaniesOrGroup(
  db: Knex,
  companyIds: readonly string[],
  corporateGroupId: string | null,
): Promise<TouchedAccount[]> {
  const [byGroup, byCompany] = await Promise.all([
    corporateGroupId === null
      ? []
      : db<AccountRecord>(ACCOUNTS).where({ corporate_group_id: corporateGroupId }).select('id', 'state', 'lifecycle'),
    db(COMPANIES)
      .join(ACCOUNTS, `${ACCOUNTS}.id`, `${COMPANIES}.account_id`)
      .whereIn(`${COMPANIES}.id`, companyIds)
      .orderBy(`${COMPANIES}.id`)
      .select(`${ACCOUNTS}.id as id`, `${ACCOUNTS}.state as state`, `${ACCOUNTS}.lifecycle as lifecycle`, `${COMPANIES}.id as companyId`),
  ]);
  return [...byGroup.map((r: AccountLifecycleRef) => ({ ...r, companyId: null })), ...(byCompany as TouchedAccount[])];
}

interface LifecycleRecord {
  account_id: string;
  lifecycle: number;
  state: LoyaltyState;
  nominated_on: string;
  nominated_by: string;
  captain_cco_id: string;
}

/** LOY-10: an account's earlier lifecycles, as each ended (with its member companies), the first first. */
export async function earlierLifecyclesOf(db: Knex, accountId: string) {
  const [rows, members] = await Promise.all([
    db<LifecycleRecord>(ACCOUNT_LIFECYCLES).where({ account_id: accountId }).orderBy('lifecycle'),
    lifecycleMembers(db, accountId),
  ]);
  return rows.map((r) => ({
    lifecycle: r.lifecycle,
    state: r.state,
    nominatedOn: r.nominated_on,
    nominatedBy: r.nominated_by,
    captainCcoId: r.captain_cco_id,
    // Lifecycles archived before the members were kept have none on record.
    ...(members.has(r.lifecycle) ? { companies: members.get(r.lifecycle)! } : {}),
  }));
}

/** Accounts whose workflows are still open, for fanning out a new terms version. */
export async function openAccountIds(db: Knex): Promise<string[]> {
  return db<AccountRecord>(ACCOUNTS).whereIn('state', ['nominated', 'enrolled']).orderBy('id').pluck('id');
}

/** CLC-1: the countries of an account's companies, A to Z. */
export async function accountCountries(db: Knex, accountId: string): Promise<string[]> {
  return db(COMPANIES).where({ account_id: accountId }).distinct('country').orderBy('country').pluck<string[]>('country');
}
