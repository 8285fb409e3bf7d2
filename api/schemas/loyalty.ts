import { businessId, countryCode, email, INT4_MAX, pageQuery, usd, z } from './common';

// Request and response shapes of the Customer Loyalty API (LOY-1 … LOY-11): the declarations in
// api/routes/loyalty.ts validate with them and document them in /openapi.json.

const bandSchema = z.object({
  tier: z.number().int().min(1).max(5),
  minUsd: usd,
  maxUsd: usd.nullable(),
  quarterlyCredits: z.number().int().positive().max(INT4_MAX),
});

const companyFields = {
  id: businessId,
  name: z.string().trim().min(1).max(200),
  country: countryCode,
  endUser: z.boolean(),
};

const bookingsList = z
  .array(z.object({ fiscalYear: z.number().int().min(2000).max(2100), directUsd: usd, indirectUsd: usd }))
  .min(1)
  .max(10)
  .refine((b) => new Set(b.map((x) => x.fiscalYear)).size === b.length, 'each fiscal year at most once');

/** LOY-3: a member company of a group account, with its own prior fiscal years of bookings. */
export const memberCompanySchema = z.object({ ...companyFields, bookings: bookingsList }).openapi('MemberCompany');

/**
 * LOY-1, LOY-3: either a group (`group`, `companies`) or, as in v0.1.0, one company (`company`, `bookings`),
 * a group of one. The handler reads the parsed body as the domain's `Nomination`.
 */
export const nominationSchema = z
  .object({
    group: z.object({ id: businessId, name: z.string().trim().min(1).max(200) }).optional(),
    companies: z
      .array(memberCompanySchema)
      .min(1)
      .max(100)
      .refine((c) => new Set(c.map((x) => x.id)).size === c.length, 'each company at most once')
      .optional(),
    company: z.object({ ...companyFields, corporateGroupId: businessId }).optional(),
    bookings: bookingsList.optional(),
    teamCaptain: z.object({
      name: z.string().trim().min(1).max(200),
      email,
      // Present but possibly empty: a missing CCO id is an eligibility reason (LOY-2), not a malformed body.
      ccoId: z.string().trim().max(64),
    }),
    // LOY-11: asked for a fiscal year's bookings missing at enrolment; without it the Team Captain is asked.
    accountManager: z.object({ name: z.string().trim().min(1).max(200), email }).optional(),
  })
  .superRefine((n, ctx) => {
    const shape = n.group || n.companies ? (['group', 'companies'] as const) : (['company', 'bookings'] as const);
    for (const field of shape) if (n[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'required' });
    if (shape[0] === 'group' && (n.company || n.bookings))
      ctx.addIssue({ code: 'custom', path: ['company'], message: 'a group nomination names its companies in `companies`' });
  })
  .openapi('Nomination', {
    example: {
      group: { id: 'ACME', name: 'Acme Group' },
      companies: [
        {
          id: 'ACME-1',
          name: 'Acme Corp',
          country: 'US',
          endUser: true,
          bookings: [
            { fiscalYear: 2024, directUsd: 1500000, indirectUsd: 500000 },
            { fiscalYear: 2025, directUsd: 2000000, indirectUsd: 0 },
            { fiscalYear: 2026, directUsd: 2500000, indirectUsd: 500000 },
          ],
        },
      ],
      teamCaptain: { name: 'Dana Lee', email: 'dana@acme.example', ccoId: 'dlee' },
    },
  });

export const teamCaptainSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    email,
    ccoId: z.string().trim().min(1).max(64),
  })
  .openapi('TeamCaptain');

export const bookingsSchema = z
  .object({ fiscalYear: z.number().int().min(2000).max(2100), directUsd: usd, indirectUsd: usd })
  .openapi('Bookings');

export const termsVersionSchema = z
  .object({
    version: z
      .string()
      .trim()
      .min(1)
      .max(32)
      .regex(/^[A-Za-z0-9._-]+$/),
  })
  .openapi('TermsVersion');

