// What the portal's lists share: the caller's identity (/v1/me) and each entity's link to its workflow in
// the Temporal Web UI, so ops can open the history behind any row.
import type { AppDeps } from '../app';
import { route } from '../route';
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

const meSchema = z
  .object({
    role: z.enum(['team-captain', 'partner', 'account-manager', 'ops', 'telemetry']),
    name: z.string(),
    email: z.string().optional(),
    ccoId: z.string().optional(),
    partnerId: z.string().optional(),
    amId: z.string().optional(),
    csrfToken: z.string(),
  })
  .openapi('Me');

// The contract's /v1/me for bearer callers; the sign-in branch (auth13) answers the same shape for sessions too.
const me = route({
  method: 'get',
  path: '/v1/me',
  roles: ['team-captain', 'partner', 'account-manager', 'ops', 'telemetry'],
  summary: 'Who is calling: role, name and the ids of what is theirs',
  request: {},
  responses: { 200: { description: 'The caller', schema: meSchema } },
  handler: async ({ holder }) => {
    const h = holder as Record<string, unknown>;
    const str = (k: string) => (typeof h[k] === 'string' ? { [k]: h[k] as string } : {});
    const name = (h.name as string | undefined) ?? (h.ccoId as string | undefined) ?? (h.partnerId as string | undefined) ?? holder.role;
    return { status: 200, body: { role: holder.role, name, ...str('ccoId'), ...str('partnerId'), ...str('amId'), csrfToken: '' } };
  },
});

export const sharedQueueRoutes = [me];
