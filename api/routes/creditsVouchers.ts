import { findVoucher, trainingRecords } from '../../db/creditsVouchers';
import { notFound } from '../errors';
import { route } from '../route';
import { lotIdParam } from '../schemas/credits';
import * as s from '../schemas/creditsVouchers';
import { assertCaptainOf, managerOf, READERS, report, REPORT_READERS } from './creditsStatements';

// CLC-5 (amended): exam vouchers, each read on its own, and the training records per person that the
// learners named by redemptions make, as JSON or CSV.

const readVoucher = route({
  method: 'get',
  path: '/v1/vouchers/{id}',
  roles: READERS,
  summary: "An exam voucher: its exam, holder, issue date and expiry a year on (CLC-5; ALL-3: a Team Captain reads its account's)",
  request: { params: lotIdParam },
  responses: { 200: { description: 'The voucher', schema: s.voucherSchema } },
  errors: { 404: 'No such voucher' },
  handler: async ({ params: { id }, holder }, { db }) => {
    const voucher = await findVoucher(db, id);
    if (!voucher) throw notFound(`Exam voucher ${id}`);
    await assertCaptainOf(db, holder, voucher.accountId, undefined, `Exam voucher ${id}`);
    return { status: 200, body: voucher };
  },
});

const records = route({
  method: 'get',
  path: '/v1/reports/training-records',
  roles: REPORT_READERS,
  summary:
    "Training records per person: each training and exam redemption with its learner, what it paid for and its voucher, one learner's or all, JSON or CSV (CLC-5, CLC-8; ALL-3)",
  request: { query: s.trainingRecordsQuery },
  responses: { 200: { description: 'The records, by learner then date', schema: s.trainingRecordsSchema, csv: true } },
  handler: async ({ query: { format, learnerEmail, ...page }, holder }, { db }) =>
    report(format, page, 'trainingRecords', await trainingRecords(db, { learnerEmail, amId: managerOf(holder), ...page })),
});

export const voucherRoutes = [readVoucher, records];
