import type { Knex } from 'knex';

// LOY-6, LOY-11: a year with no bookings on record is asked of the Account Manager, never counted as $0.
// While it is asked, the account's row says which fiscal years its tier waits for and since when, so ops
// see it in the "bookings missing" queue (GET /v1/queues/bookings-missing); both are cleared once the tier
// is set. Null on every account written before.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('accounts', (t) => {
    t.specificType('missing_bookings', 'integer[]').nullable();
    t.date('bookings_asked_on').nullable();
  });
  await db.raw('create index accounts_bookings_asked on accounts (bookings_asked_on, id) where missing_bookings is not null');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop index if exists accounts_bookings_asked');
  await db.schema.alterTable('accounts', (t) => {
    t.dropColumn('bookings_asked_on');
    t.dropColumn('missing_bookings');
  });
}
