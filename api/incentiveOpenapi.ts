import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { engagementSchema, idParam, successPlanSchema, telemetrySchema, useCaseSchema } from './schemas/incentives';
import { errorSchema } from './schemas/common';

const body = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const err = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });
const common = {
  400: err('Malformed input; `errors` names each bad field'),
  401: err('No valid bearer token'),
  403: err('Your role or ownership does not allow this'),
  404: err('Not found'),
};

/** The Lifecycle Incentives paths (LCI-1 … LCI-3) of the OpenAPI document. */
export function registerIncentivePaths(registry: OpenAPIRegistry, security: { bearer: string[] }[]) {
  const path = (
    method: 'get' | 'post' | 'put' | 'delete',
    p: string,
    summary: string,
    request: object,
    ok: Record<number, string>,
    extra: Record<number, object> = {},
  ) =>
    registry.registerPath({
      method,
      path: p,
      summary,
      security,
      request,
      responses: { ...Object.fromEntries(Object.entries(ok).map(([s, d]) => [s, { description: d }])), ...common, ...extra },
    });
  path(
    'get',
    '/v1/catalogue',
    'The use cases offered to new engagements, with phases, goals and payments (ops, partner; LCI-1)',
    {},
    { 200: 'The catalogue' },
  );
  path(
    'get',
    '/v1/catalogue/use-cases/{id}',
    'One use case, retired or not (ops, partner; LCI-1)',
    { params: idParam },
    { 200: 'The use case and its version' },
  );
  path(
    'put',
    '/v1/catalogue/use-cases/{id}',
    'Create or replace a use case (ops; LCI-1). Open engagements keep the phases they started with',
    { params: idParam, body: body(useCaseSchema) },
    { 200: 'Replaced: a new version', 201: 'Created' },
  );
  path(
    'delete',
    '/v1/catalogue/use-cases/{id}',
    'Retire a use case: no new engagements; open ones go on (ops; LCI-1)',
    { params: idParam },
    { 200: 'Retired' },
  );
  path(
    'post',
    '/v1/engagements',
    'A partner opens an engagement for a customer and a use case (ops name the partner; LCI-1)',
    { body: body(engagementSchema) },
    { 201: 'Opened; its workflow runs' },
    { 409: err('The use case is retired') },
  );
  path(
    'get',
    '/v1/engagements/{id}',
    "An engagement's phase and progress against each goal, from its workflow (ops, the partner)",
    { params: idParam },
    { 200: 'The engagement' },
  );
  path(
    'post',
    '/v1/engagements/{id}/success-plan',
    'Attach a Customer Success Plan: kept, never required (the partner; LCI-3)',
    { params: idParam, body: body(successPlanSchema) },
    { 201: 'Kept' },
  );
  path(
    'post',
    '/v1/telemetry',
    'A batch of readings, stored once and delivered to the engagements watching each customer (telemetry; LCI-2)',
    { body: body(telemetrySchema) },
    { 202: 'Stored and delivered' },
    { 503: err('Some engagements could not be told; resend the batch') },
  );
  path('get', '/v1/payments', 'Phase payments approved (ops: all; a partner: its own; LCI-2)', {}, { 200: 'The payments' });
}
