import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { type z } from 'zod';
import { registerCreditPaths } from './creditOpenapi';
import { registerCertificationPaths } from './certificationOpenapi';
import { registerIncentivePaths } from './incentiveOpenapi';
import {
  accountIdParam,
  accountListQuery,
  bookingsSchema,
  fiscalYearParam,
  teamCaptainSchema,
  termsVersionSchema,
  tierTableSchema,
  accountStateSchema,
  nominationCreatedSchema,
  nominationSchema,
  termsAcceptanceSchema,
  withdrawalSchema,
} from './schemas/loyalty';
import { errorSchema } from './schemas/common';

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = {
  400: json(errorSchema, 'Malformed input; `errors` names each bad field'),
  401: json(errorSchema, 'No valid bearer token'),
  403: json(errorSchema, 'Your role or ownership does not allow this'),
};

/** The OpenAPI document, generated from the zod schemas that validate the requests. */
export function buildOpenApi() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const security = [{ bearer: [] }];

  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Postgres and Temporal both answer',
    responses: { 200: { description: 'Healthy' }, 503: { description: 'Names what does not answer' } },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/nominations',
    summary: 'An Account Manager nominates a customer (LOY-1, LOY-2, LOY-3)',
    security,
    request: { body: { content: { 'application/json': { schema: nominationSchema } } } },
    responses: {
      201: json(nominationCreatedSchema, 'Nominated; the lifecycle workflow runs'),
      ...errors,
      409: json(errorSchema, 'The company or its group already belongs to an account'),
      422: json(errorSchema, 'Not eligible; every reason listed'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/accounts/{id}',
    summary: "The account's state, from its workflow",
    security,
    request: { params: accountIdParam },
    responses: { 200: json(accountStateSchema, 'The account'), ...errors, 404: json(errorSchema, 'No such account') },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/accounts/{id}/terms-acceptance',
    summary: "The account's own Team Captain accepts the terms (LOY-4)",
    security,
    request: { params: accountIdParam, body: { content: { 'application/json': { schema: termsAcceptanceSchema } } } },
    responses: {
      200: json(accountStateSchema, 'Enrolled'),
      ...errors,
      404: json(errorSchema, 'No such account'),
      409: json(errorSchema, 'Already accepted'),
      422: json(errorSchema, 'Not the current terms version'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/accounts/{id}/withdrawal',
    summary: 'Ops withdraws an account (LOY-9)',
    security,
    request: { params: accountIdParam, body: { content: { 'application/json': { schema: withdrawalSchema } } } },
    responses: {
      200: json(accountStateSchema, 'Withdrawn'),
      ...errors,
      404: json(errorSchema, 'No such account'),
      409: json(errorSchema, 'Already closed'),
    },
  });

  const accountPath = (method: 'post' | 'put', suffix: string, summary: string, schema: z.ZodType, roles: string) =>
    registry.registerPath({
      method,
      path: `/v1/accounts/{id}/${suffix}`,
      summary: `${summary} (${roles})`,
      security,
      request: { params: accountIdParam, body: { content: { 'application/json': { schema } } } },
      responses: {
        200: json(accountStateSchema, 'The account after the change'),
        ...errors,
        404: json(errorSchema, 'No such account'),
        409: json(errorSchema, 'Conflicts with the account as it is'),
      },
    });
  accountPath('put', 'team-captain', 'Replace the Team Captain (LOY-8)', teamCaptainSchema, 'account-manager, ops');
  accountPath(
    'post',
    'bookings',
    "Record a fiscal year's bookings for the next August re-tier (LOY-6)",
    bookingsSchema,
    'account-manager, ops',
  );
  registry.registerPath({
    method: 'get',
    path: '/v1/accounts',
    summary: 'Accounts by state and tier, from the read model (account-manager, ops)',
    security,
    request: { query: accountListQuery },
    responses: { 200: { description: 'A page of accounts' }, ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/tier-tables/{fy}',
    summary: "A fiscal year's tier table, or the latest earlier one (LOY-5)",
    security,
    request: { params: fiscalYearParam },
    responses: { 200: json(tierTableSchema, 'The table in force'), ...errors, 404: json(errorSchema, 'No table') },
  });
  registry.registerPath({
    method: 'put',
    path: '/v1/tier-tables/{fy}',
    summary: "Replace a fiscal year's tier table (ops; LOY-5)",
    security,
    request: { params: fiscalYearParam, body: { content: { 'application/json': { schema: tierTableSchema } } } },
    responses: {
      200: json(tierTableSchema, 'Replaced'),
      201: json(tierTableSchema, 'Created'),
      ...errors,
      422: json(errorSchema, 'Bands that do not make a usable table'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/terms-versions',
    summary: 'Publish a new version of the loyalty terms to every open account (ops; LOY-8)',
    security,
    request: { body: { content: { 'application/json': { schema: termsVersionSchema } } } },
    responses: { 201: { description: 'Published' }, ...errors, 409: json(errorSchema, 'Already published') },
  });

  registerCreditPaths(registry, security);
  registerCertificationPaths(registry, security);
  registerIncentivePaths(registry, security);

  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Cisco Programs API',
      version: '0.1.0',
      description: 'Customer Loyalty, Learning Credits, Premier Certification and Lifecycle Incentives on Temporal workflows',
    },
  });
}
