import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationSource } from '../../db/migrations';
import { createTestDatabase } from '../helpers/db';

type Database = Awaited<ReturnType<typeof createTestDatabase>>;

// CLC-6 (amended): requests already waiting when the 45th day became open all day were to be released on
// it; migration 016 moves their release to the day after, never past the expiry of the lots they hold.
const MIGRATION = '016_redemption_amendments';

const lot = (id: string, expiresOn: string) => ({
  id,
  account_id: null,
  owner_email: 'buyer@x.example',
  country: 'US',
  source: 'purchase',
  credits: 100,
  issued_on: '2030-01-02',
  activates_on: '2030-01-07',
  expires_on: expiresOn,
});
const request = (id: string, status: string, holdUntil: string) => ({
  id,
  account_id: null,
  kind: 'digital-learning',
  credits: 5,
  requested_by: 'ops:test',
  requested_on: '2030-03-01',
  status,
  hold_until: holdUntil,
});

describe('migration 016: holds waiting on the day the 45th became open all day', () => {
  let d: Database;
  beforeAll(async () => {
    d = await createTestDatabase();
    await d.db.migrate.down({ migrationSource, name: MIGRATION });
    await d.db('credit_lots').insert([lot('L-LONG', '2031-01-02'), lot('L-SHORT', '2030-04-15')]);
    // Requested 2030-03-01: its 45th day is 2030-04-15, which the code before 016 released it on.
    await d
      .db('redemptions')
      .insert([
        request('R-WAITING', 'pending', '2030-04-15'),
        request('R-CAPPED', 'pending', '2030-04-15'),
        request('R-DECIDED', 'approved', '2030-04-15'),
      ]);
    await d.db('redemption_allocations').insert([
      { redemption_id: 'R-WAITING', lot_id: 'L-LONG', credits: 5, status: 'held' },
      { redemption_id: 'R-CAPPED', lot_id: 'L-SHORT', credits: 5, status: 'held' },
      { redemption_id: 'R-DECIDED', lot_id: 'L-LONG', credits: 5, status: 'redeemed' },
    ]);
    await d.db.migrate.up({ migrationSource, name: MIGRATION });
  });
  afterAll(async () => d?.drop());

  it('CLC-6: a waiting request is released on 2030-04-16; one whose lot expires 2030-04-15 keeps that day; a decided one is left', async () => {
    expect(await d.db('redemptions').orderBy('id').select('id', 'hold_until')).toEqual([
      { id: 'R-CAPPED', hold_until: '2030-04-15' },
      { id: 'R-DECIDED', hold_until: '2030-04-15' },
      { id: 'R-WAITING', hold_until: '2030-04-16' },
    ]);
  });
});
