import { businessId as id, isoDateTime, pageQuery, z } from './common';

// Request and response shapes of the Lifecycle Incentives API (LCI-1 … LCI-3): the declarations in
// api/routes/incentives.ts validate with them and document them in /openapi.json.

export const idParam = z.object({ id });

export const engagementSchema = z.object({ partnerId: id.optional(), customerId: id, useCaseId: id }).openapi('EngagementRequest');
export const telemetrySchema = z
  .object({
    readings: z
      .array(
        z.object({
          readingId: z.string().min(1).max(128),
          customerId: id,
          metric: z.string().min(1).max(64),
          value: z.number().finite(),
          measuredAt: isoDateTime,
        }),
      )
      .min(1)
      .max(10_000),
  })
  .openapi('TelemetryBatch');
export const successPlanSchema = z.object({ document: z.string().min(1).max(200_000) }).openapi('SuccessPlan');

// LCI-1: a goal is a metric, a comparison and a threshold, e.g. devices_reporting_pct >= 80.
const goalSchema = z
  .object({ metric: id, comparison: z.enum(['>=', '>', '<=', '<', '==']), threshold: z.number().finite() })
  .openapi('IncentiveGoal');
// The Phase search attribute shows the phase name, or the engagement's end state: the two must not meet.
const phaseName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((n) => !['completed', 'expired'].includes(n.toLowerCase()), 'completed and expired name end states, not phases');
const phaseSchema = z
  .object({ name: phaseName, paymentUsd: z.number().int().min(0).max(100_000_000), goals: z.array(goalSchema).min(1).max(20) })
  .openapi('IncentivePhase');

export const useCaseSchema = z
  .object({
    technology: z.string().trim().min(1).max(200),
    name: z.string().trim().min(1).max(200),
    phases: z
      .array(phaseSchema)
      .min(1)
      .max(20)
      .superRefine((phases, ctx) => {
        const seen = new Set<string>();
        phases.forEach((p, i) => {
          if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `phase ${p.name} appears twice` });
          seen.add(p.name);
        });
      }),
  })
  .openapi('UseCaseDefinition');

// Answers.

const useCaseAnswer = {
  id: z.string(),
  technology: z.string(),
  name: z.string(),
  phases: z.array(phaseSchema),
  version: z.number().int(),
};
export const catalogueEntrySchema = z.object({ ...useCaseAnswer, retiredAt: z.string().nullable() }).openapi('CatalogueEntry');
export const catalogueSchema = z
  .object({ useCases: z.array(catalogueEntrySchema), limit: z.number().int(), offset: z.number().int() })
  .openapi('Catalogue');
/** Every list is a page (api/schemas/common.ts). */
export const listQuery = pageQuery;
export const catalogueChangeSchema = catalogueEntrySchema
  .extend({ openEngagements: z.number().int().openapi({ description: 'Engagements that keep the version they started on' }) })
  .openapi('CatalogueChange');

export const engagementCreatedSchema = z.object({ engagementId: z.string(), workflowId: z.string() }).openapi('EngagementCreated');

const reading = z.object({ metric: z.string(), value: z.number(), measuredAt: z.string() });
export const engagementStateSchema = z
  .object({
    engagementId: z.string(),
    partnerId: z.string(),
    customerId: z.string(),
    partnerEmail: z.string(),
    useCase: z.object({ ...useCaseAnswer, version: z.number().int().optional() }),
    state: z.enum(['active', 'completed', 'expired']),
    phaseIndex: z.number().int(),
    phaseStartedOn: z.string(),
    deadline: z.string(),
    latest: z.record(z.string(), reading),
    payments: z.array(z.object({ phase: z.string(), amountUsd: z.number(), approvedOn: z.string() })),
    phase: z.string().optional().openapi({ description: 'The phase name while active, else the end state' }),
    progress: z.array(goalSchema.extend({ value: z.number().nullable(), met: z.boolean() })),
  })
  .openapi('Engagement');

export const successPlanKeptSchema = z.object({ engagementId: z.string(), kept: z.literal(true) }).openapi('SuccessPlanKept');

export const telemetryAcceptedSchema = z
  .object({ accepted: z.number().int(), duplicates: z.number().int(), engagementsSignalled: z.number().int() })
  .openapi('TelemetryAccepted');

export const paymentsSchema = z
  .object({
    payments: z.array(
      z.object({
        engagementId: z.string(),
        partnerId: z.string(),
        customerId: z.string(),
        phase: z.string(),
        amountUsd: z.number().int(),
        approvedOn: z.string(),
      }),
    ),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi('Payments');