export const accountListQuery = pageQuery.extend({
  state: z.enum(['nominated', 'enrolled', 'lapsed', 'withdrawn']).optional(),
  tier: z.coerce.number().int().min(1).max(5).optional(),
});

export const fiscalYearParam = z.object({ fy: z.coerce.number().int().min(2000).max(2100) });

export const tierTableSchema = z.object({ bands: z.array(bandSchema).length(5) }).openapi('TierTable');

export const accountIdParam = z.object({ id: businessId });

export const termsAcceptanceSchema = z.object({ version: z.string().trim().min(1).max(32) }).openapi('TermsAcceptance');

export const withdrawalSchema = z.object({ reason: z.string().trim().min(1).max(500) }).openapi('Withdrawal');

export const nominationCreatedSchema = z.object({ accountId: z.string(), workflowId: z.string() }).openapi('NominationCreated');

const bookingsRow = z.object({ fiscalYear: z.number().int(), directUsd: z.number(), indirectUsd: z.number() });
const captainSchema = z.object({ name: z.string(), email: z.string(), ccoId: z.string() });
const loyaltyState = z.enum(['nominated', 'enrolled', 'lapsed', 'withdrawn']);

export const accountStateSchema = z
  .object({
    accountId: z.string(),
    state: loyaltyState,
    companyName: z.string(),
    corporateGroupId: z.string(),
    teamCaptain: captainSchema,
    nominatedOn: z.string(),
    lapsesOn: z.string(),
    termsVersion: z.string(),
    termsAccepted: z.object({ version: z.string(), acceptedBy: z.string(), acceptedOn: z.string() }).nullable(),
    tier: z.number().int().nullable(),
    quarterlyCredits: z.number().int(),
    nextAwardDate: z.string().nullable(),
    nextRetierOn: z.string().nullable(),
    remindersSent: z.number().int(),
    captainChanges: z.number().int(),
    awardsMade: z.number().int(),
    creditsAwarded: z.number().int(),
    lastAward: z.object({ quarter: z.string(), lotId: z.string(), credits: z.number().int(), awardDate: z.string() }).nullable(),
    autoApproval: z.boolean(),
    bookings: z.array(bookingsRow),
    lifecycle: z.number().int().optional(),
    /** LOY-3: the member companies counted, and those added since that count from the next re-tier. */
    companies: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
    joiningCompanies: z.array(z.object({ id: z.string(), name: z.string(), addedOn: z.string() })).optional(),
    /** LOY-11: fiscal years whose bookings the tier waits for. */
    missingBookings: z.array(z.number().int()).optional(),
    /** LOY-10: the account's lifecycles before this one, as each ended. */
    earlierLifecycles: z
      .array(
        z.object({
          lifecycle: z.number().int(),
          state: loyaltyState,
          nominatedOn: z.string(),
          nominatedBy: z.string(),
          captainCcoId: z.string(),
          /** LOY-10: its member companies as it ended (absent for lifecycles archived before they were kept). */
          companies: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
        }),
      )
      .optional(),
    awards: z
      .array(
        z.object({ lotId: z.string(), awardQuarter: z.string(), credits: z.number().int(), issuedOn: z.string(), expiresOn: z.string() }),
      )
      .optional(),
  })
  .openapi('AccountState');

export const accountListSchema = z
  .object({
    accounts: z.array(
      z.object({
        id: z.string(),
        corporateGroupId: z.string(),
        state: loyaltyState,
        tier: z.number().int().nullable(),
        captainName: z.string(),
        captainEmail: z.string(),
        captainCcoId: z.string(),
        nominatedBy: z.string(),
        nominatedOn: z.string(),
        termsVersion: z.string(),
        nextAwardDate: z.string().nullable(),
      }),
    ),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi('AccountList');

export const tierTableInForceSchema = z
  .object({ fiscalYear: z.number().int(), effectiveFrom: z.number().int(), bands: z.array(bandSchema) })
  .openapi('TierTableInForce');

export const termsPublishedSchema = z
  .object({ version: z.string(), accounts: z.number().int(), failed: z.array(z.string()) })
  .openapi('TermsPublished');
