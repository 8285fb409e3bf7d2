import { Router, type Request } from 'express';
import { currentUseCases, findUseCase, putUseCase, retireUseCase } from '../../db/incentives';
import { actorOf, allow, holderOf } from '../auth';
import { notFound, conflict, forbidden, unavailable } from '../errors';
import { idParam, useCaseSchema, engagementSchema, successPlanSchema, telemetrySchema } from '../schemas/incentives';
import { parse } from '../validate';
import type { AppDeps } from '../app';
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { openEngagementsOf, storeReadings } from '../../db/incentives';
import { goalProgress, newestPerMetric, type Reading, type UseCase } from '../../domain/incentives';
import { incentiveEngagement } from '../../workflows/incentives';
import { engagementRecordedUpdate, engagementStateQuery, incentiveWorkflowId, readingsSignal } from '../../workflows/incentivesDefinitions';
import { settleInParallel } from '../inParallel';
import { fromTemporal } from '../temporalErrors';

/** Signals in flight per telemetry batch: enough to hide Temporal's round trips, few enough not to flood it. */
const SIGNAL_CONCURRENCY = 32;

/** ALL-3: a partner sees and acts on its own engagements only. */
async function ownEngagement(req: Request, db: AppDeps['db'], engagementId: string) {
  const row = await db('engagements').where({ id: engagementId }).first('id', 'partner_id');
  if (!row) throw notFound(`Engagement ${engagementId}`);
  const holder = holderOf(req);
  if (holder.role === 'partner' && holder.partnerId !== row.partner_id) throw forbidden('This is not your engagement');
  return row;
}

export function incentiveRoutes({ temporal, db, config }: AppDeps): Router {
  const router = Router();

  // LCI-1: a partner opens an engagement for a customer and a use case (ops may for any partner).
  router.post('/v1/engagements', allow('partner', 'ops'), async (req, res) => {
    const body = parse(engagementSchema, req.body);
    const holder = holderOf(req);
    const partnerId = holder.role === 'partner' ? holder.partnerId : body.partnerId;
    if (!partnerId) throw forbidden('ops name the partner');
    if (holder.role === 'partner' && body.partnerId && body.partnerId !== partnerId)
      throw forbidden('A partner opens engagements for itself');
    const partner = await db('partners').where({ id: partnerId }).first('email');
    if (!partner) throw notFound(`Partner ${partnerId}`);
    const entry = await findUseCase(db, body.useCaseId);
    if (!entry) throw notFound(`Use case ${body.useCaseId}`);
    if (entry.retiredAt) throw conflict(`Use case ${body.useCaseId} is retired`, [{ field: 'useCaseId', message: 'retired' }]);
    // The engagement carries its own copy: a later replace of the use case does not move its goalposts.
    const useCase: UseCase = { id: entry.id, technology: entry.technology, name: entry.name, version: entry.version, phases: entry.phases };
    const engagementId = `EN-${randomUUID().slice(0, 12)}`;
    const start = new WithStartWorkflowOperation(incentiveEngagement, {
      workflowId: incentiveWorkflowId(engagementId),
      taskQueue: config.taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ engagementId, partnerId, customerId: body.customerId, partnerEmail: partner.email, useCase }],
    });
    try {
      await temporal.workflow.executeUpdateWithStart(engagementRecordedUpdate, { startWorkflowOperation: start });
    } catch (err) {
      throw fromTemporal(err, `Engagement ${engagementId}`);
    }
    res.status(201).json({ engagementId, workflowId: incentiveWorkflowId(engagementId) });
  });

  router.get('/v1/engagements/:id', allow('ops', 'partner'), async (req, res) => {
    const { id: engagementId } = parse(idParam, req.params);
    await ownEngagement(req, db, engagementId);
    const s = await temporal.workflow
      .getHandle(incentiveWorkflowId(engagementId))
      .query(engagementStateQuery)
      .catch((err) => Promise.reject(fromTemporal(err, `Engagement ${engagementId}`)));
    const phase = s.useCase.phases[s.phaseIndex];
    res.json({
      ...s,
      phase: s.state === 'active' ? phase?.name : s.state,
      progress: s.state === 'active' && phase ? goalProgress(phase, s.latest) : [],
    });
  });

  // LCI-3: a Customer Success Plan is kept with the engagement, never required.
  router.post('/v1/engagements/:id/success-plan', allow('partner'), async (req, res) => {
    const { id: engagementId } = parse(idParam, req.params);
    const { document } = parse(successPlanSchema, req.body);
    await ownEngagement(req, db, engagementId);
    await db('engagements').where({ id: engagementId }).update({ success_plan: document, updated_at: db.fn.now() });
    res.status(201).json({ engagementId, kept: true });
  });

  // LCI-2: readings are stored once (a resent reading id is ignored) and delivered to the open engagements
  // watching each customer: one signal per engagement per batch, carrying the newest reading of each metric.
  // Resent readings are delivered again, harmlessly (the newest per metric wins), so a batch that got a 503
  // because some engagement could not be told reaches it when the sender retries.
  router.post('/v1/telemetry', allow('telemetry'), async (req, res) => {
    // One format for every time (milliseconds, Z), so comparing the strings compares the instants.
    const readings = parse(telemetrySchema, req.body).readings.map((r) => ({ ...r, measuredAt: new Date(r.measuredAt).toISOString() }));
    const accepted = await storeReadings(db, readings);
    const byCustomer = new Map<string, Reading[]>();
    for (const r of readings) {
      const list = byCustomer.get(r.customerId) ?? byCustomer.set(r.customerId, []).get(r.customerId)!;
      list.push({ metric: r.metric, value: r.value, measuredAt: r.measuredAt });
    }
    const newest = new Map([...byCustomer].map(([customerId, list]) => [customerId, newestPerMetric(list)]));
    const engagements = await openEngagementsOf(db, [...byCustomer.keys()]);
    const failures = await settleInParallel(engagements, SIGNAL_CONCURRENCY, (e) =>
      temporal.workflow.getHandle(incentiveWorkflowId(e.id)).signal(readingsSignal, newest.get(e.customer_id)!),
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
    res.status(202).json({ accepted, duplicates: readings.length - accepted, engagementsSignalled: engagements.length - failures.length });
  });

  router.get('/v1/payments', allow('ops', 'partner'), async (req, res) => {
    const holder = holderOf(req);
    const q = db('incentive_payments as p')
      .join('engagements as e', 'e.id', 'p.engagement_id')
      .orderBy(['p.approved_on', 'p.engagement_id', 'p.phase_index'])
      .select(
        'p.engagement_id as engagementId',
        'e.partner_id as partnerId',
        'e.customer_id as customerId',
        'p.phase',
        'p.amount_usd as amountUsd',
        'p.approved_on as approvedOn',
      );
    if (holder.role === 'partner') q.where('e.partner_id', holder.partnerId);
    res.json({ payments: await q });
  });

  return router;
}

