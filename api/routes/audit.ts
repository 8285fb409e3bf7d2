import { auditEvents } from '../../db/audit';
import { route } from '../route';
import * as s from '../schemas/audit';

// Who did what: the append-only audit record, read by ops (ALL-3).
const readAudit = route({
  method: 'get',
  path: '/v1/audit',
  roles: ['ops'],
  summary: 'The audit record, oldest first: who changed what, when, before and after; filter by entity or actor (ALL-3)',
  request: { query: s.auditQuery },
  responses: { 200: { description: 'A page of audit events', schema: s.auditPageSchema } },
  handler: async ({ query }, { db }) => ({
    status: 200,
    body: { events: await auditEvents(db, query), limit: query.limit, offset: query.offset },
  }),
});

export const auditRoutes = [readAudit];
