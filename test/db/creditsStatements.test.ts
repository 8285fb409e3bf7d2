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
const lot = (id: string, accountId: string | null, ownerEmail: string, credits: number, issuedOn: string, expiresOn = '2027-12-31') => ({
  id,
  account_id: accountId,
  owner_email: ownerEmail,
  country: 'US',
  source: 'purchase',
  credits,
  issued_on: issuedOn,
  activates_on: issuedOn,
  expires_on: expiresOn,
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

// CLC-8 (amended): each ledger entry is on exactly one statement. One recorded after its month's statement
// was made (a delayed award) is on the next one, as a late entry with its own date; every statement opens
// with the last one's closing balance.
describe('statements: late entries', () => {
  let d: Database;
  beforeAll(async () => {
    d = await createTestDatabase();
    await d.db('accounts').insert(account('ACC-L'));
  });
  afterAll(async () => d?.drop());

  const stated = async (month: string) => {
    const s = await findStatement(d.db, 'ACC-L', month);
    return (
      s && {
        opening: s.openingBalance,
        closing: s.closingBalance,
        lines: s.lines.map((l) => `${l.on} ${l.kind} ${l.credits}${l.late ? ' late' : ''}`),
      }
    );
  };

  it('CLC-8: a delayed award recorded after October was stated is a late line of November, which opens with October’s closing', async () => {
    await d.db('credit_lots').insert([lot('AW-Q1', 'ACC-L', 'cap@x.example', 75, '2031-10-15', '2032-12-31')]);
    await d.db('ledger_entries').insert([entry('AW-Q1', 'award', 75, '2031-10-15')]);
    expect(await buildStatements(d.db, '2031-10')).toBe(1);
    expect(await stated('2031-10')).toEqual({ opening: 0, closing: 75, lines: ['2031-10-15 award 75'] });

    // Recorded in November, dated 28 October; then a November redemption.
    await d.db('credit_lots').insert([lot('AW-LATE', 'ACC-L', 'cap@x.example', 125, '2031-10-28', '2032-12-31')]);
    await d.db('ledger_entries').insert([entry('AW-LATE', 'award', 125, '2031-10-28'), entry('AW-Q1', 'redemption', -5, '2031-11-03')]);
    expect(await buildStatements(d.db, '2031-11')).toBe(1);
    expect(await stated('2031-11')).toEqual({
      opening: 75,
      closing: 195,
      lines: ['2031-10-28 award 125 late', '2031-11-03 redemption -5'],
    });
    // October is as it was made; a re-run of November changes nothing.
    expect(await stated('2031-10')).toEqual({ opening: 0, closing: 75, lines: ['2031-10-15 award 75'] });
    expect(await buildStatements(d.db, '2031-11')).toBe(1);
    expect(await stated('2031-11')).toMatchObject({ opening: 75, closing: 195 });

    // A quiet month still states the balance carried.
    expect(await buildStatements(d.db, '2031-12')).toBe(1);
    expect(await stated('2031-12')).toEqual({ opening: 195, closing: 195, lines: [] });
    const notices = await d.db('notifications').where({ kind: 'statement' }).orderBy('id').pluck('id');
    expect(notices).toEqual(['statement-account-ACC-L:2031-10', 'statement-account-ACC-L:2031-11', 'statement-account-ACC-L:2031-12']);
    const november = await d.db('notifications').where({ id: 'statement-account-ACC-L:2031-11' }).first('body');
    expect(november.body).toContain('Opening balance: 75\n2031-10-28  AW-LATE  award          125  award AW-LATE (recorded late)\n');
  });
});

// Statements made before migration 012 did not record which entries they showed: 012 works it out from
// when each was made (an entry recorded before a statement of its owner whose month it falls in or
// precedes was on it), so the next statement neither repeats those nor misses the late ones.
const BACKFILL = '012_statement_entries';

describe('migration 012: the entries each earlier statement showed', () => {
  let d: Database;
  beforeAll(async () => {
    d = await createTestDatabase();
    await d.db.migrate.down({ migrationSource, name: BACKFILL });
    const { db } = d;
    await db('accounts').insert(account('ACC-M'));
    await db('credit_lots').insert([
      lot('LM', 'ACC-M', 'cap@x.example', 50, '2031-08-10', '2032-12-31'),
      lot('LN', 'ACC-M', 'cap@x.example', 20, '2031-09-25', '2032-12-31'),
    ]);
    const at = (iso: string) => ({ created_at: new Date(iso) });
    await db('ledger_entries').insert([
      { ...entry('LM', 'purchase', 50, '2031-08-10'), ...at('2031-08-10T09:00:00Z') },
      { ...entry('LM', 'redemption', -4, '2031-09-02'), ...at('2031-09-02T09:00:00Z') },
      // Dated September, recorded on 3 October, after September's statement: the entry 012 finds late.
      { ...entry('LN', 'purchase', 20, '2031-09-25'), ...at('2031-10-03T09:00:00Z') },
    ]);
    // As the code before 012 made them: August, and September (its opening summed from the ledger then).
    await db('statements').insert([
      {
        owner_key: 'account-ACC-M',
        owner_email: 'cap@x.example',
        month: '2031-08',
        account_id: 'ACC-M',
        lines: JSON.stringify([line('LM', 'purchase', 50, '2031-08-10')]),
        opening_balance: 0,
        closing_balance: 50,
        created_at: new Date('2031-09-01T02:00:00Z'),
      },
      {
        owner_key: 'account-ACC-M',
        owner_email: 'cap@x.example',
        month: '2031-09',
        account_id: 'ACC-M',
        lines: JSON.stringify([line('LM', 'redemption', -4, '2031-09-02')]),
        opening_balance: 50,
        closing_balance: 46,
        created_at: new Date('2031-10-01T02:00:00Z'),
      },
    ]);
    await db.migrate.up({ migrationSource, name: BACKFILL });
  });
  afterAll(async () => d?.drop());

  it('CLC-8: after 012, October opens with September’s closing and shows the entry September missed as late', async () => {
    expect(await buildStatements(d.db, '2031-10')).toBe(1);
    const october = await findStatement(d.db, 'ACC-M', '2031-10');
    expect(october).toMatchObject({
      openingBalance: 46,
      closingBalance: 66,
      lines: [{ on: '2031-09-25', lotId: 'LN', kind: 'purchase', credits: 20, reason: 'purchase LN', late: true }],
    });
  });
});
