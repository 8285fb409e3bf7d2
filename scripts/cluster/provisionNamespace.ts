import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureSearchAttributes } from '../../worker/searchAttributes';
import { waitUntil } from '../services/child';

const NOT_FOUND = 5;

export interface ProvisionReport {
  done: string[];
  /** What this connection was not allowed or able to do, with what to do instead. */
  notDone: string[];
}

const why = (err: unknown) => (err as Error).message ?? String(err);

/**
 * Makes `namespace` exist with `retentionDays` and the workflows' search attributes. Each step that
 * the cluster refuses (Temporal Cloud creates namespaces and sets retention in its console or tcld) is
 * reported, not thrown, so one run says everything still to do.
 */
export async function provisionNamespace(connection: Connection, namespace: string, retentionDays: number): Promise<ProvisionReport> {
  const report: ProvisionReport = { done: [], notDone: [] };
  const retention = msToTs(`${retentionDays} days`);
  const service = connection.workflowService;
  const existing = await service.describeNamespace({ namespace }).catch((err: { code?: number }) => {
    if (err.code === NOT_FOUND) return undefined;
    throw err;
  });
  if (!existing) {
    try {
      await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: retention });
      report.done.push(`namespace ${namespace} created (retention ${retentionDays} days)`);
    } catch (err) {
      report.notDone.push(`create namespace ${namespace} (${why(err)}): on Temporal Cloud, create it in the console or with tcld`);
      return report;
    }
  } else if (Number(existing.config?.workflowExecutionRetentionTtl?.seconds ?? 0) !== Number(retention.seconds)) {
    try {
      await service.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: retention } });
      report.done.push(`namespace ${namespace}: retention set to ${retentionDays} days`);
    } catch (err) {
      report.notDone.push(`set retention of ${namespace} to ${retentionDays} days (${why(err)}): set it in the console or with tcld`);
    }
  } else report.done.push(`namespace ${namespace} exists (retention ${retentionDays} days)`);
  // A new namespace reaches the frontends' caches within their refresh interval (~10 s).
  await waitUntil(`namespace ${namespace} served`, () => service.countWorkflowExecutions({ namespace }), 60_000);
  try {
    const added = await ensureSearchAttributes(connection, namespace);
    report.done.push(added.length ? `search attributes added: ${added.join(', ')}` : 'search attributes present');
  } catch (err) {
    report.notDone.push(
      `register search attributes (${why(err)}): on Temporal Cloud, add them in the console or with tcld namespace search-attributes add`,
    );
  }
  return report;
}
