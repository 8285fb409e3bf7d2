import { email, pageOf, z } from './common';
import { reportFormat } from './creditsReports';

// CLC-5 (amended): exam vouchers and the training records per person (api/routes/creditsVouchers.ts).

export const voucherSchema = z
  .object({
    voucherId: z.string(),
    redemptionId: z.string(),
    accountId: z.string().nullable(),
    exam: z.string(),
    holder: z.object({ name: z.string(), email: z.string() }),
    credits: z.number().int(),
    issuedOn: z.string(),
    expiresOn: z.string(),
    remindOn: z.string(),
    state: z.enum(['issued', 'expired']),
  })
  .openapi('ExamVoucher');

export const trainingRecordsQuery = reportFormat.extend({ learnerEmail: email.optional() });
export const trainingRecordsSchema = pageOf(
  'trainingRecords',
  z.object({
    redemptionId: z.string(),
    learnerName: z.string(),
    learnerEmail: z.string(),
    accountId: z.string().nullable(),
    kind: z.string(),
    paysFor: z.string().nullable(),
    credits: z.number().int(),
    status: z.enum(['pending', 'approved', 'rejected', 'expired']),
    requestedOn: z.string(),
    startsOn: z.string().nullable(),
    voucherId: z.string().nullable(),
    voucherExpiresOn: z.string().nullable(),
    voucherState: z.enum(['issued', 'expired']).nullable(),
  }),
).openapi('TrainingRecords');
