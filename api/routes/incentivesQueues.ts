import { addDays } from '../../domain/calendar';
import { activeEngagements, engagementsOfPartner } from '../../db/incentivesQueues';
import { engagementStateQuery, incentiveWorkflowId } from '../../workflows/incentivesDefinitions';
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

const nearItem = z.object({
  id: z.string(),
  partnerId: z.string(),
  customerId: z.string(),
  phase: z.string(),
  deadline: z.string(),
  ...linkFields,
});

// The phase deadline lives in each engagement's workflow (LCI-4), not in the read model: a page of active
// engagements is read from Postgres and each one's deadline asked of its workflow.
const nearExpiry = route({
  method: 'get',
  path: '/v1/queues/engagements-near-expiry',
  roles: ['ops'],
  summary:
    'Of a page of active engagements (by id), those whose current phase expires within 30 days, soonest first, from their workflows (LCI-4)',
  request: { query: pageQuery },
  responses: {
    200: {
      description: 'The engagements near expiry in this page',
      schema: pageOf('engagements', nearItem).openapi('EngagementsNearExpiry'),
    },
  },
  handler: async ({ query }, deps) => {
    const horizon = addDays(deps.today(), 30);
    const rows = await activeEngagements(deps.db, query);
    const states = await Promise.all(
      rows.map((r) => deps.temporal.workflow.getHandle(incentiveWorkflowId(r.id)).query(engagementStateQuery)),
    );
    const engagements = rows
      .map((r, i) => ({ r, s: states[i]! }))
      .filter(({ s }) => s.state === 'active' && s.deadline <= horizon)
      .sort((a, b) => a.s.deadline.localeCompare(b.s.deadline))
      .map(({ r, s }) => ({
        ...r,
        phase: s.useCase.phases[s.phaseIndex]?.name ?? '',
        deadline: s.deadline,
        ...workflowLink(deps, incentiveWorkflowId(r.id)),
      }));
    return { status: 200, body: { engagements, ...query } };
  },
});

export const incentivesQueueRoutes = [mine, nearExpiry];
