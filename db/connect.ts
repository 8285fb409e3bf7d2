import knex, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from './migrations';

// Program dates are calendar dates (CAL-3): keep DATE columns as 'YYYY-MM-DD' strings, never local-time Dates.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

export type Db = Knex;

export function connectDb(databaseUrl: string, pool = { min: 0, max: 10 }): Db {
  // Wait for a pooled connection for less than an activity's 30 s limit, so a slow database fails the
  // attempt (and Temporal retries it) instead of timing the activity out while it queues.
  return knex({ client: 'pg', connection: databaseUrl, pool, acquireConnectionTimeout: 20_000 });
}

/** Applies pending migrations; safe to run from several processes at once (knex takes a lock). */
export async function migrate(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}
