import type { Knex } from 'knex';
import { LEDGER, LOTS } from './credits';
import { ACCOUNTS } from './loyalty';
import { TABLE as NOTIFICATIONS, enqueueNotice, noticeKey } from './notifications';
import { isUniqueViolation } from './sqlState';
import { addMonths } from '../domain/calendar';
import { draftStatement, type Statement, type StatementLine } from '../domain/credits';
import * as emails from '../emails/credits';

// CLC-8: monthly statements of account activity, derived from the ledger: one per account and month, and
// one per purchaser and month for the lots bought without an account (migration 005). Each ledger entry
// is on exactly one statement (`statement_entries`, migration 012): a month's statement shows the entries
// no statement has shown yet, those dated before the month marked late, and opens with the owner's last
// closing balance (domain/credits.ts draftStatement).

export const STATEMENTS = 'statements';
export const STATEMENT_ENTRIES = 'statement_entries';

const monthEnd = (month: string) => addMonths(`${month}-01`, 1);

/** Who a lot's statement goes to: the account's current Team Captain, else the purchaser. */
const OWNER = 'coalesce(a.captain_email, l.owner_email)';

/** Whose statement a lot's entries are in: its account's, else its purchaser's (the statements' key). */
export const statementOwnerKey = (accountId: string | null, ownerEmail: string) =>
  accountId ? `account-${accountId}` : `purchaser-${ownerEmail}`;

/** A ledger entry no statement has shown, with the owner its lot's statement goes to. */
interface UnstatedRecord {
  id: string;
  owner: string;
  account_id: string | null;
  lot_id: string;
  kind: string;
  credits: number;
  reason: string;
  occurred_on: string;
}

/** The `statements` table as Postgres returns it (`lines` is jsonb). */
interface StatementRecord {
  owner_key: string;
  owner_email: string;
  month: string;
  account_id: string | null;
  lines: StatementLine[];
  opening_balance: number;
  closing_balance: number;
}

const toStatement = (r: StatementRecord): Statement => ({
  ownerEmail: r.owner_email,
  month: r.month,
  accountId: r.account_id,
  openingBalance: r.opening_balance,
  closingBalance: r.closing_balance,
  lines: r.lines,
});

/** A statement to write, with the ledger entries it shows. */
interface Draft {
  statement: Statement;
  entryIds: string[];
}

/**
 * Builds (once) the statements of `month` for every account and purchaser with activity or a balance;
 * returns how many the month has. A re-run writes nothing new (the month's statements stand as made) and
 * only enqueues a notice a statement still lacks.
 */
export async function buildStatements(db: Knex, month: string, attempt = 1): Promise<number> {
  const { made, drafts } = await statementsOf(db, month);
  for (const s of made) await enqueueStatementNotice(db, s);
  try {
    for (const d of drafts) await writeStatement(db, d);
  } catch (err) {
    // An entry a concurrent build's statement took meanwhile: drafted again from what stands now. Caught here,
    // as a unique violation reaching the worker is a refusal that is never retried (worker/refusedData.ts).
    if (!isUniqueViolation(err) || attempt >= 3) throw err;
    return buildStatements(db, month, attempt + 1);
  }
  return made.length + drafts.length;
}

async function statementsOf(db: Knex, month: string): Promise<{ made: Statement[]; drafts: Draft[] }> {
  const [unstated, latest] = await Promise.all([unstatedEntries(db, month), latestStatements(db, month)]);
  const byOwner = new Map<string, UnstatedRecord[]>();
  for (const e of unstated) {
    const key = statementOwnerKey(e.account_id, e.owner);
    byOwner.set(key, [...(byOwner.get(key) ?? []), e]);
  }
  const quiet = [...latest.values()].filter((r) => r.account_id && !byOwner.has(r.owner_key)).map((r) => r.account_id!);
  const captains = await captainEmails(db, quiet);
  const made: Statement[] = [];
  const drafts: Draft[] = [];
  for (const key of new Set([...byOwner.keys(), ...latest.keys()])) {
    const last = latest.get(key);
    if (last && last.month === month) {
      made.push(toStatement(last));
      continue;
    }
    // A statement is made only after the owner's latest: a re-run of an old month never takes entries
    // that a later statement would show.
    if (last && last.month > month) continue;
    const entries = byOwner.get(key) ?? [];
    const accountId = entries[0]?.account_id ?? last?.account_id ?? null;
    const ownerEmail = entries[0]?.owner ?? (accountId && captains.get(accountId)) ?? last!.owner_email;
    const drafted = draftStatement(
      month,
      last ? last.closing_balance : null,
      entries.map((e) => ({ on: e.occurred_on, lotId: e.lot_id, kind: e.kind, credits: e.credits, reason: e.reason })),
    );
    if (drafted.lines.length === 0 && drafted.closingBalance <= 0) continue;
    drafts.push({ statement: { ownerEmail, month, accountId, ...drafted }, entryIds: entries.map((e) => e.id) });
  }
  return { made, drafts };
}

