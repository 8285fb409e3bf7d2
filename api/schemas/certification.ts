import { businessId as id, countryCode, email, isoDate, mintedId, pageQuery, z } from './common';

// Request and response shapes of the Premier Certification API (CERT-1 … CERT-5): the declarations in
// api/routes/certification.ts validate with them and document them in /openapi.json.

export const partnerSchema = z.object({ id, name: z.string().trim().min(1).max(200), email }).openapi('Partner');

export const requirementsSchema = z
  .object({
    specializations: z.array(z.string().max(64)).max(20),
    hybridItService: z
      .object({ type: z.string().max(64), endCustomerSla: z.boolean(), description: z.boolean(), resaleLifecycleProcess: z.boolean() })
      .nullable(),
    resaleAgreement: z.boolean(),
    customerService8x5: z.boolean(),
    preSalesSupport: z.boolean(),
    termsAccepted: z.boolean(),
  })
  .openapi('CertificationRequirements');

export const applicationSchema = z.object({ country: countryCode, requirements: requirementsSchema }).openapi('CertificationApplication');
export const certificationIdParam = z.object({ id: mintedId });
export const certificationDecisionSchema = z.object({ approve: z.boolean() });
/** CERT-4: responses count on the day they were received (not after today), however late ops enter them. */
export const csatSchema = z.object({
  count: z.number().int().min(1).max(10_000),
  receivedOn: isoDate,
  /** Whether the Low Score Follow-Up of the measurement period holding `receivedOn` is done. */
  lowScoreFollowUpDone: z.boolean().optional(),
});
export const noticeSchema = z.object({ reason: z.string().trim().min(3).max(1000), awareOn: isoDate });
export const extensionSchema = z.object({ until: isoDate });
export const revocationSchema = z.object({ reason: z.string().trim().min(3).max(1000) });
export const certificationListQuery = pageQuery.extend({
  state: z.enum(['applied', 'refused', 'approved', 're-cert', 'lapsed', 'revoked']).optional(),
});

// Answers.

const certState = z.enum(['applied', 'refused', 'approved', 're-cert', 'lapsed', 'revoked']);

export const certificationCreatedSchema = z.object({ certificationId: z.string(), workflowId: z.string() }).openapi('CertificationCreated');

export const certificationListSchema = z
  .object({
    certifications: z.array(
      z.object({
        id: z.string(),
        partnerId: z.string(),
        country: z.string(),
        state: certState,
        certifiedOn: z.string().nullable(),
        anniversary: z.string().nullable(),
      }),
    ),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi('CertificationList');

const shortfall = z.object({ reason: z.string(), awareOn: z.string(), noticeOn: z.string().nullable(), timely: z.boolean() });

export const certificationStateSchema = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    country: z.string(),
    partnerEmail: z.string(),
    state: certState,
    requirements: requirementsSchema,
    certifiedOn: z.string().nullable(),
    anniversary: z.string().nullable(),
    done: z.array(z.string()),
    csatResponses: z.array(z.object({ on: z.string(), count: z.number().int() })),
    lowScoreFollowUpDone: z.boolean(),
    /** Each measurement period's Low Score Follow-Up, by the measurement closing the period. */
    lowScoreFollowUps: z.array(z.object({ period: z.string(), done: z.boolean() })).optional(),
    measurements: z.array(z.object({ on: z.string(), passed: z.boolean(), shortfalls: z.array(z.string()) })),
    firstCsatOn: z.string().nullable().optional(),
    goldSince: z.string().nullable().optional(),
    /** CERT-3: the customer satisfaction shortfall open: a renewal is refused while it is. */
    csatShortfall: z
      .object({ on: z.string(), shortfalls: z.array(z.string()) })
      .nullable()
      .optional(),
    nonCompliance: z
      .object({
        ...shortfall.shape,
        extensionUntil: z.string().nullable(),
        /** CERT-5: shortfalls found while the extension stands, recorded beside it. */
        later: z.array(shortfall).optional(),
      })
      .nullable(),
  })
  .openapi('CertificationState');
