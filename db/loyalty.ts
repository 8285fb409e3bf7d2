import type { Knex } from 'knex';
import { membersOf, type Bookings, type Nomination, type TierBand, type TierTable } from '../domain/loyalty';
import { awardLedgerInsert, awardLotInsert, type AwardLot } from './creditsLots';
import { recordAudit, type AuditActor } from './audit';
import { insertCompanies, renewMembers } from './loyaltyCompanies';

export { claimCompany, insertCompanies } from './loyaltyCompanies';
import { noticeInsert, type Notice } from './notifications';

export const ACCOUNTS = 'accounts';
export const TIER_TABLES = 'tier_tables';
export const TERMS_VERSIONS = 'terms_versions';
export { COMPANIES } from './loyaltyCompanies';
export const BOOKINGS = 'bookings';
export const TERMS_ACCEPTANCES = 'terms_acceptances';
export const ACCOUNT_LIFECYCLES = 'account_lifecycles';

type NominatedAccount = {
  accountId: string;
  nomination: Nomination;
  nominatedBy: string;
  nominatedOn: string;
  termsVersion: string;
  lifecycle?: number;
};

/**
 * Inserts the account, its member companies and their combined bookings (LOY-3); a retry of the same nomination changes nothing.
 * LOY-10: a later lifecycle keeps the row: the row as it was is copied to `account_lifecycles`, then
 * it is the new nomination's. A company of an account that closed joins this one.
 */
export async function insertNominatedAccount(trx: Knex.Transaction, input: NominatedAccount): Promise<void> {
  const { accountId, nomination: n, lifecycle = 1 } = input;
  const { group, companies, bookings } = membersOf(n);
  const row = {
    state: 'nominated',
    tier: null,
    next_award_date: null,
    auto_approval: false,
    captain_name: n.teamCaptain.name,
    captain_email: n.teamCaptain.email,
    captain_cco_id: n.teamCaptain.ccoId,
    nominated_by: input.nominatedBy,
    // ALL-3: the nominating Account Manager manages the account (its lifecycle's, on a new nomination).
    account_manager_id: /^account-manager:(.+)$/.exec(input.nominatedBy)?.[1] ?? null,
    nominated_on: input.nominatedOn,
    terms_version: input.termsVersion,
    lifecycle,
  };
  if (lifecycle > 1) {
    await archiveLifecycle(trx, accountId, lifecycle);
    // LOY-10: the ended lifecycle's members kept with it; those the new nomination leaves out let go.
    await renewMembers(trx, accountId, lifecycle, companies);
  }
  await trx(ACCOUNTS)
    .insert({ id: accountId, corporate_group_id: group.id, ...row })
    .onConflict('id')
    .merge({ ...row, updated_at: trx.fn.now() })
    .where(`${ACCOUNTS}.lifecycle`, '<', lifecycle);
  await insertCompanies(trx, accountId, companies);
  if (bookings.length > 0) {
    const rows = bookings.map((b) => ({
      account_id: accountId,
      fiscal_year: b.fiscalYear,
      direct_usd: b.directUsd,
      indirect_usd: b.indirectUsd,
    }));
    await trx(BOOKINGS).insert(rows).onConflict(['account_id', 'fiscal_year']).merge();
  }
}

/** LOY-10: the account row of the lifecycle before `lifecycle`, kept as it ended (once). */
async function archiveLifecycle(trx: Knex.Transaction, accountId: string, lifecycle: number): Promise<void> {
  const columns = 'lifecycle, state, tier, captain_name, captain_email, captain_cco_id, nominated_by, nominated_on, terms_version';
  await trx.raw(
    `insert into ?? (account_id, ${columns}) select id, ${columns} from ?? where id = ? and lifecycle < ? on conflict do nothing`,
    [ACCOUNT_LIFECYCLES, ACCOUNTS, accountId, lifecycle],
  );
}

type AccountChanges = {
  state?: string;
  tier?: number | null;
  nextAwardDate?: string | null;
  captain?: { name: string; email: string; ccoId: string };
  termsVersion?: string;
  /** LOY-6, LOY-11: the fiscal years the tier waits for, asked of the Account Manager on `bookingsAskedOn`; null once set. */
  missingBookings?: number[] | null;
  bookingsAskedOn?: string | null;
};

/** Keeps the read model (lists, reports) in step with what the workflow decided. */
export async function updateAccount(db: Knex | Knex.Transaction, accountId: string, changes: AccountChanges): Promise<void> {
  await accountUpdate(db, accountId, changes);
}

/**
 * LOY-7, CLC-8, ALL-2: an award's lot, its ledger entry, the account's next award date and the captain's
 * notice in one statement (data-modifying CTEs): atomic like the transaction it replaces, but one round
 * trip instead of six, which the award benchmark feels. Each insert is keyed by the award's business ids,
 * so running it again writes nothing new.
 */
export async function writeAwardRows(
  db: Knex,
  award: { lot: AwardLot; actor: string; nextAwardDate: string | null; notice: Notice },
): Promise<void> {
  const parts = {
    lot: awardLotInsert(db, award.lot),
    ledger: awardLedgerInsert(db, award.lot, award.actor),
    account: accountUpdate(db, award.lot.accountId, { nextAwardDate: award.nextAwardDate }),
    notice: noticeInsert(db, award.notice),
  };
  const compiled = Object.entries(parts).map(([name, q]) => ({ name, ...q.toSQL() }));
  await db.raw(
    `with ${compiled.map((c) => `${c.name} as (${c.sql})`).join(', ')} select 1`,
    compiled.flatMap((c) => c.bindings),
  );
}

