import type { Knex } from 'knex';

// The amended redemption rules of issue 19.
//
// CLC-5: a redemption names what it pays for and, for training and exams, its learner, so each person's
// training record can be listed (by email, as the person is known). A redeemed exam voucher is a thing of
// its own: issued to its learner when the redemption is approved, expiring a year on, its holder reminded
// 30 days before (`reminded_on`, once), never refunded. Rows written before this have no learner.
//
// CLC-6: the 45th day of a hold is open all day, so `hold_until` (the day the daily run releases an
// undecided request) is the day after it, never past the expiry of the credits held. Requests already
// waiting were given the 45th day itself: they move one day on, unless their lots expire first.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('redemptions', (t) => {
    t.text('pays_for').nullable();
    t.text('learner_name').nullable();
    t.text('learner_email').nullable();
  });
  await db.raw('create index redemptions_learner on redemptions (lower(learner_email), requested_on) where learner_email is not null');
  await db.schema.createTable('exam_vouchers', (t) => {
    t.text('id').primary();
    t.text('redemption_id').notNullable().unique().references('redemptions.id').onDelete('restrict');
    t.text('account_id').nullable().references('accounts.id').onDelete('restrict');
    t.text('exam').notNullable();
    t.text('holder_name').notNullable();
    t.text('holder_email').notNullable();
    t.integer('credits').notNullable();
    t.date('issued_on').notNullable();
    t.date('expires_on').notNullable();
    t.date('remind_on').notNullable();
    t.date('reminded_on').nullable();
    t.text('state').notNullable().defaultTo('issued');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.check("state in ('issued','expired')", [], 'exam_vouchers_state_known');
    t.index(['state', 'remind_on'], 'exam_vouchers_due_reminders');
    t.index(['state', 'expires_on'], 'exam_vouchers_due_expiry');
  });
  await db.raw(
    `update redemptions r
        set hold_until = least(r.requested_on + 46,
                               (select min(l.expires_on) from redemption_allocations ra
                                  join credit_lots l on l.id = ra.lot_id
                                 where ra.redemption_id = r.id))
      where r.status = 'pending' and r.hold_until = r.requested_on + 45`,
  );
}

/** Back to releasing on the 45th day (the requests still waiting that were moved come back one day); no vouchers or learners. */
export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('exam_vouchers');
  await db.raw('drop index redemptions_learner');
  await db.schema.alterTable('redemptions', (t) => {
    t.dropColumn('pays_for');
    t.dropColumn('learner_name');
    t.dropColumn('learner_email');
  });
  await db.raw(`update redemptions set hold_until = requested_on + 45 where status = 'pending' and hold_until = requested_on + 46`);
}
