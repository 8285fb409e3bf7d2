import type { Knex } from 'knex';

// Portal sign-in (issue 13): a session is looked up by the hash of its cookie's value and ends on sign-out
// or at expires_at. It holds who signed in (role and ids), never what they own.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('sessions', (t) => {
    t.text('id').primary();
    t.jsonb('holder').notNullable();
    t.text('name').notNullable();
    t.text('email').nullable();
    t.text('csrf_token').notNullable();
    t.text('id_token').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable().index();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('sessions');
}
