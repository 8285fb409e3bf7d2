import type { Knex } from 'knex';
import { recordAudit, type AuditActor } from './audit';
import type { IsoDate } from '../domain/calendar';
import type { UseCase } from '../domain/incentives';
import { findUseCase, openEngagementFor, toEntry, type CatalogueEntry, type UseCaseRecord } from './incentivesReads';

export const USE_CASES = 'use_cases';
export const ENGAGEMENTS = 'engagements';
export const PAYMENTS = 'incentive_payments';
export const READINGS = 'telemetry_readings';

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
  const inserted = await db(READINGS)
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

// LCI-1: the catalogue of use cases, data that ops maintain. A replace bumps the version; a retire hides
// the use case from new engagements without deleting it (engagements and their payments reference it).

/** Creates or replaces (and un-retires) a use case in one statement; says which it was; audited in the same transaction. */
export async function putUseCase(db: Knex, useCase: UseCase, by: AuditActor): Promise<{ entry: CatalogueEntry; created: boolean }> {
  const row = {
    id: useCase.id,
    technology: useCase.technology,
    name: useCase.name,
    phases: JSON.stringify(useCase.phases),
    updated_by: by.actor,
  };
  return db.transaction(async (trx) => {
    const before = await findUseCase(trx, useCase.id);
    const [saved] = await trx(USE_CASES)
      .insert(row)
      .onConflict('id')
      .merge({
        technology: row.technology,
        name: row.name,
        phases: row.phases,
        updated_by: by.actor,
        updated_at: trx.fn.now(),
        retired_at: null,
        version: trx.raw('?? + 1', [`${USE_CASES}.version`]),
      })
      // xmax is 0 only on a freshly inserted row: the one way to tell insert from update in a single upsert.
      .returning<(UseCaseRecord & { created: boolean })[]>(['*', trx.raw('(xmax = 0) as created')]);
    const entry = toEntry(saved!);
    await recordAudit(trx, {
      actor: by.actor,
      actorName: by.name,
      action: 'use-case.put',
      entityType: 'use-case',
      entityId: useCase.id,
      before,
      after: entry,
    });
    return { entry, created: saved!.created };
  });
}

/** Retires a use case (again is a no-op, and records nothing); undefined when there is none. */
export async function retireUseCase(db: Knex, id: string, by: AuditActor): Promise<CatalogueEntry | undefined> {
  return db.transaction(async (trx) => {
    const before = await findUseCase(trx, id);
    const retired = await trx(USE_CASES)
      .where({ id })
      .whereNull('retired_at')
      .update({ retired_at: trx.fn.now(), updated_by: by.actor, updated_at: trx.fn.now() });
    const after = await findUseCase(trx, id);
    if (retired > 0)
      await recordAudit(trx, {
        actor: by.actor,
        actorName: by.name,
        action: 'use-case.retired',
        entityType: 'use-case',
        entityId: id,
        before,
        after,
      });
    return after;
  });
}

export const SUCCESS_PLANS = 'success_plans';

/**
 * LCI-3: the engagement's Customer Success Plan, never required, kept as a new version (never overwritten;
 * migration 018), audited in the same transaction (issue 24). The engagement row is locked so two plans
 * kept at once get versions one after the other. Returns the version.
 */
export async function keepSuccessPlan(db: Knex, engagementId: string, document: string, by: AuditActor): Promise<number> {
  return db.transaction(async (trx) => {
    await trx(ENGAGEMENTS).where({ id: engagementId }).forUpdate().first('id');
    const latest = await trx(SUCCESS_PLANS).where({ engagement_id: engagementId }).max('version as version').first();
    const version = Number(latest?.version ?? 0) + 1;
    await trx(SUCCESS_PLANS).insert({ engagement_id: engagementId, version, document, kept_by: by.actor });
    await recordAudit(trx, {
      actor: by.actor,
      actorName: by.name,
      action: 'engagement.success-plan.kept',
      entityType: 'engagement',
      entityId: engagementId,
      after: { version, document },
    });
    return version;
  });
}

/**
 * LCI-1: an engagement's read-model row, written once by its workflow. LCI-5: only one engagement of a
 * partner, customer and use case is open at a time (a partial unique index, migration 014): when another
 * holds them, nothing is written and its id is returned; undefined when this one is recorded (now, or by
 * an earlier attempt).
 */
export async function insertEngagement(
  db: Knex,
  e: { engagementId: string; partnerId: string; customerId: string; useCaseId: string; phase: string },
): Promise<string | undefined> {
  const inserted = await db(ENGAGEMENTS)
    .insert({
      id: e.engagementId,
      partner_id: e.partnerId,
      customer_id: e.customerId,
      use_case_id: e.useCaseId,
      state: 'active',
      phase: e.phase,
    })
    // Either key: its own id (a retried attempt) or the open three (another engagement).
    .onConflict()
    .ignore()
    .returning('id');
  if (inserted.length > 0 || (await db(ENGAGEMENTS).where({ id: e.engagementId }).first('id'))) return undefined;
  const open = await openEngagementFor(db, e);
  // The one in the way closed between the insert and this read: a retry of the activity records this one.
  if (!open) throw new Error(`engagement ${e.engagementId}: the open engagement in its way has just closed; retrying`);
  return open;
}

/** LCI-2: a phase's payment, once per (engagement, phase), and the engagement moved to its next phase. */
export async function recordPayment(
  trx: Knex.Transaction,
  p: { engagementId: string; phaseIndex: number; phase: string; amountUsd: number; approvedOn: IsoDate; nextPhase: string | null },
): Promise<void> {
  await trx(PAYMENTS)
    .insert({
      engagement_id: p.engagementId,
      phase_index: p.phaseIndex,
      phase: p.phase,
      amount_usd: p.amountUsd,
      approved_on: p.approvedOn,
    })
    .onConflict(['engagement_id', 'phase_index'])
    .ignore();
  await setEngagementState(
    trx,
    p.engagementId,
    p.nextPhase ? { state: 'active', phase: p.nextPhase } : { state: 'completed', phase: null },
  );
}

export async function setEngagementState(
  db: Knex | Knex.Transaction,
  engagementId: string,
  to: { state: 'active' | 'completed' | 'expired'; phase?: string | null },
) {
  await db(ENGAGEMENTS)
    .where({ id: engagementId })
    .update({ ...to, updated_at: db.fn.now() });
}
