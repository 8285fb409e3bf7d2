import type { Knex } from 'knex';
import { migrationSource } from './migrations';

export class DatabaseBehindError extends Error {
  constructor(readonly missing: string[]) {
    super(
      `The database is behind this code: ${missing.length} migration(s) not applied: ${missing.join(', ')}. ` +
        'Run `npm run migrate` (or `node dist/scripts/migrate.js`) first.',
    );
  }
}

/** The code's migrations the database has not applied yet, in order; read only (it creates nothing). */
export async function missingMigrations(db: Knex): Promise<string[]> {
  const known = (await migrationSource.getMigrations([])) as string[];
  // knex keeps what it applied in `knex_migrations`; a fresh database has no such table yet.
  const applied = (await db.schema.hasTable('knex_migrations'))
    ? new Set((await db('knex_migrations').select<{ name: string }[]>('name')).map((r) => r.name))
    : new Set<string>();
  return known.filter((name) => !applied.has(name));
}

/**
 * API and worker refuse to start on a database behind their code (tables or columns they use would be
 * missing). They never migrate it themselves: `npm run migrate` does, once, before a release starts.
 */
export async function assertMigrated(db: Knex): Promise<void> {
  const missing = await missingMigrations(db);
  if (missing.length > 0) throw new DatabaseBehindError(missing);
}
