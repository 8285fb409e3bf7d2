import knex, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from './migrations';

// Program dates are calendar dates (CAL-3): keep DATE columns as 'YYYY-MM-DD' strings, never local-time Dates.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

export type Db = Knex;

export function connectDb(databaseUrl: string, pool = { min: 0, max: 10 }): Db {
  return knex({ client: 'pg', connection: databaseUrl, pool });
}

/** Applies pending migrations; safe to run from several processes at once (knex takes a lock). */
export async function migrate(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}
