import { WithStartWorkflowOperation } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { TokenHolder } from '../../config/env';
import { findPartner } from '../../db/certificationReads';
import { keepSuccessPlan, putUseCase, retireUseCase, storeReadings } from '../../db/incentives';
import {
  currentUseCases,
  engagementOwner,
  findUseCase,
  openEngagementCount,
  openEngagementFor,
  openEngagementsOf,
  payments,
} from '../../db/incentivesReads';
import { goalProgress, newestPerMetric, openEngagementRefusal, type Reading, type UseCase } from '../../domain/incentives';
import { incentiveEngagement } from '../../workflows/incentives';
import { engagementRecordedUpdate, engagementStateQuery, incentiveWorkflowId, readingsSignal } from '../../workflows/incentivesDefinitions';
import type { AppDeps } from '../app';
import { actorFrom } from '../auth';
import { conflict, forbidden, notFound, unavailable } from '../errors';
import { idempotencyKeyOf, mintId } from '../idempotency';
import { settleInParallel } from '../inParallel';
import { route } from '../route';
import * as s from '../schemas/incentives';

/** Signals in flight per telemetry batch: enough to hide Temporal's round trips, few enough not to flood it. */
const SIGNAL_CONCURRENCY = 32;

/** ALL-3: a partner sees and acts on its own engagements only. */
async function ownEngagement(db: AppDeps['db'], holder: TokenHolder, engagementId: string) {
  const row = await engagementOwner(db, engagementId);
  if (!row) throw notFound(`Engagement ${engagementId}`);
  if (holder.role === 'partner' && holder.partnerId !== row.partnerId) throw notFound(`Engagement ${engagementId}`);
}

/** The use case a new engagement copies: a later replace of it does not move the engagement's goalposts. */
async function offeredUseCase(db: AppDeps['db'], useCaseId: string): Promise<UseCase> {
  const entry = await findUseCase(db, useCaseId);
  if (!entry) throw notFound(`Use case ${useCaseId}`);
  if (entry.retiredAt) throw conflict(`Use case ${useCaseId} is retired`, [{ field: 'useCaseId', message: 'retired' }]);
  return { id: entry.id, technology: entry.technology, name: entry.name, version: entry.version, phases: entry.phases };
}

const open = route({
  method: 'post',
  path: '/v1/engagements',
  roles: ['partner', 'ops'],
  summary: 'A partner opens an engagement for a customer and a use case, one open at a time; ops name the partner (LCI-1, LCI-5)',
  request: { body: s.engagementSchema },
  responses: { 201: { description: 'Opened; its workflow runs', schema: s.engagementCreatedSchema, location: '/v1/engagements/{id}' } },
  errors: {
    404: 'No such partner or use case',
    409: 'The use case is retired, or an engagement of this partner, customer and use case is open (LCI-5), named in the answer',
  },
  idempotent: true,
  handler: async ({ body, holder, req }, { temporal, db, config }) => {
    const partnerId = holder.role === 'partner' ? holder.partnerId : body.partnerId;
    if (!partnerId) throw forbidden('ops name the partner');
    if (holder.role === 'partner' && body.partnerId && body.partnerId !== partnerId)
      throw forbidden('A partner opens engagements for itself');
    const partner = await findPartner(db, partnerId);
    if (!partner) throw notFound(`Partner ${partnerId}`);
    const useCase = await offeredUseCase(db, body.useCaseId);
    const engagementId = mintId('EN', holder, req);
    // LCI-5: one open at a time, refused here before anything starts; two requests at once that both pass
    // this check are told apart by the engagement's own record (the loser's update refuses the same way).
    const key = { partnerId, customerId: body.customerId, useCaseId: useCase.id };
    const openId = await openEngagementFor(db, key);
    if (openId && openId !== engagementId) {
      const { message, fields } = openEngagementRefusal(openId, key);
      throw conflict(message, fields);
    }
    const start = new WithStartWorkflowOperation(incentiveEngagement, {
      workflowId: incentiveWorkflowId(engagementId),
      taskQueue: config.taskQueue,
      // ALL-4: a keyed retry whose first attempt died after starting the engagement finds it.
      workflowIdConflictPolicy: idempotencyKeyOf(req) ? 'USE_EXISTING' : 'FAIL',
      args: [
        {
          engagementId,
          partnerId,
          customerId: body.customerId,
          partnerEmail: partner.email,
          useCase,
          phaseMonths: config.incentivePhaseMonths,
          openedBy: actorFrom(req),
        },
      ],
    });
    await temporal.workflow.executeUpdateWithStart(engagementRecordedUpdate, { startWorkflowOperation: start });
    return { status: 201, body: { engagementId, workflowId: incentiveWorkflowId(engagementId) }, location: { id: engagementId } };
  },
});

