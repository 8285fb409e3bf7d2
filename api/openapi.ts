import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { operations } from './operations';
import type { Operation } from './route';
import { IDEMPOTENCY_HEADER } from './idempotency';
import { errorSchema } from './schemas/common';

// The OpenAPI document, built from the same declarations that serve the routes (api/operations.ts):
// every operation with its request schemas and the schema of every answer, for a generated client.

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const failure = (description: string): ResponseConfig => ({ description, content: json(errorSchema) });

/** The answers every declared operation may give besides its own. */
const common = {
  400: failure('Malformed input; `errors` names each bad field'),
  401: failure('No valid bearer token'),
  403: failure('Your role or ownership does not allow this'),
  503: {
    ...failure('Temporal or the database does not answer; retry after the delay given'),
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
  } as ResponseConfig,
};

/** ALL-4: the header an idempotent operation honours, and the two refusals it adds. */
const idempotencyHeader = z.object({
  [IDEMPOTENCY_HEADER]: z.string().min(1).max(255).optional().openapi({
    description: 'A key of your own (a UUID): a retry with it gets the first answer again, nothing happens twice; kept 24 hours',
  }),
});
const idempotencyRefusals = {
  409: failure('A request with this Idempotency-Key is still in progress (`request_in_progress`); retry after Retry-After'),
  422: failure('The Idempotency-Key was used with another request (`idempotency_key_reused`)'),
};

function responsesOf(op: Operation): Record<number, ResponseConfig> {
  const responses: Record<number, ResponseConfig> = {};
  for (const [status, success] of Object.entries(op.responses)) {
    const content = success.csv ? { ...json(success.schema), 'text/csv': { schema: z.string() } } : json(success.schema);
    const location = success.location && {
      Location: { description: `The new resource: ${success.location}`, schema: { type: 'string' as const } },
    };
    responses[Number(status)] = { description: success.description, content, ...(location ? { headers: location } : {}) };
  }
  for (const [status, description] of Object.entries(op.errors ?? {})) responses[Number(status)] = failure(description);
  if (op.idempotent)
    for (const [status, refusal] of Object.entries(idempotencyRefusals)) {
      const own = op.errors?.[Number(status) as 409 | 422];
      responses[Number(status)] = own ? failure(`${own}; or: ${refusal.description}`) : refusal;
    }
  return { ...responses, ...common };
}

function requestOf(op: Operation) {
  const { params, query, body } = op.request;
  return {
    ...(params ? { params: params as z.ZodObject } : {}),
    ...(query ? { query: query as z.ZodObject } : {}),
    ...(op.idempotent ? { headers: idempotencyHeader } : {}),
    ...(body ? { body: { content: json(body), required: !body.safeParse(undefined).success } } : {}),
  };
}

export function buildOpenApi(declared: readonly Operation[] = operations) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Postgres and Temporal both answer',
    responses: { 200: { description: 'Healthy' }, 503: { description: 'Names what does not answer' } },
  });
  for (const op of declared) {
    registry.registerPath({
      method: op.method,
      path: op.path,
      summary: op.summary,
      description: `Roles: ${op.roles.join(', ')}`,
      security: [{ bearer: [] }],
      request: requestOf(op),
      responses: responsesOf(op),
    });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Cisco Programs API',
      version: '0.1.0',
      description: 'Customer Loyalty, Learning Credits, Premier Certification and Lifecycle Incentives on Temporal workflows',
    },
  });
}
