// Issue 24 finding 2: a value Postgres refuses (SQLSTATE class 22 or 23) fails the same way on every attempt, so an
// activity that meets one fails for good, with the refusal's words, instead of retrying without end.
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { refusedByPostgres } from '../db/sqlState';
import { failureTypes } from '../workflows/definitions';

/**
 * Every activity (and local activity) of the worker: a data or constraint error becomes a non-retryable
 * `RefusedData` failure naming what Postgres refused; the workflow records it (see README "Refused data").
 * Activities that expect a conflict (idempotent inserts) catch it themselves, so it never reaches here.
 */
export const refusingBadData: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        const refused = refusedByPostgres(err);
        if (!refused) throw err;
        const why = refused.detail ? `${refused.message} (${refused.detail})` : refused.message;
        throw ApplicationFailure.create({
          type: failureTypes.refusedData,
          message: `Postgres refused what ${ctx.info.activityType} wrote: ${why} [SQLSTATE ${refused.code}]`,
          nonRetryable: true,
          details: [{ field: refused.field ?? '(body)', message: why, sqlState: refused.code }],
        });
      }
    },
  },
});
