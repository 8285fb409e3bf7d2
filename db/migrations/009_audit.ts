import type { Knex } from 'knex';

// ALL-3: an account is managed by one Account Manager, the one who nominated it unless ops reassigned
// it; accounts written before carry the nominator's id from `nominated_by` (`account-manager:<id>`).
// Who did what: `audit_events` is append-only, written by the code paths in the same transaction as
// the change; a trigger refuses any UPDATE or DELETE of it. LOY-5: a tier table is never overwritten:
// each PUT adds a version; the rows there are become version 1.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('accounts', (t) => {
    t.text('account_manager_id').nullable().index();
  });
  await db.raw(`update accounts set account_manager_id = substring(nominated_by from '^account-manager:(.+)$')`);

  await db.schema.createTable('audit_events', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.text('actor').notNullable();
    t.text('action').notNullable();
    t.text('entity_type').notNullable();
    t.text('entity_id').notNullable();
    t.jsonb('before').nullable();
    t.jsonb('after').nullable();
    t.index(['entity_type', 'entity_id', 'id']);
  });
  await db.raw(`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only: % refused', tg_op;
    end $$`);
  await db.raw(`
    create trigger audit_events_append_only before update or delete on audit_events
    for each statement execute function audit_events_append_only()`);

  await db.schema.alterTable('tier_tables', (t) => {
    t.integer('version').notNullable().defaultTo(1);
    t.dropPrimary();
    t.primary(['fiscal_year', 'version']);
  });
}

export async function down(db: Knex): Promise<void> {
  // Back to one row per year: the latest version of each stays.
  await db.raw(
    `delete from tier_tables t where exists (select 1 from tier_tables n where n.fiscal_year = t.fiscal_year and n.version > t.version)`,
  );
  await db.schema.alterTable('tier_tables', (t) => {
    t.dropPrimary();
    t.dropColumn('version');
    t.primary(['fiscal_year']);
  });
  await db.schema.dropTable('audit_events');
  await db.raw('drop function audit_events_append_only()');
  await db.schema.alterTable('accounts', (t) => {
    t.dropColumn('account_manager_id');
  });
}
