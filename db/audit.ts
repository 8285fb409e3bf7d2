import type { Knex } from 'knex';

// Who did what: one append-only row per change (actor, time, what it was before and after), written in the
// same transaction as the change: by the API where the change is its Postgres write, by the workflow's
// activity where a workflow holds the change (the actor carried in the update). A trigger refuses UPDATE
// and DELETE. Imported (types only) inside the workflow sandbox.

export const AUDIT_EVENTS = 'audit_events';

export type AuditEntityType =
  | 'account'
  | 'tier-table'
  | 'terms-version'
  | 'use-case'
  | 'extension-request'
  | 'certification'
  | 'lot'
  | 'redemption'
  | 'partner'
  | 'engagement';

/** Issue 24: who acted: a stable subject (`actorOf` in api/auth.ts) and, beside it, the display name. */
export interface AuditActor {
  actor: string;
  name: string;
}

export interface AuditEntry {
  /** The stable subject, e.g. `ops:<sub>`, `account-manager:<amId>`. */
  actor: string;
  /** The display name beside it, as the sign-in named the actor. */
  actorName?: string;
  /** What was done, e.g. `account.team-captain.replaced`. */
  action: string;
  entityType: AuditEntityType;
  entityId: string;
  before?: unknown;
  after?: unknown;
  /** Written by an activity: the same key from a retried attempt records nothing twice (ALL-2). */
  key?: string;
}

export interface AuditEvent extends Required<Pick<AuditEntry, 'actor' | 'action' | 'entityType' | 'entityId'>> {
  id: number;
  at: string;
  actorName: string | null;
  before: unknown;
  after: unknown;
}

interface AuditRecord {
  id: string;
  at: Date;
  actor: string;
  actor_name: string | null;
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
  const row = {
    actor: e.actor,
    actor_name: e.actorName ?? null,
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId,
    before: json(e.before),
    after: json(e.after),
    event_key: e.key ?? null,
  };
  if (e.key) await db(AUDIT_EVENTS).insert(row).onConflict('event_key').ignore();
  else await db(AUDIT_EVENTS).insert(row);
}

const toEvent = (r: AuditRecord): AuditEvent => ({
  id: Number(r.id),
  at: r.at.toISOString(),
  actor: r.actor,
  actorName: r.actor_name,
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
