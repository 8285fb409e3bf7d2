import type { Knex } from 'knex';

// CERT-4: a partner re-applying within six months keeps the customer satisfaction record its earlier
// certification in that country had (responses by the day received, each period's Low Score Follow-Up)
// and that one's first measurement date. The read model keeps both, as its workflow last wrote them;
// rows from before have none (such a partner starts with no responses, as it did).
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('certifications', (t) => {
    t.jsonb('csat').nullable();
    t.date('first_csat_on').nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('certifications', (t) => {
    t.dropColumn('csat');
    t.dropColumn('first_csat_on');
  });
}
