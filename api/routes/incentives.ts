import { Router, type Request } from 'express';
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { z } from 'zod';
import type { UseCase } from '../../domain/incentives';
import { incentiveEngagement } from '../../workflows/incentiveEngagement';
import { engagementRecordedUpdate, engagementStateQuery, incentiveWorkflowId, readingsSignal } from '../../workflows/incentiveDefinitions';
import { goalProgress } from '../../domain/incentives';
import { allow, holderOf } from '../auth';
import { forbidden, notFound } from '../errors';
import { fromTemporal } from '../temporalErrors';
import { parse } from '../validate';
import type { AppDeps } from '../app';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/);
export const engagementSchema = z.object({ partnerId: id.optional(), customerId: id, useCaseId: id });
export const telemetrySchema = z.object({
  readings: z.array(z.object({ readingId: z.string().min(1).max(128), customerId: id, metric: z.string().min(1).max(64), value: z.number().finite(), measuredAt: z.iso.datetime() })).min(1).max(10_000),
});
export const successPlanSchema = z.object({ document: z.string().min(1).max(200_000) });

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

  router.get('/v1/catalogue', allow('ops', 'partner'), async (_req, res) => {
    const rows = await db('use_cases').orderBy('id');
    res.json({ useCases: rows.map((r) => ({ id: r.id, technology: r.technology, name: r.name, phases: r.phases })) });
  });

  // LCI-1: a partner opens an engagement for a customer and a use case (ops may for any partner).
  router.post('/v1/engagements', allow('partner', 'ops'), async (req, res) => {
    const body = parse(engagementSchema, req.body);
    const holder = holderOf(req);
    const partnerId = holder.role === 'partner' ? holder.partnerId : body.partnerId;
    if (!partnerId) throw forbidden('ops name the partner');
    if (holder.role === 'partner' && body.partnerId && body.partnerId !== partnerId) throw forbidden('A partner opens engagements for itself');
    const partner = await db('partners').where({ id: partnerId }).first('email');
    if (!partner) throw notFound(`Partner ${partnerId}`);
    const row = await db('use_cases').where({ id: body.useCaseId }).first();
    if (!row) throw notFound(`Use case ${body.useCaseId}`);
    const useCase: UseCase = { id: row.id, technology: row.technology, name: row.name, phases: row.phases };
    const engagementId = `EN-${randomUUID().slice(0, 12)}`;
    const start = new WithStartWorkflowOperation(incentiveEngagement, {
      workflowId: incentiveWorkflowId(engagementId), taskQueue: config.taskQueue, workflowIdConflictPolicy: 'FAIL',
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
    const { id: engagementId } = parse(z.object({ id }), req.params);
    await ownEngagement(req, db, engagementId);
    const s = await temporal.workflow.getHandle(incentiveWorkflowId(engagementId)).query(engagementStateQuery).catch((err) => Promise.reject(fromTemporal(err, `Engagement ${engagementId}`)));
    const phase = s.useCase.phases[s.phaseIndex];
    res.json({ ...s, phase: s.state === 'active' ? phase?.name : s.state, progress: s.state === 'active' && phase ? goalProgress(phase, s.latest) : [] });
  });

  // LCI-3: a Customer Success Plan is kept with the engagement, never required.
  router.post('/v1/engagements/:id/success-plan', allow('partner'), async (req, res) => {
    const { id: engagementId } = parse(z.object({ id }), req.params);
    const { document } = parse(successPlanSchema, req.body);
    await ownEngagement(req, db, engagementId);
    await db('engagements').where({ id: engagementId }).update({ success_plan: document, updated_at: db.fn.now() });
    res.status(201).json({ engagementId, kept: true });
  });

  // LCI-2: readings are stored once (a duplicate id is ignored) and signalled to the open engagements
  // that watch each customer.
  router.post('/v1/telemetry', allow('telemetry'), async (req, res) => {
    const { readings } = parse(telemetrySchema, req.body);
    const inserted: { reading_id: string }[] = await db('telemetry_readings')
      .insert(readings.map((r) => ({ reading_id: r.readingId, customer_id: r.customerId, metric: r.metric, value: r.value, measured_at: r.measuredAt })))
      .onConflict('reading_id')
      .ignore()
      .returning('reading_id');
    const fresh = new Set(inserted.map((r) => r.reading_id));
    const byCustomer = new Map<string, { metric: string; value: number; measuredAt: string }[]>();
    for (const r of readings) if (fresh.has(r.readingId)) byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), { metric: r.metric, value: r.value, measuredAt: r.measuredAt }]);
    const engagements = byCustomer.size ? await db('engagements').whereIn('customer_id', [...byCustomer.keys()]).where({ state: 'active' }).select('id', 'customer_id') : [];
    await Promise.all(engagements.map((e) => temporal.workflow.getHandle(incentiveWorkflowId(e.id)).signal(readingsSignal, byCustomer.get(e.customer_id)!).catch(() => undefined)));
    res.status(202).json({ accepted: fresh.size, duplicates: readings.length - fresh.size, engagementsSignalled: engagements.length });
  });

  router.get('/v1/payments', allow('ops', 'partner'), async (req, res) => {
    const holder = holderOf(req);
    const q = db('incentive_payments as p').join('engagements as e', 'e.id', 'p.engagement_id').orderBy(['p.approved_on', 'p.engagement_id', 'p.phase_index'])
      .select('p.engagement_id as engagementId', 'e.partner_id as partnerId', 'e.customer_id as customerId', 'p.phase', 'p.amount_usd as amountUsd', 'p.approved_on as approvedOn');
    if (holder.role === 'partner') q.where('e.partner_id', holder.partnerId);
    res.json({ payments: await q });
  });

  return router;
}
