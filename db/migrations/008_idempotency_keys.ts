import type { Knex } from 'knex';

// ALL-4: the Idempotency-Key of each create or move request, per caller: what it asked (a fingerprint of
// method, path and body), whether it is still running, and the answer it got, replayed on a retry. A row
// is held by one attempt at a time; an attempt whose process died is taken over once its lease runs out.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('idempotency_keys', (t) => {
    t.text('caller').notNullable();
    t.text('key').notNullable();
    t.text('fingerprint').notNullable();
    t.text('state').notNullable();
    t.uuid('attempt').notNullable();
    t.timestamp('locked_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.integer('status').nullable();
    // json, not jsonb: the replay is the first answer as it was, keys in their order.
    t.json('body').nullable();
    t.text('location').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['caller', 'key']);
    // The cleanup of expired keys walks this index.
    t.index(['created_at']);
    t.check("state in ('in-progress','complete')", [], 'idempotency_keys_state_known');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('idempotency_keys');
}
