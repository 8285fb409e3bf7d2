import { reassignAccountManager } from '../../db/loyaltyManagers';
import { actorFrom } from '../auth';
import { notFound } from '../errors';
import { route } from '../route';
import { accountManagerAssignedSchema, accountManagerSchema } from '../schemas/audit';
import { accountIdParam } from '../schemas/loyalty';

// ALL-3: an account is managed by the Account Manager who nominated it, until ops hand it to another.
const reassign = route({
  method: 'put',
  path: '/v1/accounts/{id}/account-manager',
  roles: ['ops'],
  summary: 'Ops hand an account to another Account Manager, who alone (with ops) acts on it from now on; audited (ALL-3)',
  request: { params: accountIdParam, body: accountManagerSchema },
  responses: { 200: { description: 'Reassigned', schema: accountManagerAssignedSchema } },
  errors: { 404: 'No such account' },
  handler: async ({ params: { id }, body: { amId }, req }, { db }) => {
    const done = await reassignAccountManager(db, id, amId, actorFrom(req));
    if (!done) throw notFound(`Account ${id}`);
    return { status: 200, body: { accountId: id, accountManagerId: amId, previous: done.before } };
  },
});

export const managerRoutes = [reassign];