/** The update of `updateAccount`, unexecuted. */
function accountUpdate(db: Knex | Knex.Transaction, accountId: string, changes: AccountChanges) {
  return db(ACCOUNTS)
    .where({ id: accountId })
    .update({
      ...(changes.state !== undefined ? { state: changes.state } : {}),
      ...(changes.tier !== undefined ? { tier: changes.tier } : {}),
      ...(changes.nextAwardDate !== undefined ? { next_award_date: changes.nextAwardDate } : {}),
      ...(changes.captain
        ? { captain_name: changes.captain.name, captain_email: changes.captain.email, captain_cco_id: changes.captain.ccoId }
        : {}),
      ...(changes.termsVersion !== undefined ? { terms_version: changes.termsVersion } : {}),
      ...(changes.missingBookings !== undefined ? { missing_bookings: changes.missingBookings } : {}),
      ...(changes.bookingsAskedOn !== undefined ? { bookings_asked_on: changes.bookingsAskedOn } : {}),
      updated_at: db.fn.now(),
    });
}

interface TierTableRecord {
  fiscal_year: number;
  version: number;
  bands: TierBand[];
  updated_by: string;
}
interface TermsVersionRecord {
  version: string;
  published_by: string;
  published_at: Date;
}

const toTable = (row: TierTableRecord): TierTable => ({ fiscalYear: row.fiscal_year, bands: row.bands, version: row.version });

/** LOY-5: the table of `fy`, or else the latest earlier one; of a year, its latest version. */
export async function tierTableFor(db: Knex, fy: number): Promise<TierTable | undefined> {
  const row = await db<TierTableRecord>(TIER_TABLES)
    .where('fiscal_year', '<=', fy)
    .orderBy([
      { column: 'fiscal_year', order: 'desc' },
      { column: 'version', order: 'desc' },
    ])
    .first();
  return row && toTable(row);
}

export async function findTierTable(db: Knex | Knex.Transaction, fy: number): Promise<(TierTable & { version: number }) | undefined> {
  const row = await db<TierTableRecord>(TIER_TABLES).where({ fiscal_year: fy }).orderBy('version', 'desc').first();
  return row && { ...toTable(row), version: row.version };
}

/** LOY-5: a table is never overwritten: each PUT is a new version of its year, audited in the same transaction. */
export async function putTierTable(db: Knex, table: TierTable, by: AuditActor): Promise<{ version: number; created: boolean }> {
  return db.transaction(async (trx) => {
    // Two PUTs of one year at once take their turns, so each gets the next version number.
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`tier_tables:${table.fiscalYear}`]);
    const before = await findTierTable(trx, table.fiscalYear);
    const version = (before?.version ?? 0) + 1;
    await trx(TIER_TABLES).insert({ fiscal_year: table.fiscalYear, version, bands: JSON.stringify(table.bands), updated_by: by.actor });
    await recordAudit(trx, {
      actor: by.actor,
      actorName: by.name,
      action: 'tier-table.published',
      entityType: 'tier-table',
      entityId: String(table.fiscalYear),
      before: before ?? null,
      after: { ...table, version },
    });
    return { version, created: !before };
  });
}

/** The latest published terms version, if ops have published any (else the configured one applies). */
export async function latestTermsVersion(db: Knex): Promise<string | undefined> {
  const row = await db<TermsVersionRecord>(TERMS_VERSIONS).orderBy('published_at', 'desc').orderBy('version', 'desc').first('version');
  return row?.version;
}

/** Records a version once, audited in the same transaction; false when it was already published. */
export async function publishTermsVersion(db: Knex, version: string, by: AuditActor): Promise<boolean> {
  return db.transaction(async (trx) => {
    const inserted = await trx(TERMS_VERSIONS)
      .insert({ version, published_by: by.actor })
      .onConflict('version')
      .ignore()
      .returning('version');
    if (inserted.length === 0) return false;
    await recordAudit(trx, {
      actor: by.actor,
      actorName: by.name,
      action: 'terms-version.published',
      entityType: 'terms-version',
      entityId: version,
      after: { version },
    });
    return true;
  });
}

/** LOY-4: who accepted which terms version, when; once per account and version. */
export async function recordTermsAcceptance(
  db: Knex,
  a: { accountId: string; version: string; ccoId: string; acceptedOn: string; lifecycle?: number },
): Promise<void> {
  const lifecycle = a.lifecycle ?? 1;
  await db(TERMS_ACCEPTANCES)
    .insert({ account_id: a.accountId, lifecycle, terms_version: a.version, accepted_by: a.ccoId, accepted_on: a.acceptedOn })
    .onConflict(['account_id', 'lifecycle', 'terms_version'])
    .ignore();
}

/** LOY-6: a fiscal year's bookings; a later report of the same year replaces the earlier one. */
export async function saveBookings(db: Knex, accountId: string, b: Bookings): Promise<void> {
  await db(BOOKINGS)
    .insert({ account_id: accountId, fiscal_year: b.fiscalYear, direct_usd: b.directUsd, indirect_usd: b.indirectUsd })
    .onConflict(['account_id', 'fiscal_year'])
    .merge();
}

/** CLC-6: the read model's copy of the captain's auto-approval switch. */
export async function setAutoApproval(db: Knex, accountId: string, enabled: boolean): Promise<void> {
  await db(ACCOUNTS).where({ id: accountId }).update({ auto_approval: enabled, updated_at: db.fn.now() });
}
