import { businessId, countryCode, email, isoDate, mintedId, pageOf, pageQuery, z } from './common';
import { LEARNER_KINDS } from '../../domain/credits';

// Request and response shapes of the Learning Credit API (CLC-1 … CLC-8): the declarations in
// api/routes/credits.ts validate with them and document them in /openapi.json.

export const purchaseSchema = z
  .object({
    accountId: businessId.optional(),
    owner: z.object({ name: z.string().trim().min(1).max(200), email }).optional(),
    country: countryCode,
    invoiceDate: isoDate,
    packages: z
      .array(z.object({ size: z.number().int().positive(), quantity: z.number().int().min(1).max(1000) }))
      .min(1)
      .max(20),
  })
  .refine((p) => p.accountId || p.owner, { message: 'an account or an owner is required', path: ['owner'] })
  .openapi('Purchase');

export type Purchase = z.infer<typeof purchaseSchema>;

export const lotIdParam = z.object({ id: mintedId });
export const extensionRequestSchema = z
  .object({ usagePlan: z.string().trim().min(10, 'say how the credits will be used').max(4000) })
  .openapi('ExtensionRequest');
const extensionStatus = z.enum(['pending', 'approved', 'denied']);
export const extensionListQuery = pageQuery.extend({ status: extensionStatus.default('pending') });
export const decisionSchema = z.object({ approve: z.boolean() }).openapi('Decision');

export const learnerSchema = z
  .object({ name: z.string().trim().min(1).max(200), email })
  .openapi('Learner', { description: 'CLC-5: who takes the training or the exam' });

export const redemptionSchema = z
  .object({
    accountId: businessId.optional(),
    lotId: mintedId.optional(),
    kind: z.enum(['training', 'exam-voucher', 'digital-learning', 'event']),
    credits: z.number().int().positive().max(100_000),
    startsOn: isoDate.optional(),
    /** CLC-5: what the credits pay for: the course, the exam, the subscription, the event. */
    paysFor: z.string().trim().min(1, 'say what the credits pay for').max(200),
    learner: learnerSchema.optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((r) => Boolean(r.accountId) !== Boolean(r.lotId), { message: 'name either an account or a lot', path: ['accountId'] })
  .refine((r) => !(r.kind === 'training' || r.kind === 'event') || r.startsOn, {
    message: 'training and events need their start date',
    path: ['startsOn'],
  })
  // Checked even when other fields are bad, so every missing field is named at once (ALL-3).
  .refine((r) => !LEARNER_KINDS.includes(r.kind) || r.learner, {
    message: 'training and exam-voucher redemptions name their learner (name and email)',
    path: ['learner'],
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  })
  .openapi('Redemption');

export const monthParam = z.object({ id: businessId, month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM') });
export const autoApprovalSchema = z.object({ enabled: z.boolean() }).openapi('AutoApproval');

// Answers.

const lotState = z.enum(['pending', 'active', 'expired', 'closed']);
const allocation = z.array(z.object({ lotId: z.string(), credits: z.number().int() }));

export const purchaseCreatedSchema = z
  .object({ lotId: z.string(), workflowId: z.string(), credits: z.number().int(), activatesOn: z.string(), expiresOn: z.string() })
  .openapi('PurchaseCreated');

export const lotSchema = z
  .object({
    lot: z.object({
      id: z.string(),
      accountId: z.string().nullable(),
      ownerName: z.string(),
      ownerEmail: z.string(),
      country: z.string().nullable(),
      source: z.enum(['award', 'purchase']),
      credits: z.number().int(),
      issuedOn: z.string(),
      activatesOn: z.string(),
      expiresOn: z.string(),
      awardQuarter: z.string().nullable(),
    }),
    state: lotState,
    expiresOn: z.string(),
    balance: z.number().int(),
    remindedOn: z.array(z.string()),
    forfeited: z.number().int(),
    extension: z
      .object({
        requestId: z.string(),
        usagePlan: z.string(),
        requestedBy: z.string(),
        requestedOn: z.string(),
        status: z.enum(['pending', 'approved', 'denied']),
      })
      .nullable(),
    closesOn: z.string(),
  })
  .openapi('Lot');

export const accountLotsSchema = z
  .object({
    accountId: z.string(),
    lots: z.array(
      z.object({
        id: z.string(),
        source: z.enum(['award', 'purchase']),
        state: z.string(),
        credits: z.number().int(),
        issuedOn: z.string(),
        activatesOn: z.string(),
        expiresOn: z.string(),
        balance: z.number().int(),
      }),
    ),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi('AccountLots');

export const accountBalanceSchema = z
  .object({
    accountId: z.string(),
    balance: z.number().int(),
    lots: z.array(z.object({ lotId: z.string(), balance: z.number().int(), expiresOn: z.string() })),
  })
  .openapi('AccountBalance');

export const autoApprovalStateSchema = z.object({ accountId: z.string(), autoApproval: z.boolean() }).openapi('AutoApprovalState');

export const extensionRequestedSchema = z
  .object({ requestId: z.string(), lotId: z.string(), status: z.literal('pending') })
  .openapi('ExtensionRequested');

export const extensionDecidedSchema = z
  .object({
    requestId: z.string(),
    status: z.enum(['approved', 'denied']),
    lot: z.object({ id: z.string(), state: lotState, expiresOn: z.string(), balance: z.number().int() }),
  })
  .openapi('ExtensionDecided');

export const extensionRequestsSchema = z
  .object({
    extensionRequests: z.array(
      z.object({
        requestId: z.string(),
        lotId: z.string(),
        accountId: z.string().nullable(),
        usagePlan: z.string(),
        requestedBy: z.string(),
        requestedOn: z.string(),
        expiresOn: z.string(),
        status: extensionStatus,
      }),
    ),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi('ExtensionRequests');

export const redemptionStateSchema = z
  .object({
    redemptionId: z.string(),
    status: z.enum(['pending', 'approved', 'rejected', 'expired']),
    credits: z.number().int(),
    allocation,
    holdUntil: z.string().nullable(),
    decidedBy: z.string().nullable(),
    /** CLC-5: the exam voucher its approval issued. */
    voucherId: z.string().nullable(),
  })
  .openapi('RedemptionState');

export const statementSchema = z
  .object({
    ownerEmail: z.string(),
    month: z.string(),
    accountId: z.string().nullable(),
    openingBalance: z.number().int(),
    closingBalance: z.number().int(),
    lines: z.array(
      z.object({
        on: z.string(),
        lotId: z.string(),
        kind: z.string(),
        credits: z.number().int(),
        reason: z.string(),
        // CLC-8: dated before the month, recorded after the statement of its month was made.
        late: z.literal(true).optional(),
      }),
    ),
  })
  .openapi('Statement');

export const statementListSchema = pageOf(
  'statements',
  z.object({ month: z.string(), openingBalance: z.number().int(), closingBalance: z.number().int(), lines: z.number().int() }),
).openapi('StatementList');
