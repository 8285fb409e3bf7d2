import type { Knex } from 'knex';

// CERT-4: whether a partner is "new" (not certified in the previous six months) depends on when its
// certifications ended, so the read model keeps that day. Rows already ended get it from what they hold:
// a lapsed certification ended the day it was lost (31 days after its anniversary), a revoked one the
// day its row was last written.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('certifications', (t) => {
    t.date('ended_on').nullable();
  });
  await db('certifications')
    .where({ state: 'lapsed' })
    .whereNotNull('anniversary')
    .update({ ended_on: db.raw("anniversary + interval '31 days'") });
  await db('certifications')
    .where({ state: 'revoked' })
    .update({ ended_on: db.raw("(updated_at at time zone 'UTC')::date") });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('certifications', (t) => {
    t.dropColumn('ended_on');
  });
}
