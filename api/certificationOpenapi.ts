import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  applicationSchema,
  certificationDecisionSchema,
  certificationIdParam,
  certificationListQuery,
  csatSchema,
  extensionSchema,
  noticeSchema,
  partnerSchema,
  requirementsSchema,
  revocationSchema,
} from './schemas/certification';
import { errorSchema } from './schemas/common';

const body = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const err = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });
const common = {
  400: err('Malformed input; `errors` names each bad field'),
  401: err('No valid bearer token'),
  403: err('Your role or ownership does not allow this'),
  404: err('Not found'),
};

/** The Premier Certification paths (CERT-1 … CERT-5) of the OpenAPI document. */
export function registerCertificationPaths(registry: OpenAPIRegistry, security: { bearer: string[] }[]) {
  const path = (method: 'get' | 'post', p: string, summary: string, request: object, ok: number, extra: Record<number, object> = {}) =>
    registry.registerPath({ method, path: p, summary, security, request, responses: { [ok]: { description: 'OK' }, ...common, ...extra } });
  path('post', '/v1/partners', 'Register a partner (ops)', { body: body(partnerSchema) }, 201, { 409: err('Already registered') });
  path('post', '/v1/certifications', 'A Registered Partner applies for itself (CERT-1)', { body: body(applicationSchema) }, 201, {
    409: err('Already applied'),
    422: err('Every unmet requirement'),
  });
  path('get', '/v1/certifications', 'Certifications by state (ops: all; a partner: its own)', { query: certificationListQuery }, 200);
  path('get', '/v1/certifications/{id}', "A certification's state, from its workflow", { params: certificationIdParam }, 200);
  const cmd = (suffix: string, summary: string, schema: z.ZodType) =>
    path('post', `/v1/certifications/{id}/${suffix}`, summary, { params: certificationIdParam, body: body(schema) }, 200, {
      409: err('Not allowed in the current state'),
      422: err('A rule is broken'),
    });
  cmd('decision', 'Ops approve or refuse an application (CERT-1)', certificationDecisionSchema);
  cmd('renewal', 'The partner renews in the window with every requirement met (CERT-3)', requirementsSchema);
  cmd('csat-responses', 'Record survey responses and the Low Score Follow-Up (ops; CERT-4)', csatSchema);
  cmd('non-compliance-notices', 'The partner reports non-compliance (CERT-5)', noticeSchema);
  cmd('extension', 'Ops grant a compliance extension after timely notice (CERT-5)', extensionSchema);
  cmd('compliance', 'Ops record that the partner is compliant again (CERT-5)', z.object({}));
  cmd('gold', 'The partner moves from Premier to Gold (ops; CERT-4)', z.object({}));
  cmd('revocation', 'Ops revoke (CERT-5)', revocationSchema);
}
