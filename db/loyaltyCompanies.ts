import type { Knex } from 'knex';
import type { Company } from '../domain/loyaltyGroups';

// LOY-3, LOY-10: which account each company belongs to. A company belongs to one account at a time (the
// primary key); it is taken from an account only once that account is closed (lapsed or withdrawn), and the
// taking is decided by Postgres in one statement, so two accounts claiming it at once cannot both have it.

export const COMPANIES = 'companies';
export const LIFECYCLE_COMPANIES = 'account_lifecycle_companies';

const rowOf = (accountId: string, c: Company) => ({
  id: c.id,
  account_id: accountId,
  name: c.name,
  country: c.country,
  end_user: c.endUser,
});

/** LOY-3: companies join an account (a company of an account that closed moves to this one). */
export async function insertCompanies(db: Knex | Knex.Transaction, accountId: string, companies: readonly Company[]): Promise<void> {
  if (companies.length === 0) return;
  const rows = companies.map((c) => rowOf(accountId, c));
  await db(COMPANIES).insert(rows).onConflict('id').merge(['account_id', 'name', 'country', 'end_user']);
}

/**
 * LOY-3: the company joins `accountId` unless an open account holds it: the insert, or the update of a row
 * held by this account or by a closed one, is one statement; a concurrent claim waits on the row and then
 * sees who won. Returns the account that holds it when that is another open one, else null (joined).
 */
export async function claimCompany(db: Knex, accountId: string, company: Company, attempt = 1): Promise<{ heldBy: string | null }> {
  const r = rowOf(accountId, company);
  const claimed = await db.raw<{ rows: unknown[] }>(
    `insert into companies (id, account_id, name, country, end_user) values (?, ?, ?, ?, ?)
     on conflict (id) do update set account_id = excluded.account_id, name = excluded.name, country = excluded.country, end_user = excluded.end_user
     where companies.account_id = excluded.account_id
        or exists (select 1 from accounts a where a.id = companies.account_id and a.state in ('lapsed', 'withdrawn'))
     returning account_id`,
    [r.id, r.account_id, r.name, r.country, r.end_user],
  );
  if (claimed.rows.length > 0) return { heldBy: null };
  const holder = await db(COMPANIES).where({ id: company.id }).first<{ account_id: string } | undefined>('account_id');
  if (holder) return { heldBy: holder.account_id };
  // Detached (LOY-10) between the two statements: free now, so claimed again rather than reported joined.
  if (attempt < 3) return claimCompany(db, accountId, company, attempt + 1);
  throw new Error(`company ${company.id} could not be claimed for account ${accountId}`);
}

/**
 * LOY-10: a new lifecycle of `accountId` starts with `companies`: the members of the lifecycle that ended are
 * kept with it (`lifecycle` - 1 and before, once), and those the new nomination leaves out are detached.
 */
export async function renewMembers(
  trx: Knex.Transaction,
  accountId: string,
  lifecycle: number,
  companies: readonly Company[],
): Promise<void> {
  await trx.raw(
    `insert into ?? (account_id, lifecycle, company_id, name)
     select c.account_id, a.lifecycle, c.id, c.name from companies c join accounts a on a.id = c.account_id
     where c.account_id = ? and a.lifecycle < ? on conflict do nothing`,
    [LIFECYCLE_COMPANIES, accountId, lifecycle],
  );
  await trx(COMPANIES)
    .where({ account_id: accountId })
    .whereNotIn(
      'id',
      companies.map((c) => c.id),
    )
    .delete();
}

/** LOY-10: the members of each earlier lifecycle of an account, by lifecycle. */
export async function lifecycleMembers(db: Knex, accountId: string): Promise<Map<number, { id: string; name: string }[]>> {
  const rows = await db(LIFECYCLE_COMPANIES)
    .where({ account_id: accountId })
    .orderBy([{ column: 'lifecycle' }, { column: 'company_id' }])
    .select<{ lifecycle: number; company_id: string; name: string }[]>('lifecycle', 'company_id', 'name');
  const byLifecycle = new Map<number, { id: string; name: string }[]>();
  for (const r of rows) byLifecycle.set(r.lifecycle, [...(byLifecycle.get(r.lifecycle) ?? []), { id: r.company_id, name: r.name }]);
  return byLifecycle;
}
