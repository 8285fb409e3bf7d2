import type { Knex } from 'knex';

// Issue 24 finding 2 (ALL-2): a notice the mail server refuses for good (a permanent SMTP 5xx reply, such as
// 501 for a recipient it will never accept) is not retried: the outbox row records when and why it failed, and
// ops read those rows as a queue (GET /v1/queues/failed-notices). A failed row is never sent, nor scanned as unsent.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('notifications', (t) => {
    t.timestamp('failed_at', { useTz: true }).nullable();
    t.text('failure').nullable();
  });
  await db.raw('create index notifications_failed on notifications (failed_at, id) where failed_at is not null');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop index notifications_failed');
  await db.schema.alterTable('notifications', (t) => {
    t.dropColumn('failed_at');
    t.dropColumn('failure');
  });
}
