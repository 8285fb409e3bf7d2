import type { Client } from '@temporalio/client';
import { extensionRequestsIn } from '../../db/creditsExtensionReads';
import { extensionRequestRow, lotRow } from '../../db/creditsReads';
import { creditLotWorkflowId, decideExtensionUpdate, requestExtensionUpdate } from '../../workflows/creditsDefinitions';
import type { AppDeps } from '../app';
import { actorFrom, actorOf } from '../auth';
import { notFound } from '../errors';
import { mintId } from '../idempotency';
import { route } from '../route';
import * as s from '../schemas/credits';
import { assertCaptainOf } from './creditsStatements';

// CLC-4: a lot's one extension: asked for by its owner, listed for ops while open, decided by ops in the
// lot's workflow.

export const lotHandle = (temporal: Client, lotId: string) => temporal.workflow.getHandle(creditLotWorkflowId(lotId));

export async function existingLot(db: AppDeps['db'], lotId: string) {
  const row = await lotRow(db, lotId);
  if (!row) throw notFound(`Lot ${lotId}`);
  return row;
}

const requestExtension = route({
  method: 'post',
  path: '/v1/lots/{id}/extension-requests',
  roles: ['ops', 'team-captain'],
  summary: 'Ask for the one six-month extension, with a usage plan (CLC-4)',
  request: { params: s.lotIdParam, body: s.extensionRequestSchema },
  responses: { 201: { description: 'Asked; ops decide', schema: s.extensionRequestedSchema } },
  errors: { 404: 'No such lot', 409: 'Already asked', 422: 'Outside the window' },
  idempotent: true,
  handler: async ({ params: { id }, body: { usagePlan }, holder, req }, { temporal, db }) => {
    await assertCaptainOf(db, holder, (await existingLot(db, id)).accountId, undefined, `Lot ${id}`);
    const requestId = mintId('XR', holder, req);
    // ALL-4: the update's id is the request's, so Temporal answers a keyed retry of one it accepted with its result.
    const by = actorOf(holder);
    await lotHandle(temporal, id).executeUpdate(requestExtensionUpdate, { args: [{ requestId, usagePlan, by }], updateId: requestId });
    return { status: 201, body: { requestId, lotId: id, status: 'pending' as const } };
  },
});

const listExtensions = route({
  method: 'get',
  path: '/v1/extension-requests',
  roles: ['ops'],
  summary: 'Ops list the extension requests, the open (pending) ones by default, oldest first (CLC-4)',
  request: { query: s.extensionListQuery },
  responses: { 200: { description: 'The requests', schema: s.extensionRequestsSchema } },
  handler: async ({ query: { status, ...page } }, { db }) => ({
    status: 200,
    body: { extensionRequests: await extensionRequestsIn(db, status, page), ...page },
  }),
});

const decideExtension = route({
  method: 'post',
  path: '/v1/extension-requests/{id}/decision',
  roles: ['ops'],
  summary: 'Ops approve or deny an extension (CLC-4)',
  request: { params: s.lotIdParam, body: s.decisionSchema },
  responses: { 200: { description: 'Decided; the lot as it is now', schema: s.extensionDecidedSchema } },
  errors: { 404: 'No such request', 409: 'Already decided' },
  handler: async ({ params: { id }, body: { approve }, holder, req }, { temporal, db }) => {
    const request = await extensionRequestRow(db, id);
    if (!request) throw notFound(`Extension request ${id}`);
    // Issue 24: who decided is carried in the update; the lot's activity audits the decision with it.
    const decision = { requestId: id, approve, by: actorOf(holder) };
    const lot = await lotHandle(temporal, request.lotId).executeUpdate(decideExtensionUpdate, { args: [decision, actorFrom(req)] });
    const { state, expiresOn, balance } = lot;
    return {
      status: 200,
      body: {
        requestId: id,
        status: approve ? ('approved' as const) : ('denied' as const),
        lot: { id: request.lotId, state, expiresOn, balance },
      },
    };
  },
});

export const extensionRoutes = [requestExtension, listExtensions, decideExtension];
