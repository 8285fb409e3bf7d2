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
  // The daily run looks for redemption emails left unsent: few rows among many sent ones.
  await db.raw('create index notifications_unsent on notifications (created_at) where sent_at is null');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop index notifications_unsent');
  await db.schema.alterTable('redemptions', (t) => {
    t.dropIndex(['managed_by', 'status', 'hold_until'], 'redemptions_due_holds');
    t.dropColumn('managed_by');
  });
}
