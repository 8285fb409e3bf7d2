// What the portal's lists share: each entity's link to its workflow in the Temporal Web UI, so ops can open
// the history behind any row.
import type { AppDeps } from '../app';
import { z } from '../schemas/common';

export const linkFields = { workflowId: z.string(), workflowUrl: z.string().nullable() };

/** TEMPORAL_UI_URL + /namespaces/<ns>/workflows/<id>, or null where no Web UI is configured. */
export function workflowLink(deps: AppDeps, workflowId: string) {
  const { temporalUiUrl, temporalNamespace } = deps.config;
  const workflowUrl = temporalUiUrl
    ? `${temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(temporalNamespace ?? 'default')}/workflows/${encodeURIComponent(workflowId)}`
    : null;
  return { workflowId, workflowUrl };
}
