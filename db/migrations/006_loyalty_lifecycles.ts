import type { Knex } from 'knex';

// LOY-10: a lapsed or withdrawn group may be nominated again, as a new lifecycle of the same account
// (a new run of `loyalty-account-<group>`). The `accounts` row always shows the current lifecycle
// (`lifecycle`, 1 for every account written before); when a new one starts, the row as it was is copied
// into `account_lifecycles`, so each earlier lifecycle stays readable. Terms are accepted once per
// lifecycle and version. Awards, ledger entries and notices keep their account id across lifecycles.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('accounts', (t) => {
    t.integer('lifecycle').notNullable().defaultTo(1);
  });
  await db.schema.createTable('account_lifecycles', (t) => {
    t.text('account_id').notNullable().references('accounts.id').onDelete('restrict');
    t.integer('lifecycle').notNullable();
    t.text('state').notNullable();
    t.integer('tier').nullable();
    t.text('captain_name').notNullable();
    t.text('captain_email').notNullable();
    t.text('captain_cco_id').notNullable();
    t.text('nominated_by').notNullable();
    t.date('nominated_on').notNullable();
    t.text('terms_version').notNullable();
    t.timestamp('closed_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['account_id', 'lifecycle']);
  });
  await db.schema.alterTable('terms_acceptances', (t) => {
    t.integer('lifecycle').notNullable().defaultTo(1);
    t.dropPrimary();
    t.primary(['account_id', 'lifecycle', 'terms_version']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db('terms_acceptances').where('lifecycle', '>', 1).delete();
  await db.schema.alterTable('terms_acceptances', (t) => {
    t.dropPrimary();
    t.dropColumn('lifecycle');
    t.primary(['account_id', 'terms_version']);
  });
  await db.schema.dropTable('account_lifecycles');
  await db.schema.alterTable('accounts', (t) => {
    t.dropColumn('lifecycle');
  });
}
