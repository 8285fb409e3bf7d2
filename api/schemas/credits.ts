import { z } from './common';
import { isIsoDate } from '../../domain/calendar';

// Request shapes of the Learning Credit API (CLC-1 … CLC-8), also the source of its OpenAPI document.

const isoDate = z.string().refine(isIsoDate, 'a calendar date as YYYY-MM-DD');
const id = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9._:-]+$/);

export const purchaseSchema = z
  .object({
    accountId: id.optional(),
    owner: z.object({ name: z.string().trim().min(1).max(200), email: z.email() }).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US'),
    invoiceDate: isoDate,
    packages: z
      .array(z.object({ size: z.number().int().positive(), quantity: z.number().int().min(1).max(1000) }))
      .min(1)
      .max(20),
  })
  .refine((p) => p.accountId || p.owner, { message: 'an account or an owner is required', path: ['owner'] })
  .openapi('Purchase');

export const lotIdParam = z.object({ id });
export const extensionRequestSchema = z
  .object({ usagePlan: z.string().trim().min(10, 'say how the credits will be used').max(4000) })
  .openapi('ExtensionRequest');
export const decisionSchema = z.object({ approve: z.boolean() }).openapi('Decision');

export const redemptionSchema = z
  .object({
    accountId: id.optional(),
    lotId: id.optional(),
    kind: z.enum(['training', 'exam-voucher', 'digital-learning', 'event']),
    credits: z.number().int().positive().max(100_000),
    startsOn: isoDate.optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((r) => Boolean(r.accountId) !== Boolean(r.lotId), { message: 'name either an account or a lot', path: ['accountId'] })
  .refine((r) => !(r.kind === 'training' || r.kind === 'event') || r.startsOn, {
    message: 'training and events need their start date',
    path: ['startsOn'],
  })
  .openapi('Redemption');

export const monthParam = z.object({ id, month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM') });
export const autoApprovalSchema = z.object({ enabled: z.boolean() }).openapi('AutoApproval');

export const reportFormat = z.object({ format: z.enum(['json', 'csv']).default('json') });
export const expiringQuery = reportFormat.extend({ days: z.coerce.number().int().min(1).max(730).default(90) });
export const periodQuery = reportFormat.extend({ from: isoDate, to: isoDate });
