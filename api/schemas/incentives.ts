import { z } from './common';

// Request shapes of the Lifecycle Incentives API (LCI-1 … LCI-3).

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash or underscore');
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
          measuredAt: z.iso.datetime(),
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
