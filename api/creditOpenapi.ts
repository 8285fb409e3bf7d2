import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { type z } from 'zod';
import {
  autoApprovalSchema,
  decisionSchema,
  expiringQuery,
  extensionRequestSchema,
  lotIdParam,
  monthParam,
  periodQuery,
  purchaseSchema,
  redemptionSchema,
  reportFormat,
} from './schemas/credits';
import { errorSchema } from './schemas/common';
import { accountIdParam } from './schemas/loyalty';

const body = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const err = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });
const common = {
  400: err('Malformed input; `errors` names each bad field'),
  401: err('No valid bearer token'),
  403: err('Your role or ownership does not allow this'),
  404: err('Not found'),
};

/** The Learning Credit paths (CLC-1 … CLC-8) of the OpenAPI document. */
export function registerCreditPaths(registry: OpenAPIRegistry, security: { bearer: string[] }[]) {
  const path = (
    method: 'get' | 'post' | 'put',
    p: string,
    summary: string,
    request: object,
    ok: number,
    extra: Record<number, object> = {},
  ) =>
    registry.registerPath({ method, path: p, summary, security, request, responses: { [ok]: { description: 'OK' }, ...common, ...extra } });
  path(
    'post',
    '/v1/purchases',
    'Record a purchase of credits as a new lot (ops, account-manager; CLC-1, CLC-2)',
    { body: body(purchaseSchema) },
    201,
    { 422: err('Package sizes or country not allowed') },
  );
  path('get', '/v1/lots/{id}', "A lot's state and balance", { params: lotIdParam }, 200);
  path('get', '/v1/accounts/{id}/lots', "An account's lots with their balances", { params: accountIdParam }, 200);
  path('get', '/v1/accounts/{id}/balance', "An account's balance, by lot", { params: accountIdParam }, 200);
  path(
    'put',
    '/v1/accounts/{id}/auto-approval',
    'The Team Captain turns auto-approval on or off (CLC-6)',
    { params: accountIdParam, body: body(autoApprovalSchema) },
    200,
  );
  path(
    'post',
    '/v1/lots/{id}/extension-requests',
    'Ask for the one six-month extension, with a usage plan (CLC-4)',
    { params: lotIdParam, body: body(extensionRequestSchema) },
    201,
    { 409: err('Already asked'), 422: err('Outside the window') },
  );
  path(
    'post',
    '/v1/extension-requests/{id}/decision',
    'Ops approve or deny an extension (CLC-4)',
    { params: lotIdParam, body: body(decisionSchema) },
    200,
    { 409: err('Already decided') },
  );
  path(
    'post',
    '/v1/redemptions',
    'Redeem credits; held until the Team Captain decides (CLC-5, CLC-6, CLC-7)',
    { body: body(redemptionSchema) },
    201,
    { 422: err('Not enough credits, or a redemption rule broken') },
  );
  path(
    'post',
    '/v1/redemptions/{id}/decision',
    "The account's own Team Captain approves or rejects (CLC-6)",
    { params: lotIdParam, body: body(decisionSchema) },
    200,
    { 409: err('Already decided') },
  );
  path('get', '/v1/accounts/{id}/statements/{month}', 'A monthly statement of account activity (CLC-8)', { params: monthParam }, 200);
  path('get', '/v1/reports/balances', 'Balances by account, JSON or CSV (CLC-8)', { query: reportFormat }, 200);
  path('get', '/v1/reports/expiring', 'Credits expiring in the next N days, JSON or CSV (CLC-8)', { query: expiringQuery }, 200);
  path('get', '/v1/reports/redemptions', 'Redemptions in a period, JSON or CSV (CLC-8)', { query: periodQuery }, 200);
}