/**
 * LCI-1: the catalogue is data that ops maintain. A new engagement copies its use case into its workflow,
 * so replacing or retiring one changes only engagements opened afterwards: running ones keep the phases,
 * goals and payments they started with (the response says how many).
 */
export function catalogueRoutes({ db }: AppDeps): Router {
  const router = Router();
  const openEngagements = async (useCaseId: string) =>
    Number((await db('engagements').where({ use_case_id: useCaseId, state: 'active' }).count({ n: '*' }))[0]!.n);

  router.get('/v1/catalogue', allow('ops', 'partner'), async (_req, res) => {
    res.json({ useCases: await currentUseCases(db) });
  });

  router.get('/v1/catalogue/use-cases/:id', allow('ops', 'partner'), async (req, res) => {
    const { id } = parse(idParam, req.params);
    const useCase = await findUseCase(db, id);
    if (!useCase) throw notFound(`Use case ${id}`);
    res.json(useCase);
  });

  router.put('/v1/catalogue/use-cases/:id', allow('ops'), async (req, res) => {
    const { id } = parse(idParam, req.params);
    const body = parse(useCaseSchema, req.body);
    const { entry, created } = await putUseCase(db, { id, ...body }, actorOf(holderOf(req)));
    res.status(created ? 201 : 200).json({ ...entry, openEngagements: created ? 0 : await openEngagements(id) });
  });

  // Retired, not deleted: engagements and payments reference the use case, and running ones go on.
  router.delete('/v1/catalogue/use-cases/:id', allow('ops'), async (req, res) => {
    const { id } = parse(idParam, req.params);
    const entry = await retireUseCase(db, id, actorOf(holderOf(req)));
    if (!entry) throw notFound(`Use case ${id}`);
    res.json({ ...entry, openEngagements: await openEngagements(id) });
  });

  return router;
}
