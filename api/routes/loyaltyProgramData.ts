import { publishTermsVersion, putTierTable, tierTableFor } from '../../db/loyalty';
import { openAccountIds } from '../../db/loyaltyReads';
import { validateTierTable, type TierTable } from '../../domain/loyalty';
import { tierTableChangeProblem } from '../../domain/loyaltyTierTables';
import { loyaltyWorkflowId, publishTermsUpdate } from '../../workflows/loyaltyDefinitions';
import { actorFrom } from '../auth';
import { toHttpError } from '../errorHandler';
import { conflict, notFound, unprocessable } from '../errors';
import { settleInParallel } from '../inParallel';
import { route } from '../route';
import * as s from '../schemas/loyalty';

// Program data ops maintain for Customer Loyalty: tier tables (LOY-5) and terms versions (LOY-8).

const readTierTable = route({
  method: 'get',
  path: '/v1/tier-tables/{fy}',
  roles: ['ops', 'account-manager'],
  summary: "A fiscal year's tier table, or the latest earlier one (LOY-5)",
  request: { params: s.fiscalYearParam },
  responses: { 200: { description: 'The table in force', schema: s.tierTableInForceSchema } },
  errors: { 404: 'No table' },
  handler: async ({ params: { fy } }, { db }) => {
    const table = await tierTableFor(db, fy);
    if (!table) throw notFound(`A tier table for FY${fy}`);
    // A year without its own table uses the latest earlier one: say which.
    return { status: 200, body: { fiscalYear: fy, effectiveFrom: table.fiscalYear, bands: table.bands } };
  },
});

const putTierTableRoute = route({
  method: 'put',
  path: '/v1/tier-tables/{fy}',
  roles: ['ops'],
  summary: "Replace a fiscal year's tier table with a new version, until the end of its Q1; earlier versions stay, audited (LOY-5, LOY-11)",
  request: { params: s.fiscalYearParam, body: s.tierTableSchema },
  responses: {
    200: { description: 'Replaced', schema: s.tierTableInForceSchema },
    201: { description: 'Created', schema: s.tierTableInForceSchema },
  },
  errors: { 422: 'Bands that do not make a usable table, or the fiscal year is past its Q1 (LOY-11)' },
  handler: async ({ params: { fy }, body: { bands }, req }, { db, today }) => {
    // LOY-11: after its Q1 a year's table is what its accounts were tiered and awarded by: no change then.
    const closed = tierTableChangeProblem(fy, today());
    if (closed) throw unprocessable(closed, [{ field: 'fy', message: closed }]);
    const table = { fiscalYear: fy, bands } as TierTable;
    const problems = validateTierTable(table);
    if (problems.length)
      throw unprocessable(
        'The tier table is not usable',
        problems.map((message) => ({ field: 'bands', message })),
      );
    const { created } = await putTierTable(db, table, actorFrom(req));
    return { status: created ? 201 : 200, body: { fiscalYear: fy, effectiveFrom: fy, bands } };
  },
});

/** Updates in flight when a terms version reaches every open account. */
const FAN_OUT = 50;

const publishTerms = route({
  method: 'post',
  path: '/v1/terms-versions',
  roles: ['ops'],
  summary: 'Publish a new version of the loyalty terms to every open account; each needs its acceptance before its next award (LOY-8)',
  request: { body: s.termsVersionSchema },
  responses: { 201: { description: 'Published; `failed` names the accounts not told', schema: s.termsPublishedSchema } },
  errors: { 409: 'Already published' },
  idempotent: true,
  handler: async ({ body: { version }, req }, { temporal, db }) => {
    if (!(await publishTermsVersion(db, version, actorFrom(req))))
      throw conflict(`Terms version ${version} is already published`, [{ field: 'version', message: 'already published' }]);
    const ids = await openAccountIds(db);
    const failures = await settleInParallel(ids, FAN_OUT, (id) =>
      temporal.workflow.getHandle(loyaltyWorkflowId(id)).executeUpdate(publishTermsUpdate, { args: [{ version }] }),
    );
    // An account that closed meanwhile (404), or already has it (409), needs nothing.
    const failed = failures.filter((f) => ![404, 409].includes(toHttpError(f.error)?.status ?? 500)).map((f) => f.item);
    return { status: 201, body: { version, accounts: ids.length - failed.length, failed } };
  },
});

export const programDataRoutes = [readTierTable, putTierTableRoute, publishTerms];
