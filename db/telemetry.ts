import type { Knex } from 'knex';

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
    .insert(readings.map((r) => ({ reading_id: r.readingId, customer_id: r.customerId, metric: r.metric, value: r.value, measured_at: r.measuredAt })))
    .onConflict('reading_id')
    .ignore()
    .returning('reading_id');
  return inserted.length;
}

/** The open engagements watching any of these customers. */
export const openEngagementsOf = (db: Knex, customerIds: readonly string[]): Promise<{ id: string; customer_id: string }[]> =>
  db('engagements').whereIn('customer_id', customerIds).where({ state: 'active' }).select('id', 'customer_id');
