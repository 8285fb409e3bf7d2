import type { Knex } from 'knex';

// Who did what: one append-only row per change (actor, time, what it was before and after), written in the
// same transaction as the change wherever the change is a Postgres write; a trigger refuses UPDATE and DELETE.

export const AUDIT_EVENTS = 'audit_events';

export type AuditEntityType = 'account' | 'tier-table' | 'terms-version' | 'use-case' | 'extension-request' | 'certification';

export interface AuditEntry {
  actor: string;
  /** What was done, e.g. `account.team-captain.replaced`. */
  action: string;
  entityType: AuditEntityType;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditEvent extends Required<Pick<AuditEntry, 'actor' | 'action' | 'entityType' | 'entityId'>> {
  id: number;
  at: string;
  before: unknown;
  after: unknown;
}

interface AuditRecord {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entity_type: AuditEntityType;
  entity_id: string;
  before: unknown;
  after: unknown;
}

// jsonb: null stays SQL NULL ("nothing before"), anything else its JSON.
const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/** Appends one event; pass the transaction of the change it records. */
export async function recordAudit(db: Knex | Knex.Transaction, e: AuditEntry): Promise<void> {
  await db(AUDIT_EVENTS).insert({
    actor: e.actor,
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId,
    before: json(e.before),
    after: json(e.after),
  });
}

const toEvent = (r: AuditRecord): AuditEvent => ({
  id: Number(r.id),
  at: r.at.toISOString(),
  actor: r.actor,
  action: r.action,
  entityType: r.entity_type,
  entityId: r.entity_id,
  before: r.before,
  after: r.after,
});

/** A page of events, oldest first, optionally of one entity type or one entity. */
export async function auditEvents(
  db: Knex,
  filter: { entityType?: AuditEntityType; entityId?: string; actor?: string; limit: number; offset: number },
): Promise<AuditEvent[]> {
  const q = db<AuditRecord>(AUDIT_EVENTS).orderBy('id').limit(filter.limit).offset(filter.offset);
  if (filter.entityType) void q.where('entity_type', filter.entityType);
  if (filter.entityId) void q.where('entity_id', filter.entityId);
  if (filter.actor) void q.where('actor', filter.actor);
  return (await q).map(toEvent);
}
