// Issue 24: the audit entry of a change to a loyalty account, built in the workflow (which knows the state
// before and after) and written by the activity that records the change, in its transaction.
import type { AuditActor, AuditEntry } from '../db/audit';

export type { AuditActor } from '../db/audit';

/** `account.<what>` by `by`, moving `before` to `after`; none when no one is named (a message from before). */
export function accountAudit(
  accountId: string,
  by: AuditActor | undefined,
  what: string,
  before: unknown,
  after: unknown,
): AuditEntry | undefined {
  return by
    ? { actor: by.actor, actorName: by.name, action: `account.${what}`, entityType: 'account', entityId: accountId, before, after }
    : undefined;
}
