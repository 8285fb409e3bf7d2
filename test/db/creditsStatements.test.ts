import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStatements, findStatement } from '../../db/creditsStatements';
import { migrationSource } from '../../db/migrations';
import { createTestDatabase } from '../helpers/db';

type Database = Awaited<ReturnType<typeof createTestDatabase>>;

const account = (id: string) => ({
  id,
  corporate_group_id: id,
  state: 'enrolled',
  captain_name: 'Dana Lee',
  captain_email: 'cap@x.example',
  captain_cco_id: 'dlee',
  nominated_by: 'am',
  nominated_on: '2026-07-01',
  terms_version: 'T1',
});
const lot = (id: string, accountId: string | null, ownerEmail: string, credits: number, issuedOn: string) => ({
  id,
  account_id: accountId,
  owner_email: ownerEmail,
  country: 'US',
  source: 'purchase',
  credits,
  issued_on: issuedOn,
  activates_on: issuedOn,
  expires_on: '2027-12-31',
});
const entry = (lotId: string, kind: string, credits: number, on: string) => ({
  lot_id: lotId,
  kind,
  credits,
  actor: 'test',
  reason: `${kind} ${lotId}`,
  idempotency_key: `${lotId}:${kind}:${on}`,
  occurred_on: on,
});
const line = (lotId: string, kind: string, credits: number, on: string) => ({ on, lotId, kind, credits, reason: `${kind} ${lotId}` });
const notice = (id: string, recipient: string) => ({
  id,
  kind: 'statement',
  recipient,
  subject: 'Your Cisco Learning Credits statement for 2026-09',
  body: '…',
  message_id: `<${id}@test>`,
  sent_at: new Date('2026-10-01T02:00:05Z'),
});

// CLC-8: statements written under v0.1.0 (one per email and month, a captain of two accounts merged) are
// migrated by 005, not dropped: split per account, and their notices re-keyed so nothing is sent twice.
const MIGRATION = '005_statements_per_account';

describe('migration 005: statements per account', () => {
  let d: Database;
  beforeAll(async () => {
    d = await createTestDatabase();
    // 005 alone rolled back (later migrations touch other tables): the shape v0.1.0 wrote.
    await d.db.migrate.down({ migrationSource, name: MIGRATION });
    const { db } = d;
    await db('accounts').insert([account('ACC-A'), account('ACC-B')]);
    await db('credit_lots').insert([
      lot('LA', 'ACC-A', 'cap@x.example', 10, '2026-08-05'),
      lot('LB', 'ACC-B', 'cap@x.example', 20, '2026-09-10'),
      lot('LP', null, 'other@x.example', 5, '2026-09-12'),
    ]);
    await db('ledger_entries').insert([
      entry('LA', 'purchase', 10, '2026-08-05'),
      entry('LA', 'redemption', -3, '2026-09-03'),
      entry('LB', 'purchase', 20, '2026-09-10'),
      entry('LP', 'purchase', 5, '2026-09-12'),
    ]);
    // As v0.1.0 built September: the captain's two accounts in one statement, filed under ACC-A.
    await db('statements').insert([
      {
        owner_email: 'cap@x.example',
        month: '2026-09',
        account_id: 'ACC-A',
        lines: JSON.stringify([line('LA', 'redemption', -3, '2026-09-03'), line('LB', 'purchase', 20, '2026-09-10')]),
        opening_balance: 10,
        closing_balance: 27,
      },
      {
        owner_email: 'other@x.example',
        month: '2026-09',
        account_id: null,
        lines: JSON.stringify([line('LP', 'purchase', 5, '2026-09-12')]),
        opening_balance: 0,
        closing_balance: 5,
      },
    ]);
    await db('notifications').insert([
      notice('statement-cap@x.example:2026-09', 'cap@x.example'),
      notice('statement-other@x.example:2026-09', 'other@x.example'),
    ]);
    await db.migrate.up({ migrationSource, name: MIGRATION });
  });
  afterAll(async () => d?.drop());

  it('CLC-8: a merged statement is split per account; each account reads its own; the purchaser keeps theirs', async () => {
    const rows = await d
      .db('statements')
      .orderBy('owner_key')
      .select('owner_key', 'owner_email', 'month', 'account_id', 'lines', 'opening_balance', 'closing_balance');
    expect(rows).toEqual([
      {
        owner_key: 'account-ACC-A',
        owner_email: 'cap@x.example',
        month: '2026-09',
        account_id: 'ACC-A',
        lines: [line('LA', 'redemption', -3, '2026-09-03')],
        opening_balance: 10,
        closing_balance: 7,
      },
      {
        owner_key: 'account-ACC-B',
        owner_email: 'cap@x.example',
        month: '2026-09',
        account_id: 'ACC-B',
        lines: [line('LB', 'purchase', 20, '2026-09-10')],
        opening_balance: 0,
        closing_balance: 20,
      },
      {
        owner_key: 'purchaser-other@x.example',
        owner_email: 'other@x.example',
        month: '2026-09',
        account_id: null,
        lines: [line('LP', 'purchase', 5, '2026-09-12')],
        opening_balance: 0,
        closing_balance: 5,
      },
    ]);
    expect(await findStatement(d.db, 'ACC-B', '2026-09')).toMatchObject({ accountId: 'ACC-B', closingBalance: 20 });
  });

  it('CLC-8: the notices already sent take the new keys, so a re-run of the month sends only what was never sent', async () => {
    const sent = () => d.db('notifications').where({ kind: 'statement' }).orderBy('id').select('id', 'recipient', 'sent_at');
    expect((await sent()).map((n) => [n.id, n.sent_at !== null])).toEqual([
      ['statement-account-ACC-A:2026-09', true],
      ['statement-purchaser-other@x.example:2026-09', true],
    ]);
    expect(await buildStatements(d.db, '2026-09')).toBe(3);
    expect((await sent()).map((n) => [n.id, n.recipient, n.sent_at !== null])).toEqual([
      ['statement-account-ACC-A:2026-09', 'cap@x.example', true],
      ['statement-account-ACC-B:2026-09', 'cap@x.example', false],
      ['statement-purchaser-other@x.example:2026-09', 'other@x.example', true],
    ]);
  });
});
