import type { Knex } from 'knex';

// CLC-8: statements were one per owner email and month, so a Team Captain of two accounts had one merged
// statement (filed under one of them) and none for the other. From here a statement is one per owner key
// and month: `account-<id>` for an account's lots, `purchaser-<email>` for lots bought without an account.
// What was written is migrated, never dropped: each row gets its owner key, a merged row is split by the
// owner key of each line's lot, and the notices already written take the new keys, so a re-run of a month
// sends nothing twice. (A split-off account with no line in a merged month gets its statement when ops
// re-run that month.)

interface Line {
  on: string;
  lotId: string;
  kind: string;
  credits: number;
  reason: string;
}
interface Row {
  owner_key: string;
  owner_email: string;
  month: string;
  account_id: string | null;
  lines: Line[];
}

const accountKey = (id: string) => `account-${id}`;
const purchaserKey = (email: string) => `purchaser-${email}`;

/** The credits of `key`'s lots before `before`: an account's lots, or a purchaser's lots without an account. */
async function balanceBefore(db: Knex, key: string, email: string, before: string): Promise<number> {
  const lots = db('credit_lots').select('id');
  if (key.startsWith('account-')) lots.where({ account_id: key.slice('account-'.length) });
  else lots.whereNull('account_id').where({ owner_email: email });
  const row = await db('ledger_entries').whereIn('lot_id', lots).where('occurred_on', '<', before).sum({ total: 'credits' }).first();
  return Number(row?.total ?? 0);
}

/** A merged row's lines by the owner key of their lots; one key: nothing to split. */
async function splitRow(db: Knex, r: Row): Promise<void> {
  const lotIds = [...new Set(r.lines.map((l) => l.lotId))];
  const lots = await db('credit_lots').whereIn('id', lotIds).select<{ id: string; account_id: string | null }[]>('id', 'account_id');
  const keyOfLot = new Map(lots.map((l) => [l.id, l.account_id ? accountKey(l.account_id) : purchaserKey(r.owner_email)]));
  const byKey = new Map<string, Line[]>([[r.owner_key, []]]);
  for (const line of r.lines) {
    const key = keyOfLot.get(line.lotId) ?? r.owner_key;
    byKey.set(key, [...(byKey.get(key) ?? []), line]);
  }
  if (byKey.size === 1) return;
  const start = `${r.month}-01`;
  for (const [key, lines] of byKey) {
    const opening = await balanceBefore(db, key, r.owner_email, start);
    const values = {
      lines: JSON.stringify(lines),
      opening_balance: opening,
      closing_balance: opening + lines.reduce((sum, l) => sum + l.credits, 0),
    };
    if (key === r.owner_key) await db('statements').where({ owner_key: key, month: r.month }).update(values);
    else
      await db('statements')
        .insert({
          owner_key: key,
          owner_email: r.owner_email,
          month: r.month,
          account_id: key.startsWith('account-') ? key.slice('account-'.length) : null,
          ...values,
        })
        .onConflict(['owner_key', 'month'])
        .ignore();
  }
}

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('statements', (t) => t.text('owner_key').nullable());
  await db('statements').update({
    owner_key: db.raw("case when account_id is not null then 'account-' || account_id else 'purchaser-' || owner_email end"),
  });
  await db.raw(
    `update notifications n set id = 'statement-' || s.owner_key || ':' || s.month
       from statements s where n.id = 'statement-' || s.owner_email || ':' || s.month`,
  );
  await db.schema.alterTable('statements', (t) => {
    t.dropPrimary();
    t.text('owner_key').notNullable().alter();
    t.primary(['owner_key', 'month']);
  });
  const rows = await db('statements')
    .orderBy(['month', 'owner_key'])
    .select<Row[]>('owner_key', 'owner_email', 'month', 'account_id', 'lines');
  for (const r of rows) await splitRow(db, r);
}

/** Back to one statement per email and month: the notices take their old keys; split-off rows are removed. */
export async function down(db: Knex): Promise<void> {
  await db.raw(
    `update notifications n set id = 'statement-' || s.owner_email || ':' || s.month
       from statements s where n.id = 'statement-' || s.owner_key || ':' || s.month
        and not exists (select 1 from notifications o where o.id = 'statement-' || s.owner_email || ':' || s.month)`,
  );
  await db.raw(
    `delete from statements s using statements k
      where s.owner_email = k.owner_email and s.month = k.month and s.owner_key > k.owner_key`,
  );
  await db.schema.alterTable('statements', (t) => {
    t.dropPrimary();
    t.primary(['owner_email', 'month']);
  });
  await db.schema.alterTable('statements', (t) => t.dropColumn('owner_key'));
}
