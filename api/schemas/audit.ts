// Who manages which account and who did what (ALL-3): the reassignment of an account and the audit record.
import { pageOf, pageQuery, z } from './common';

export const auditEntityTypes = [
  'account',
  'tier-table',
  'terms-version',
  'use-case',
  'extension-request',
  'certification',
  'lot',
  'redemption',
  'partner',
  'engagement',
] as const;

export const auditQuery = pageQuery.extend({
  entityType: z.enum(auditEntityTypes).optional(),
  entityId: z.string().min(1).max(100).optional(),
  actor: z.string().min(1).max(200).optional(),
});

export const auditEventSchema = z
  .object({
    id: z.number().int(),
    at: z.string().openapi({ format: 'date-time' }),
    actor: z.string().openapi({ description: 'Who acted, as a stable subject: `ops:<subject>`, `account-manager:<amId>`, …' }),
    actorName: z.string().nullable().openapi({ description: 'The display name beside it (null in rows from before)' }),
    action: z.string(),
    entityType: z.enum(auditEntityTypes),
    entityId: z.string(),
    before: z.unknown().openapi({ description: 'What the change moved, as it was (null: nothing before)' }),
    after: z.unknown().openapi({ description: 'What the change moved, as it is now' }),
  })
  .openapi('AuditEvent');

export const auditPageSchema = pageOf('events', auditEventSchema).openapi('AuditEvents');

export const accountManagerSchema = z
  .object({ amId: z.string().min(1).max(100).openapi({ description: "The Account Manager's id, as in its token" }) })
  .openapi('AccountManagerAssignment');

export const accountManagerAssignedSchema = z
  .object({ accountId: z.string(), accountManagerId: z.string(), previous: z.string().nullable() })
  .openapi('AccountManagerAssigned');
