import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationSource } from '../../db/migrations';
import { tierTableFor } from '../../db/loyalty';
import { FY22_TIER_TABLE } from '../../domain/loyalty';
import { createTestDatabase } from '../helpers/db';

type Database = Awaited<ReturnType<typeof createTestDatabase>>;

const account = (id: string, nominatedBy: string) => ({
  id,
  corporate_group_id: id,
  state: 'enrolled',
  captain_name: 'Dana Lee',
  captain_email: 'cap@x.example',
  captain_cco_id: 'dlee',
  nominated_by: nominatedBy,
  nominated_on: '2026-07-01',
  terms_version: 'T1',
});

// ALL-3, LOY-5: what 009 finds written before it: accounts get the Account Manager who nominated them,
// and each year's one tier table becomes its version 1.
const MIGRATION = '009_audit';

describe('migration 009: account managers, the audit record, tier-table versions', () => {
  let d: Database;
  const fy30 = structuredClone(FY22_TIER_TABLE.bands);
  fy30[0]!.quarterlyCredits = 80;

  beforeAll(async () => {
    d = await createTestDatabase();
    await d.db.migrate.down({ migrationSource, name: MIGRATION });
    await d.db('accounts').insert([account('OLD-AM', 'account-manager:am-7'), account('OLD-SEED', 'am')]);
    await d.db('tier_tables').insert({ fiscal_year: 2030, bands: JSON.stringify(fy30), updated_by: 'ops:before' });
    await d.db.migrate.up({ migrationSource, name: MIGRATION });
  });
  afterAll(async () => d?.drop());

  it('ALL-3: an account nominated before is managed by the Account Manager named in nominated_by; one with none by ops alone', async () => {
    const rows = await d.db('accounts').whereIn('id', ['OLD-AM', 'OLD-SEED']).orderBy('id').select('id', 'account_manager_id');
    expect(rows).toEqual([
      { id: 'OLD-AM', account_manager_id: 'am-7' },
      { id: 'OLD-SEED', account_manager_id: null },
    ]);
  });

  it('LOY-5: the tier tables there before are version 1, and still the ones in force', async () => {
    expect(await d.db('tier_tables').orderBy('fiscal_year').select('fiscal_year', 'version')).toEqual([
      { fiscal_year: 2022, version: 1 },
      { fiscal_year: 2030, version: 1 },
    ]);
    expect(await tierTableFor(d.db, 2031)).toEqual({ fiscalYear: 2030, version: 1, bands: fy30 });
  });

  it('ALL-3: the audit record starts empty and refuses UPDATE and DELETE', async () => {
    await d.db('audit_events').insert({ actor: 'ops:t', action: 'test', entity_type: 'account', entity_id: 'OLD-AM' });
    await expect(d.db('audit_events').update({ actor: 'x' })).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(d.db('audit_events').delete()).rejects.toThrow(/append-only: DELETE refused/);
    expect(await d.db('audit_events').count({ n: '*' })).toEqual([{ n: '1' }]);
  });
});
