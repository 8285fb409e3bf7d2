import { isoDate, pageQuery, z } from './common';

// CLC-8: the Learning Credit reports' queries and answers, each a page of rows, as JSON or CSV.

export const reportFormat = pageQuery.extend({ format: z.enum(['json', 'csv']).default('json') });

export const expiringQuery = reportFormat.extend({ days: z.coerce.number().int().min(1).max(730).default(90) });

export const periodQuery = reportFormat.extend({ from: isoDate, to: isoDate });

export const balancesReportSchema = z
  .object({
    balances: z.array(z.object({ accountId: z.string(), balance: z.number().int() })),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi('BalancesReport');

export const expiringReportSchema = z
  .object({
    expiring: z.array(
      z.object({
        lotId: z.string(),
        accountId: z.string().nullable(),
        ownerEmail: z.string(),
        expiresOn: z.string(),
        balance: z.number().int(),
      }),
    ),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi('ExpiringReport');

export const redemptionsReportSchema = z
  .object({
    redemptions: z.array(
      z.object({
        id: z.string(),
        accountId: z.string().nullable(),
        kind: z.string(),
        credits: z.number().int(),
        status: z.enum(['pending', 'approved', 'rejected', 'expired']),
        requestedOn: z.string(),
        decidedOn: z.string().nullable(),
        requestedBy: z.string(),
      }),
    ),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi('RedemptionsReport');
