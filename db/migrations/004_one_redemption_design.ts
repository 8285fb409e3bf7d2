import type { Knex } from 'knex';

// CLC-6: every redemption is written by the API and released by the daily holds run, so the marker that
// told those apart from the requests of an earlier design (003's `managed_by`) is gone. The daily run
// finds its due holds by status and date.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('redemptions', (t) => {
    t.dropIndex(['managed_by', 'status', 'hold_until'], 'redemptions_due_holds');
    t.dropColumn('managed_by');
    t.index(['status', 'hold_until'], 'redemptions_due_holds');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('redemptions', (t) => {
    t.dropIndex(['status', 'hold_until'], 'redemptions_due_holds');
    t.text('managed_by').nullable();
    t.index(['managed_by', 'status', 'hold_until'], 'redemptions_due_holds');
  });
}
