import type { Knex } from 'knex';
import { LEDGER, LOTS } from './credits';
import { ACCOUNTS } from './loyalty';
import { TABLE as NOTIFICATIONS, enqueueNotice, noticeKey } from './notifications';
import type { Statement, StatementLine } from '../domain/credits';
import * as emails from '../emails/credits';

// CLC-8: monthly statements of account activity, derived from the ledger: one per account and month, and
// one per purchaser and month for the lots bought without an account (migration 005).

export const STATEMENTS = 'statements';

const monthRange = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const start = `${month}-01`;
  const end = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return { start, end };
};

/** Who a lot's statement goes to: the account's current Team Captain, else the purchaser. */
const OWNER = 'coalesce(a.captain_email, l.owner_email)';

/** Whose statement a lot's entries are in: its account's, else its purchaser's (the statements' key). */
export const statementOwnerKey = (accountId: string | null, ownerEmail: string) =>
  accountId ? `account-${accountId}` : `purchaser-${ownerEmail}`;

/** A ledger entry with the owner its lot's statement goes to. */
interface ActivityRecord {
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

/** Builds (once) the statements of `month` for every account and purchaser with activity or a balance; returns how many. */
export async function buildStatements(db: Knex, month: string): Promise<number> {
  const statements = await statementsOf(db, month);
  for (const s of statements) await writeStatement(db, s);
  return statements.length;
}

async function statementsOf(db: Knex, month: string): Promise<Statement[]> {
  const { start, end } = monthRange(month);
  const rows = await db(`${LEDGER} as e`)
    .join(`${LOTS} as l`, 'l.id', 'e.lot_id')
    .leftJoin(`${ACCOUNTS} as a`, 'a.id', 'l.account_id')
    .where('e.occurred_on', '<', end)
    .orderBy(['e.occurred_on', 'e.id'])
    .select<ActivityRecord[]>(db.raw(`${OWNER} as owner`), 'l.account_id', 'e.lot_id', 'e.kind', 'e.credits', 'e.reason', 'e.occurred_on');
  const byOwner = new Map<string, Statement>();
  for (const r of rows) {
    const key = statementOwnerKey(r.account_id, r.owner);
    const s: Statement = byOwner.get(key) ?? {
      ownerEmail: r.owner,
      month,
      accountId: r.account_id ?? null,
      openingBalance: 0,
      closingBalance: 0,
      lines: [],
    };
    byOwner.set(key, s);
    const on = r.occurred_on;
    if (on < start) s.openingBalance += r.credits;
    else s.lines.push({ on, lotId: r.lot_id, kind: r.kind, credits: r.credits, reason: r.reason });
    s.closingBalance += r.credits;
  }
  return [...byOwner.values()].filter((s) => s.lines.length > 0 || s.closingBalance > 0);
}

/** A statement and its notice in one transaction (ALL-2); a second build of the month writes nothing new. */
async function writeStatement(db: Knex, s: Statement): Promise<void> {
  const ownerKey = statementOwnerKey(s.accountId, s.ownerEmail);
  await db.transaction(async (trx) => {
    await trx(STATEMENTS)
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
      .ignore();
    await enqueueNotice(trx, {
      id: noticeKey('statement', ownerKey, s.month),
      accountId: s.accountId,
      kind: 'statement',
      recipient: s.ownerEmail,
      ...emails.statement(s),
    });
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
