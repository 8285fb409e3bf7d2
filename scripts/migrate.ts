// `npm run migrate` (or `node dist/scripts/migrate.js`): applies the code's pending migrations to
// DATABASE_URL and says which, before a release's API and workers start. Safe to run twice or at once
// from several places (knex takes a lock).
import { ConfigError, loadEnv } from '../config/env';
import { connectDb, migrate } from '../db/connect';
import { missingMigrations } from '../db/migrationsCheck';

async function main() {
  const env = loadEnv();
  if (!env.DATABASE_URL) throw new ConfigError('Bad configuration:\n  DATABASE_URL: not set (the database to migrate)');
  const db = connectDb(env.DATABASE_URL, { min: 0, max: 1 });
  try {
    const applied = await migrate(db);
    console.log(applied.length > 0 ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'already up to date');
    const missing = await missingMigrations(db);
    if (missing.length > 0) throw new Error(`still missing after migrating: ${missing.join(', ')}`);
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
