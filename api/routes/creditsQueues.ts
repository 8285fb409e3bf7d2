import { addDays } from '../../domain/calendar';
import { captainRedemptions, extensionsEnding, holdsReleasing, openExtensionRequests } from '../../db/creditsQueues';
import { creditLotWorkflowId } from '../../workflows/creditsDefinitions';
import { loyaltyWorkflowId } from '../../workflows/loyaltyDefinitions';
import type { TokenHolder } from '../../config/env';
import type { AppDeps } from '../app';
import { route } from '../route';
import { pageOf, pageQuery, z } from '../schemas/common';
import { linkFields, workflowLink } from './sharedQueues';

// CLC-4, CLC-6: the Learning Credit lists of the portal: a captain's redemptions, and ops' queues.

const redemptionItem = z.object({
  id: z.string(),
  accountId: z.string().nullable(),
  kind: z.string(),
  credits: z.number().int(),
  status: z.enum(['pending', 'approved', 'rejected', 'expired']),
  requestedOn: z.string(),
  requestedBy: z.string(),
  holdUntil: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedOn: z.string().nullable(),
  ...linkFields,
});
const redemptionPage = pageOf('redemptions', redemptionItem).openapi('RedemptionQueue');

const captainOf = (holder: TokenHolder) => (holder.role === 'team-captain' ? holder.ccoId : '');

const myRedemptions = route({
  method: 'get',
  path: '/v1/my/redemptions',
  roles: ['team-captain'],
  summary: "A Team Captain's redemptions: those waiting for a decision, or the history (CLC-6; ALL-3: own accounts only)",
  request: { query: pageQuery.extend({ view: z.enum(['waiting', 'history']).default('waiting') }) },
  responses: { 200: { description: 'A page of redemptions', schema: redemptionPage } },
  handler: async ({ query, holder }, deps) => {
    const rows = await captainRedemptions(deps.db, captainOf(holder), query.view === 'waiting', query);
    const redemptions = rows.map((r) => ({ ...r, ...workflowLink(deps, loyaltyWorkflowId(r.accountId)) }));
    return { status: 200, body: { redemptions, limit: query.limit, offset: query.offset } };
  },
});

const holdsWeek = route({
  method: 'get',
  path: '/v1/queues/holds-releasing',
  roles: ['ops'],
  summary: 'Held redemptions whose 45-day hold runs out within the next 7 days (CLC-6)',
  request: { query: pageQuery },
  responses: { 200: { description: 'A page of redemptions', schema: redemptionPage } },
  handler: async ({ query }, deps) => {
    const today = deps.today();
    const rows = await holdsReleasing(deps.db, today, addDays(today, 7), query);
    const redemptions = rows.map((r) => ({ ...r, ...workflowLink(deps, loyaltyWorkflowId(r.accountId)) }));
    return { status: 200, body: { redemptions, limit: query.limit, offset: query.offset } };
  },
});

const extensionItem = z.object({
  id: z.string(),
  lotId: z.string(),
  accountId: z.string().nullable(),
  ownerName: z.string(),
  usagePlan: z.string(),
  requestedBy: z.string(),
  requestedOn: z.string(),
  expiresOn: z.string(),
  balance: z.number().int(),
  ...linkFields,
});

const lotLink = (deps: AppDeps, lotId: string) => workflowLink(deps, creditLotWorkflowId(lotId));

const openReissues = route({
  method: 'get',
  path: '/v1/queues/extension-requests',
  roles: ['ops'],
  summary: 'Open reissue (extension) requests for ops to decide, oldest first, with the lot left and its expiry (CLC-4)',
  request: { query: pageQuery },
  responses: { 200: { description: 'A page of requests', schema: pageOf('extensionRequests', extensionItem).openapi('ExtensionQueue') } },
  handler: async ({ query }, deps) => {
    const rows = await openExtensionRequests(deps.db, query);
    const extensionRequests = rows.map((r) => ({ ...r, ...lotLink(deps, r.lotId) }));
    return { status: 200, body: { extensionRequests, limit: query.limit, offset: query.offset } };
  },
});

const endingItem = z.object({
  lotId: z.string(),
  accountId: z.string().nullable(),
  ownerName: z.string(),
  extendedTo: z.string(),
  balance: z.number().int(),
  ...linkFields,
});

const endingExtensions = route({
  method: 'get',
  path: '/v1/queues/extensions-ending',
  roles: ['ops'],
  summary: 'Extended lots whose extension ends within the next 30 days, soonest first (CLC-4)',
  request: { query: pageQuery },
  responses: { 200: { description: 'A page of lots', schema: pageOf('lots', endingItem).openapi('ExtensionsEnding') } },
  handler: async ({ query }, deps) => {
    const today = deps.today();
    const rows = await extensionsEnding(deps.db, today, addDays(today, 30), query);
    return {
      status: 200,
      body: { lots: rows.map((r) => ({ ...r, ...lotLink(deps, r.lotId) })), limit: query.limit, offset: query.offset },
    };
  },
});

export const creditsQueueRoutes = [myRedemptions, holdsWeek, openReissues, endingExtensions];
