import type { Knex } from 'knex';
import { setTimeout as sleep } from 'node:timers/promises';

/** Each table's rows, counted and hashed: any insert, update or delete changes it ("nothing was written"). */
export async function fingerprint(db: Knex): Promise<Record<string, string>> {
  const tables: string[] = await db('pg_tables').where({ schemaname: 'public' }).whereNot('tablename', 'like', 'knex_%').pluck('tablename');
  const parts = tables.map((t) =>
    db
      .raw(`select ? as t, count(*) || ':' || md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as f from ?? x`, [t, t])
      .toString(),
  );
  const rows: { t: string; f: string }[] = (await db.raw(parts.join(' union all '))).rows;
  return Object.fromEntries(rows.map((r) => [r.t, r.f]));
}

/** After a write, until the workflows' activities it started stop changing rows (three equal looks). */
export async function settled(db: Knex) {
  let last = await fingerprint(db);
  for (let same = 0, tries = 0; same < 2 && tries < 40; tries++) {
    await sleep(400);
    const now = await fingerprint(db);
    same = JSON.stringify(now) === JSON.stringify(last) ? same + 1 : 0;
    last = now;
  }
}
