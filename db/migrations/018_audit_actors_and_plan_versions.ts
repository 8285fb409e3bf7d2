import type { Knex } from 'knex';

// Issue 24. Who did what: each audit row names its actor by a stable subject and, beside it, the display
// name (`actor_name`; null in rows from before). A row an activity writes carries a key (`event_key`), so a
// retried attempt records nothing twice. LCI-3: a Customer Success Plan is kept as versions, never
// overwritten: the one plan an engagement had becomes its version 1.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('audit_events', (t) => {
    t.text('actor_name').nullable();
    t.text('event_key').nullable().unique();
  });
  await db.schema.createTable('success_plans', (t) => {
    t.text('engagement_id').notNullable().references('engagements.id').onDelete('restrict');
    t.integer('version').notNullable();
    t.text('document').notNullable();
    t.text('kept_by').notNullable();
    t.timestamp('kept_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.primary(['engagement_id', 'version']);
  });
  await db.raw(`
    insert into success_plans (engagement_id, version, document, kept_by, kept_at)
    select id, 1, success_plan, 'partner:' || partner_id, updated_at from engagements where success_plan is not null`);
  await db.schema.alterTable('engagements', (t) => {
    t.dropColumn('success_plan');
  });
}

export async function down(db: Knex): Promise<void> {
  // Back to one plan per engagement: the latest version stays.
  await db.schema.alterTable('engagements', (t) => {
    t.text('success_plan').nullable();
  });
  await db.raw(`
    update engagements e set success_plan = p.document
      from success_plans p
     where p.engagement_id = e.id
       and p.version = (select max(version) from success_plans l where l.engagement_id = e.id)`);
  await db.schema.dropTable('success_plans');
  await db.schema.alterTable('audit_events', (t) => {
    t.dropColumn('event_key');
    t.dropColumn('actor_name');
  });
}
