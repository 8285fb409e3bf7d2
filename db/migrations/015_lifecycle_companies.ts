import type { Knex } from 'knex';

// LOY-3, LOY-10: a group nominated again names its companies afresh. A former member left out of the new
// nomination is detached (its `companies` row goes, so it may join another account), and what each earlier
// lifecycle's members were is kept here when the new lifecycle starts, beside `account_lifecycles`.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('account_lifecycle_companies', (t) => {
    t.text('account_id').notNullable();
    t.integer('lifecycle').notNullable();
    t.text('company_id').notNullable();
    t.text('name').notNullable();
    t.primary(['account_id', 'lifecycle', 'company_id']);
    t.foreign(['account_id', 'lifecycle']).references(['account_id', 'lifecycle']).inTable('account_lifecycles').onDelete('restrict');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('account_lifecycle_companies');
}
