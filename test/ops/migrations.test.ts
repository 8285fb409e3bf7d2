// Issue 14: `npm run migrate` brings a database up to the code; API and worker refuse to start on a
// database behind it, naming the migrations it lacks, instead of failing later on a missing table.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectDb, type Db } from '../../db/connect';
import { migrationSource } from '../../db/migrations';
import { missingMigrations } from '../../db/migrationsCheck';
import { withDatabase } from '../setup/global';

const root = join(__dirname, '..', '..');
const run = promisify(execFile);

/** Runs one of the program's entry points under tsx; resolves with its exit code and output. */
async function start(entry: string, env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(root, entry)], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const admin = connectDb(inject('databaseUrl'), { min: 0, max: 1 });
const created: string[] = [];
async function emptyDatabase(): Promise<{ url: string; db: Db }> {
  const name = `cp_ops_${randomBytes(5).toString('hex')}`;
  await admin.raw('create database ??', [name]);
  created.push(name);
  const url = withDatabase(inject('databaseUrl'), name);
  return { url, db: connectDb(url, { min: 0, max: 1 }) };
}

describe('migrations (npm run migrate, refusing to start behind)', () => {
  let behind: { url: string; db: Db };
  const apiEnv = (url: string) => ({ DATABASE_URL: url, API_TOKENS: '{"t-ops-00001":{"role":"ops"}}', TEMPORAL_ADDRESS: '127.0.0.1:1' });
  const workerEnv = (url: string) => ({
    DATABASE_URL: url,
    SMTP_URL: 'smtp://127.0.0.1:1',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    WORKER_METRICS_PORT: '0',
  });

  beforeAll(async () => {
    // A database a release behind: the first five migrations applied, 006 and 007 (and any later) not.
    behind = await emptyDatabase();
    for (let i = 0; i < 5; i++) await behind.db.migrate.up({ migrationSource });
  });

  afterAll(async () => {
    await behind?.db.destroy();
    for (const name of created) await admin.raw('drop database if exists ?? with (force)', [name]);
    await admin.destroy();
  });

  it('names the migrations a database lacks', async () => {
    expect((await missingMigrations(behind.db)).slice(0, 2)).toEqual(['006_loyalty_lifecycles', '007_certification_ended_on']);
    const fresh = await emptyDatabase();
    expect((await missingMigrations(fresh.db)).slice(0, 3)).toEqual(['001_platform', '002_incentive_catalogue', '003_redemption_desk']);
    // Only read: checking creates no knex_migrations table in a fresh database.
    expect(await fresh.db.schema.hasTable('knex_migrations')).toBe(false);
    await fresh.db.destroy();
  });

  it('the API and the worker refuse to start on a database behind the code, saying which migrations are missing', async () => {
    const [api, worker] = await Promise.all([start('api/main.ts', apiEnv(behind.url)), start('worker/main.ts', workerEnv(behind.url))]);
    for (const proc of [api, worker]) {
      expect(proc.code).toBe(1);
      expect(proc.stderr).toContain('The database is behind this code');
      expect(proc.stderr).toContain('not applied: 006_loyalty_lifecycles, 007_certification_ended_on');
      expect(proc.stderr).toContain('npm run migrate');
    }
  });

  it('npm run migrate applies what is missing, once; then the check passes', async () => {
    const first = await start('scripts/migrate.ts', { DATABASE_URL: behind.url });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^applied \d+ migration\(s\): 006_loyalty_lifecycles, 007_certification_ended_on/);
    expect(await missingMigrations(behind.db)).toEqual([]);
    const again = await start('scripts/migrate.ts', { DATABASE_URL: behind.url });
    expect(again).toMatchObject({ code: 0, stdout: 'already up to date\n' });
    const unset = await start('scripts/migrate.ts', {});
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('DATABASE_URL: not set');
  });
});
