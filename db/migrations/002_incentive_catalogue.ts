import type { Knex } from 'knex';

// LCI-1: ops maintain the catalogue through the API. A replaced use case gets a new version (running
// engagements keep the phases they started with, carried in their workflow); a retired one is offered
// to no new engagement but stays, since engagements reference it. Payments record when they were
// approved to the instant, for audit and for the telemetry benchmark's phase-change latency.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('use_cases', (t) => {
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.text('updated_by').nullable();
    t.timestamp('retired_at', { useTz: true }).nullable();
  });
  await db.schema.alterTable('incentive_payments', (t) => {
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('incentive_payments', (t) => t.dropColumn('recorded_at'));
  await db.schema.alterTable('use_cases', (t) => {
    for (const c of ['version', 'updated_at', 'updated_by', 'retired_at']) t.dropColumn(c);
  });
}
