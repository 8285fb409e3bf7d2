import type { Knex } from 'knex';
import type { TierBand, TierTable } from '../domain/tiers';

export const TABLE = 'tier_tables';

const toTable = (row: { fiscal_year: number; bands: TierBand[] }): TierTable => ({ fiscalYear: row.fiscal_year, bands: row.bands });

/** LOY-5: the table of `fy`, or else the latest earlier one. */
export async function tierTableFor(db: Knex, fy: number): Promise<TierTable | undefined> {
  const row = await db(TABLE).where('fiscal_year', '<=', fy).orderBy('fiscal_year', 'desc').first();
  return row && toTable(row);
}

export async function findTierTable(db: Knex, fy: number): Promise<TierTable | undefined> {
  const row = await db(TABLE).where({ fiscal_year: fy }).first();
  return row && toTable(row);
}

export async function putTierTable(db: Knex, table: TierTable, updatedBy: string): Promise<void> {
  await db(TABLE)
    .insert({ fiscal_year: table.fiscalYear, bands: JSON.stringify(table.bands), updated_by: updatedBy })
    .onConflict('fiscal_year')
    .merge({ bands: JSON.stringify(table.bands), updated_by: updatedBy, updated_at: db.fn.now() });
}
