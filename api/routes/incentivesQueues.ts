import { engagementsOfPartner } from '../../db/incentivesQueues';
import { incentiveWorkflowId } from '../../workflows/incentivesDefinitions';
import { route } from '../route';
import { pageOf, pageQuery, z } from '../schemas/common';
import { linkFields, workflowLink } from './sharedQueues';

// LCI-2: a partner's own engagements with their phase and what has been paid.

const engagementItem = z.object({
  id: z.string(),
  partnerId: z.string(),
  customerId: z.string(),
  useCaseId: z.string(),
  state: z.enum(['active', 'completed', 'expired']),
  phase: z.string().nullable(),
  paidUsd: z.number().int(),
  ...linkFields,
});

const mine = route({
  method: 'get',
  path: '/v1/my/engagements',
  roles: ['partner'],
  summary: "A partner's own incentive engagements, their current phase and payments so far (LCI-2; ALL-3)",
  request: { query: pageQuery },
  responses: { 200: { description: 'A page of engagements', schema: pageOf('engagements', engagementItem).openapi('EngagementQueue') } },
  handler: async ({ query, holder }, deps) => {
    const partnerId = holder.role === 'partner' ? holder.partnerId : '';
    const rows = await engagementsOfPartner(deps.db, partnerId, query);
    const engagements = rows.map((r) => ({ ...r, ...workflowLink(deps, incentiveWorkflowId(r.id)) }));
    return { status: 200, body: { engagements, ...query } };
  },
});

export const incentivesQueueRoutes = [mine];
