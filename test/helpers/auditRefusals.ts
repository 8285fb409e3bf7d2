// Issue 24 (ALL-3 audit): the failure the audit tests inject between a change and its row. An audit insert
// for an entity listed in `test_audit_refusals`, or whose `after` names one (a top-level value: the account
// of a redemption, the customer of an engagement, whose own ids the API mints), fails (as a refused jsonb
// would), until it is taken off. Refused `asData`, it fails with SQLSTATE 22000 (a data exception, which the
// worker never retries: RefusedData); otherwise with a plain exception, which an activity retries.
import type { Knex } from 'knex';

export async function installAuditRefusals(db: Knex) {
  await db.schema.createTable('test_audit_refusals', (t) => {
    t.text('entity_id').primary();
    t.boolean('as_data').notNullable().defaultTo(false);
  });
  await db.raw(`
    create function test_refuse_audit() returns trigger language plpgsql as $$
    declare refusal record;
    begin
      select * into refusal from test_audit_refusals r
      where r.entity_id = new.entity_id
         or (jsonb_typeof(new.after) = 'object' and exists (select 1 from jsonb_each_text(new.after) v where v.value = r.entity_id))
      limit 1;
      if found and refusal.as_data then
        raise exception 'audit insert refused as data for %', new.entity_id using errcode = '22000';
      elsif found then
        raise exception 'audit insert refused for %', new.entity_id;
      end if;
      return new;
    end $$`);
  await db.raw(`create trigger test_refuse_audit before insert on audit_events for each row execute function test_refuse_audit()`);
  return {
    refuseAuditOf: (id: string, how: { asData?: boolean } = {}) =>
      db('test_audit_refusals').insert({ entity_id: id, as_data: how.asData ?? false }),
    allowAuditOf: (id: string) => db('test_audit_refusals').where({ entity_id: id }).delete(),
  };
}

/** Retries `check` until it passes (a change retrying in its activity lands once its row can be written). */
export async function eventually(check: () => Promise<void>, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
