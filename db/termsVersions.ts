import type { Knex } from 'knex';

export const TABLE = 'terms_versions';

/** The latest published terms version, if ops have published any (else the configured one applies). */
export async function latestTermsVersion(db: Knex): Promise<string | undefined> {
  const row = await db(TABLE).orderBy('published_at', 'desc').orderBy('version', 'desc').first('version');
  return row?.version as string | undefined;
}

/** Records a version once; false when it was already published. */
export async function publishTermsVersion(db: Knex, version: string, by: string): Promise<boolean> {
  const inserted = await db(TABLE).insert({ version, published_by: by }).onConflict('version').ignore().returning('version');
  return inserted.length > 0;
}

/** Accounts whose workflows are still open, for fanning out a new terms version. */
export async function openAccountIds(db: Knex): Promise<string[]> {
  return db('accounts').whereIn('state', ['nominated', 'enrolled']).orderBy('id').pluck('id');
}
