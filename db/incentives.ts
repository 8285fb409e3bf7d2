import type { Knex } from 'knex';
import type { Phase, UseCase } from '../domain/incentives';

export interface StoredReading {
  readingId: string;
  customerId: string;
  metric: string;
  value: number;
  measuredAt: string;
}

/**
 * LCI-2: a batch of readings in one multi-row INSERT; a reading id already stored (a resent batch) is
 * skipped by the primary key. Returns how many were new.
 */
export async function storeReadings(db: Knex, readings: readonly StoredReading[]): Promise<number> {
  const inserted = await db('telemetry_readings')
    .insert(
      readings.map((r) => ({
        reading_id: r.readingId,
        customer_id: r.customerId,
        metric: r.metric,
        value: r.value,
        measured_at: r.measuredAt,
      })),
    )
    .onConflict('reading_id')
    .ignore()
    .returning('reading_id');
  return inserted.length;
}

/** The open engagements watching any of these customers. */
export const openEngagementsOf = (db: Knex, customerIds: readonly string[]): Promise<{ id: string; customer_id: string }[]> =>
  db('engagements').whereIn('customer_id', customerIds).where({ state: 'active' }).select('id', 'customer_id');

// LCI-1: the catalogue of use cases, data that ops maintain. A replace bumps the version; a retire hides
// the use case from new engagements without deleting it (engagements and their payments reference it).
const TABLE = 'use_cases';

export interface CatalogueEntry extends UseCase {
  version: number;
  retiredAt: string | null;
}

interface Row {
  id: string;
  technology: string;
  name: string;
  phases: Phase[];
  version: number;
  retired_at: Date | null;
}

const toEntry = (r: Row): CatalogueEntry => ({
  id: r.id,
  technology: r.technology,
  name: r.name,
  phases: r.phases,
  version: r.version,
  retiredAt: r.retired_at?.toISOString() ?? null,
});

/** The use cases offered to new engagements. */
export async function currentUseCases(db: Knex): Promise<CatalogueEntry[]> {
  return (await db(TABLE).whereNull('retired_at').orderBy('id')).map(toEntry);
}

export async function findUseCase(db: Knex, id: string): Promise<CatalogueEntry | undefined> {
  const row = await db(TABLE).where({ id }).first();
  return row && toEntry(row);
}

/** Creates or replaces (and un-retires) a use case in one statement; says which it was. */
export async function putUseCase(db: Knex, useCase: UseCase, updatedBy: string): Promise<{ entry: CatalogueEntry; created: boolean }> {
  const row = {
    id: useCase.id,
    technology: useCase.technology,
    name: useCase.name,
    phases: JSON.stringify(useCase.phases),
    updated_by: updatedBy,
  };
  const [saved] = await db(TABLE)
    .insert(row)
    .onConflict('id')
    .merge({
      technology: row.technology,
      name: row.name,
      phases: row.phases,
      updated_by: updatedBy,
      updated_at: db.fn.now(),
      retired_at: null,
      version: db.raw('?? + 1', [`${TABLE}.version`]),
    })
    // xmax is 0 only on a freshly inserted row: the one way to tell insert from update in a single upsert.
    .returning(['*', db.raw('(xmax = 0) as created')]);
  return { entry: toEntry(saved), created: saved.created };
}

/** Retires a use case (again is a no-op); undefined when there is none. */
export async function retireUseCase(db: Knex, id: string, updatedBy: string): Promise<CatalogueEntry | undefined> {
  await db(TABLE).where({ id }).whereNull('retired_at').update({ retired_at: db.fn.now(), updated_by: updatedBy, updated_at: db.fn.now() });
  return findUseCase(db, id);
}