const read = route({
  method: 'get',
  path: '/v1/engagements/{id}',
  roles: ['ops', 'partner'],
  summary: "An engagement's phase and progress against each goal, from its workflow (ALL-3)",
  request: { params: s.idParam },
  responses: { 200: { description: 'The engagement', schema: s.engagementStateSchema } },
  errors: { 404: 'No such engagement' },
  handler: async ({ params: { id }, holder }, { temporal, db }) => {
    await ownEngagement(db, holder, id);
    const state = await temporal.workflow.getHandle(incentiveWorkflowId(id)).query(engagementStateQuery);
    const phase = state.useCase.phases[state.phaseIndex];
    const active = state.state === 'active';
    return {
      status: 200,
      body: { ...state, phase: active ? phase?.name : state.state, progress: active && phase ? goalProgress(phase, state.latest) : [] },
    };
  },
});

const successPlan = route({
  method: 'post',
  path: '/v1/engagements/{id}/success-plan',
  roles: ['partner'],
  summary: 'Attach a Customer Success Plan: kept, never required (LCI-3)',
  request: { params: s.idParam, body: s.successPlanSchema },
  responses: { 201: { description: 'Kept', schema: s.successPlanKeptSchema } },
  errors: { 404: 'No such engagement' },
  idempotent: true,
  handler: async ({ params: { id }, body: { document }, holder, req }, { db }) => {
    await ownEngagement(db, holder, id);
    await keepSuccessPlan(db, id, document, actorFrom(req));
    return { status: 201, body: { engagementId: id, kept: true as const } };
  },
});

/** The newest reading of each metric, by customer: what one signal tells each engagement watching it. */
function newestByCustomer(readings: readonly (Reading & { customerId: string })[]): Map<string, Reading[]> {
  const byCustomer = new Map<string, Reading[]>();
  for (const r of readings) {
    const list = byCustomer.get(r.customerId) ?? byCustomer.set(r.customerId, []).get(r.customerId)!;
    list.push({ metric: r.metric, value: r.value, measuredAt: r.measuredAt });
  }
  return new Map([...byCustomer].map(([customerId, list]) => [customerId, newestPerMetric(list)]));
}

// LCI-2: readings are stored once (a resent reading id is ignored) and delivered to the open engagements
// watching each customer. Resent readings are delivered again, harmlessly (the newest per metric wins),
// so a batch that got a 503 because some engagement could not be told reaches it when the sender retries.
const telemetry = route({
  method: 'post',
  path: '/v1/telemetry',
  roles: ['telemetry'],
  summary: 'A batch of readings, stored once and signalled to the engagements watching each customer (LCI-2)',
  request: { body: s.telemetrySchema },
  responses: { 202: { description: 'Stored and delivered', schema: s.telemetryAcceptedSchema } },
  handler: async ({ body, req }, { temporal, db }) => {
    // One format for every time (milliseconds, Z), so comparing the strings compares the instants.
    const readings = body.readings.map((r) => ({ ...r, measuredAt: new Date(r.measuredAt).toISOString() }));
    const accepted = await storeReadings(db, readings);
    const newest = newestByCustomer(readings);
    const engagements = await openEngagementsOf(db, [...newest.keys()]);
    const failures = await settleInParallel(engagements, SIGNAL_CONCURRENCY, (e) =>
      temporal.workflow.getHandle(incentiveWorkflowId(e.id)).signal(readingsSignal, newest.get(e.customerId)!),
    );
    // An engagement that closed since the read model said "active" needs nothing more.
    const undelivered = failures.filter((f) => !(f.error instanceof WorkflowNotFoundError));
    if (undelivered.length) {
      req.log.warn({ err: undelivered[0]!.error, engagements: undelivered.length }, 'telemetry not delivered');
      throw unavailable(
        'Some engagements could not be told; send the batch again',
        undelivered.map((f) => ({ field: 'engagement', message: f.item.id })),
      );
    }
    const body202 = { accepted, duplicates: readings.length - accepted, engagementsSignalled: engagements.length - failures.length };
    return { status: 202, body: body202 };
  },
});

