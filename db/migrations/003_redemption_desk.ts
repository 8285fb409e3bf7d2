import type { Knex } from 'knex';

// CLC-6: since this migration the API writes a redemption's hold and decision itself, and a daily
// schedule releases the holds that run out (workflows/redemptionHolds.ts). `managed_by` = 'desk' marks
// those requests; a row without it belongs to a running `redemption` workflow of the earlier design,
// which keeps its own timer and still takes its decision as an update.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('redemptions', (t) => {
    t.text('managed_by').nullable();
    t.index(['managed_by', 'status', 'hold_until'], 'redemptions_due_holds');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('redemptions', (t) => {
    t.dropIndex(['managed_by', 'status', 'hold_until'], 'redemptions_due_holds');
    t.dropColumn('managed_by');
  });
}
