import { Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import { recordAudit, type AuditEntry } from '../db/audit';

// Issue 24: a change a workflow holds is audited by the activity that writes it, in the same transaction,
// so the change and its record are one fact. The row's key is the activity's own (workflow, run, activity
// id): a retried attempt, or one whose completion was lost after its commit, records nothing twice.

function attemptKey(): string | undefined {
  try {
    const { workflowExecution: run, activityId } = Context.current().info;
    return run ? `${run.workflowId}/${run.runId}/${activityId}` : undefined;
  } catch {
    return undefined; // called outside an activity (a test calling it directly): no retry to guard against
  }
}

/** Records the entry the workflow carried, if any, in the transaction of the change. */
export async function recordCarriedAudit(trx: Knex | Knex.Transaction, entry: AuditEntry | undefined): Promise<void> {
  if (entry) await recordAudit(trx, { ...entry, key: entry.key ?? attemptKey() });
}

/** The change and the audit entry the workflow carried, in one transaction. */
export function changeAudited<T>(db: Knex, audit: AuditEntry | undefined, change: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (trx) => {
    const result = await change(trx);
    await recordCarriedAudit(trx, audit);
    return result;
  });
}