/** The entries dated before the end of `month` that no statement has shown, in ledger order. */
function unstatedEntries(db: Knex, month: string): Promise<UnstatedRecord[]> {
  return db(`${LEDGER} as e`)
    .join(`${LOTS} as l`, 'l.id', 'e.lot_id')
    .leftJoin(`${ACCOUNTS} as a`, 'a.id', 'l.account_id')
    .leftJoin(`${STATEMENT_ENTRIES} as se`, 'se.ledger_entry_id', 'e.id')
    .whereNull('se.ledger_entry_id')
    .where('e.occurred_on', '<', monthEnd(month))
    .orderBy(['e.occurred_on', 'e.id'])
    .select<UnstatedRecord[]>(
      'e.id',
      db.raw(`${OWNER} as owner`),
      'l.account_id',
      'e.lot_id',
      'e.kind',
      'e.credits',
      'e.reason',
      'e.occurred_on',
    );
}

/** Each owner's latest statement up to `month` included, or a later one (which bars a statement of `month`). */
async function latestStatements(db: Knex, month: string): Promise<Map<string, StatementRecord>> {
  const upTo = await db(STATEMENTS)
    .where('month', '<=', month)
    .distinctOn('owner_key')
    .orderBy([{ column: 'owner_key' }, { column: 'month', order: 'desc' }])
    .select<StatementRecord[]>('*');
  const later = await db(STATEMENTS)
    .where('month', '>', month)
    .distinctOn('owner_key')
    .orderBy([{ column: 'owner_key' }, { column: 'month', order: 'desc' }])
    .select<StatementRecord[]>('*');
  return new Map([...upTo, ...later].map((r) => [r.owner_key, r]));
}

/** The current Team Captain of each account: a quiet month's statement goes to them too. */
async function captainEmails(db: Knex, accountIds: string[]): Promise<Map<string, string>> {
  const rows = accountIds.length
    ? await db(ACCOUNTS).whereIn('id', accountIds).select<{ id: string; captain_email: string }[]>('id', 'captain_email')
    : [];
  return new Map(rows.map((r) => [r.id, r.captain_email]));
}

/**
 * A statement, the entries it shows and its notice in one transaction (ALL-2). A concurrent build that
 * made it first wins: its entries are its own, and this one writes nothing.
 */
async function writeStatement(db: Knex, { statement: s, entryIds }: Draft): Promise<void> {
  const ownerKey = statementOwnerKey(s.accountId, s.ownerEmail);
  await db.transaction(async (trx) => {
    const inserted = await trx(STATEMENTS)
      .insert({
        owner_key: ownerKey,
        owner_email: s.ownerEmail,
        month: s.month,
        account_id: s.accountId,
        lines: JSON.stringify(s.lines),
        opening_balance: s.openingBalance,
        closing_balance: s.closingBalance,
      })
      .onConflict(['owner_key', 'month'])
      .ignore()
      .returning('owner_key');
    if (inserted.length === 0) return;
    // No onConflict here: an entry another statement took meanwhile fails this one, and buildStatements drafts it again.
    const rows = entryIds.map((id) => ({ ledger_entry_id: id, owner_key: ownerKey, month: s.month }));
    if (rows.length) await trx.batchInsert(STATEMENT_ENTRIES, rows, 1000);
    await enqueueStatementNotice(trx, s);
  });
}

/** A statement's notice, written once (ALL-2). */
async function enqueueStatementNotice(db: Knex | Knex.Transaction, s: Statement): Promise<void> {
  const ownerKey = statementOwnerKey(s.accountId, s.ownerEmail);
  await enqueueNotice(db, {
    id: noticeKey('statement', ownerKey, s.month),
    accountId: s.accountId,
    kind: 'statement',
    recipient: s.ownerEmail,
    ...emails.statement(s),
  });
}

export async function findStatement(db: Knex, accountId: string, month: string): Promise<Statement | undefined> {
  const row = await db<StatementRecord>(STATEMENTS)
    .where({ owner_key: statementOwnerKey(accountId, ''), month })
    .first();
  return row && toStatement(row);
}

export async function unsentStatementNotices(db: Knex, month: string): Promise<string[]> {
  return db(NOTIFICATIONS)
    .where({ kind: 'statement' })
    .whereNull('sent_at')
    .whereNull('failed_at')
    .where('id', 'like', `%:${month}`)
    .orderBy('id')
    .pluck<string[]>('id');
}

/** CLC-8: an account's statements, latest month first, without their lines (the list a captain picks from). */
export async function listStatements(db: Knex, accountId: string, page: { limit: number; offset: number }) {
  const rows = await db<StatementRecord>(STATEMENTS)
    .where({ owner_key: statementOwnerKey(accountId, '') })
    .orderBy('month', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .select('month', 'opening_balance', 'closing_balance', db.raw('jsonb_array_length(lines)::int as line_count'));
  return rows.map((r) => ({
    month: r.month,
    openingBalance: r.opening_balance,
    closingBalance: r.closing_balance,
    lines: (r as unknown as { line_count: number }).line_count,
  }));
}
