import { accountsOfCaptain, bookingsMissing, nominationsWaiting, type AccountQueueRow } from '../../db/loyaltyQueues';
import { loyaltyWorkflowId } from '../../workflows/loyaltyDefinitions';
import type { AppDeps } from '../app';
import { route } from '../route';
import { pageOf, pageQuery, z } from '../schemas/common';
import { linkFields, workflowLink } from './sharedQueues';

// LOY-4, LOY-8: a Team Captain's own accounts, and the nominations whose terms still wait; LOY-6, LOY-11: the
// accounts whose tier waits for bookings.

const accountItem = z.object({
  id: z.string(),
  state: z.enum(['nominated', 'enrolled', 'lapsed', 'withdrawn']),
  tier: z.number().int().nullable(),
  captainName: z.string(),
  captainCcoId: z.string(),
  nominatedBy: z.string(),
  nominatedOn: z.string(),
  termsVersion: z.string(),
  nextAwardDate: z.string().nullable(),
  autoApproval: z.boolean(),
  ...linkFields,
});
const accountPage = pageOf('accounts', accountItem).openapi('AccountQueue');

const linked = (deps: AppDeps, rows: AccountQueueRow[]) => rows.map((r) => ({ ...r, ...workflowLink(deps, loyaltyWorkflowId(r.id)) }));

const myAccounts = route({
  method: 'get',
  path: '/v1/my/accounts',
  roles: ['team-captain'],
  summary: 'The accounts whose Team Captain the caller is now (ALL-3; LOY-8: a replaced captain has none of them)',
  request: { query: pageQuery },
  responses: { 200: { description: 'A page of accounts', schema: accountPage } },
  handler: async ({ query, holder }, deps) => {
    const ccoId = holder.role === 'team-captain' ? holder.ccoId : '';
    return { status: 200, body: { accounts: linked(deps, await accountsOfCaptain(deps.db, ccoId, query)), ...query } };
  },
});

const waitingForTerms = route({
  method: 'get',
  path: '/v1/queues/nominations-waiting',
  roles: ['ops', 'account-manager'],
  summary: "Nominated accounts whose Team Captain has not accepted the terms yet, oldest first (LOY-4; an Account Manager's own)",
  request: { query: pageQuery },
  responses: { 200: { description: 'A page of accounts', schema: accountPage } },
  handler: async ({ query, holder }, deps) => {
    const managedBy = holder.role === 'account-manager' ? holder.amId : undefined;
    return { status: 200, body: { accounts: linked(deps, await nominationsWaiting(deps.db, query, managedBy)), ...query } };
  },
});

const bookingsMissingPage = pageOf(
  'accounts',
  accountItem.extend({ missingBookings: z.array(z.number().int()), askedOn: z.string() }),
).openapi('BookingsMissingQueue');

const waitingForBookings = route({
  method: 'get',
  path: '/v1/queues/bookings-missing',
  roles: ['ops', 'account-manager'],
  summary:
    "Enrolled accounts whose tier and next award wait for fiscal years of bookings not on record, longest asked first (LOY-6, LOY-11; an Account Manager's own)",
  request: { query: pageQuery },
  responses: { 200: { description: 'A page of accounts', schema: bookingsMissingPage } },
  handler: async ({ query, holder }, deps) => {
    const managedBy = holder.role === 'account-manager' ? holder.amId : undefined;
    const rows = await bookingsMissing(deps.db, query, managedBy);
    return { status: 200, body: { accounts: rows.map((r) => ({ ...r, ...workflowLink(deps, loyaltyWorkflowId(r.id)) })), ...query } };
  },
});

export const loyaltyQueueRoutes = [myAccounts, waitingForTerms, waitingForBookings];
