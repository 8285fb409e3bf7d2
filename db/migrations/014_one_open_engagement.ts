import type { Knex } from 'knex';

// LCI-5: one OPEN engagement per partner, customer and use case. 001 made the three unique for ever, so
// after an engagement expired or completed no new one could start, and a second one's workflow retried
// its first insert without end. Only an active engagement now holds the three.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('engagements', (t) => {
    t.dropUnique(['partner_id', 'customer_id', 'use_case_id']);
  });
  await db.raw("create unique index engagements_one_open on engagements (partner_id, customer_id, use_case_id) where state = 'active'");
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop index engagements_one_open');
  await db.schema.alterTable('engagements', (t) => {
    t.unique(['partner_id', 'customer_id', 'use_case_id']);
  });
}
