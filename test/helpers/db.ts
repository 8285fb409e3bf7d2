import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connectDb, type Db } from '../../db/connect';
import { withDatabase } from '../setup/global';

/** A fresh database for one test file, cloned from the migrated template (no migrations re-run). */
export async function createTestDatabase(): Promise<{ db: Db; url: string; drop(): Promise<void> }> {
  const base = inject('databaseUrl');
  const name = `cp_test_${randomBytes(6).toString('hex')}`;
  const admin = connectDb(base, { min: 0, max: 1 });
  await admin.raw('create database ?? template ??', [name, inject('templateDatabase')]);
  const url = withDatabase(base, name);
  const db = connectDb(url);
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      await admin.raw('drop database if exists ?? with (force)', [name]);
      await admin.destroy();
    },
  };
}
