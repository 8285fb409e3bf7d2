import { failedNotices, type FailedNotice } from '../../db/notifications';
import { loyaltyWorkflowId } from '../../workflows/loyaltyDefinitions';
import type { AppDeps } from '../app';
import { route } from '../route';
import { pageOf, pageQuery, z } from '../schemas/common';
import { workflowLink } from './sharedQueues';

// Issue 24 finding 2 (ALL-2): the notices the mail server refused for good (a permanent 5xx), never retried;
// ops correct the address at its source and, where it matters, tell the reader another way.

const failedNoticeItem = z.object({
  key: z.string(),
  accountId: z.string().nullable(),
  kind: z.string(),
  recipient: z.string(),
  subject: z.string(),
  failure: z.string(),
  failedAt: z.string(),
  // The account's workflow, for an account's notice; null for one of no account (a partner's, a purchaser's).
  workflowId: z.string().nullable(),
  workflowUrl: z.string().nullable(),
});
const failedNoticePage = pageOf('notices', failedNoticeItem).openapi('FailedNoticeQueue');

const linked = (deps: AppDeps, n: FailedNotice) =>
  n.accountId ? { ...n, ...workflowLink(deps, loyaltyWorkflowId(n.accountId)) } : { ...n, workflowId: null, workflowUrl: null };

const failedNoticesRoute = route({
  method: 'get',
  path: '/v1/queues/failed-notices',
  roles: ['ops'],
  summary: 'Notices the mail server refused for good (a permanent SMTP 5xx), the latest first; never retried (ALL-2)',
  request: { query: pageQuery },
  responses: { 200: { description: 'A page of failed notices', schema: failedNoticePage } },
  handler: async ({ query }, deps) => {
    const notices = (await failedNotices(deps.db, query)).map((n) => linked(deps, n));
    return { status: 200, body: { notices, limit: query.limit, offset: query.offset } };
  },
});

export const noticeQueueRoutes = [failedNoticesRoute];
