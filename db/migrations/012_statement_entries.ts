import type { Knex } from 'knex';

// CLC-8 (amended): every ledger entry is on exactly one statement of its owner. A statement used to show
// the entries dated in its month and sum everything dated before it as its opening, so an entry recorded
// after its month's statement was made (a late purchase, a delayed award) was on no statement and the
// next one opened with more than the last one closed with. From here each statement records the entries
// it showed (`statement_entries`), and the next shows the ones no statement has, the late ones marked.
//
// Statements made before this migration did not record theirs: an entry was on the first statement (by
// month) of its owner that was made after the entry was recorded and whose month it falls in or precedes
// (as a line, or summed in its opening). An entry that no such statement exists for is still to be stated.

/** The statements' owner key of a lot (db/creditsStatements.ts statementOwnerKey), as SQL over `l`. */
const OWNER_KEY = "case when l.account_id is not null then 'account-' || l.account_id else 'purchaser-' || l.owner_email end";

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('statement_entries', (t) => {
    // One statement per entry: the primary key is the entry.
    t.bigInteger('ledger_entry_id').primary().references('ledger_entries.id').onDelete('restrict');
    t.text('owner_key').notNullable();
    t.string('month', 7).notNullable();
    // The statement it is on (statements' key), not a foreign key: statements' own key may change shape
    // in a migration (as 005 did), which a constraint on it would block.
    t.index(['owner_key', 'month']);
  });
  await db.raw(
    `insert into statement_entries (ledger_entry_id, owner_key, month)
     select distinct on (e.id) e.id, s.owner_key, s.month
       from ledger_entries e
       join credit_lots l on l.id = e.lot_id
       join statements s on s.owner_key = ${OWNER_KEY}
                        and e.occurred_on < (to_date(s.month || '-01', 'YYYY-MM-DD') + interval '1 month')
                        and e.created_at < s.created_at
      order by e.id, s.month`,
  );
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('statement_entries');
}