const paymentsRoute = route({
  method: 'get',
  path: '/v1/payments',
  roles: ['ops', 'partner'],
  summary: 'Phase payments approved (ops: all; a partner: its own; LCI-2)',
  request: { query: s.listQuery },
  responses: { 200: { description: 'The payments, oldest first', schema: s.paymentsSchema } },
  handler: async ({ holder, query: page }, { db }) => ({
    status: 200,
    body: { payments: await payments(db, holder.role === 'partner' ? holder.partnerId : undefined, page), ...page },
  }),
});

// LCI-1: the catalogue is data that ops maintain. A new engagement copies its use case into its workflow,
// so replacing or retiring one changes only engagements opened afterwards (the answer says how many run on).
const catalogue = route({
  method: 'get',
  path: '/v1/catalogue',
  roles: ['ops', 'partner'],
  summary: 'The use cases offered to new engagements, with phases, goals and payments (LCI-1)',
  request: { query: s.listQuery },
  responses: { 200: { description: 'The catalogue', schema: s.catalogueSchema } },
  handler: async ({ query: page }, { db }) => ({ status: 200, body: { useCases: await currentUseCases(db, page), ...page } }),
});

const readUseCase = route({
  method: 'get',
  path: '/v1/catalogue/use-cases/{id}',
  roles: ['ops', 'partner'],
  summary: 'One use case, retired or not (LCI-1)',
  request: { params: s.idParam },
  responses: { 200: { description: 'The use case and its version', schema: s.catalogueEntrySchema } },
  errors: { 404: 'No such use case' },
  handler: async ({ params: { id } }, { db }) => {
    const useCase = await findUseCase(db, id);
    if (!useCase) throw notFound(`Use case ${id}`);
    return { status: 200, body: useCase };
  },
});

const putUseCaseRoute = route({
  method: 'put',
  path: '/v1/catalogue/use-cases/{id}',
  roles: ['ops'],
  summary: 'Create or replace a use case; open engagements keep the phases they started with (LCI-1)',
  request: { params: s.idParam, body: s.useCaseSchema },
  responses: {
    200: { description: 'Replaced: a new version', schema: s.catalogueChangeSchema },
    201: { description: 'Created', schema: s.catalogueChangeSchema },
  },
  handler: async ({ params: { id }, body, req }, { db }) => {
    const { entry, created } = await putUseCase(db, { id, ...body }, actorFrom(req));
    return { status: created ? 201 : 200, body: { ...entry, openEngagements: created ? 0 : await openEngagementCount(db, id) } };
  },
});

// Retired, not deleted: engagements and payments reference the use case, and running ones go on.
const retire = route({
  method: 'delete',
  path: '/v1/catalogue/use-cases/{id}',
  roles: ['ops'],
  summary: 'Retire a use case: no new engagements; open ones go on (LCI-1)',
  request: { params: s.idParam },
  responses: { 200: { description: 'Retired', schema: s.catalogueChangeSchema } },
  errors: { 404: 'No such use case' },
  handler: async ({ params: { id }, req }, { db }) => {
    const entry = await retireUseCase(db, id, actorFrom(req));
    if (!entry) throw notFound(`Use case ${id}`);
    return { status: 200, body: { ...entry, openEngagements: await openEngagementCount(db, id) } };
  },
});

export const incentivesRoutes = [catalogue, readUseCase, putUseCaseRoute, retire, open, read, successPlan, telemetry, paymentsRoute];
