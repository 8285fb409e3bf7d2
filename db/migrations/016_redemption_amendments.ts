import type { Knex } from 'knex';

// The amended redemption rules of issue 19.
//
// CLC-6: the 45th day of a hold is open all day, so `hold_until` (the day the daily run releases an
// undecided request) is the day after it, never past the expiry of the credits held. Requests already
// waiting were given the 45th day itself: they move one day on, unless their lots expire first.
export async function up(db: Knex): Promise<void> {
  await db.raw(
    `update redemptions r
        set hold_until = least(r.requested_on + 46,
                               (select min(l.expires_on) from redemption_allocations ra
                                  join credit_lots l on l.id = ra.lot_id
                                 where ra.redemption_id = r.id))
      where r.status = 'pending' and r.hold_until = r.requested_on + 45`,
  );
}

/** Back to releasing on the 45th day: the requests still waiting that were moved come back one day. */
export async function down(db: Knex): Promise<void> {
  await db.raw(`update redemptions set hold_until = requested_on + 45 where status = 'pending' and hold_until = requested_on + 46`);
}
