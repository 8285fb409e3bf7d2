import { WithStartWorkflowOperation, type Client, type WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import type { Role, TokenHolder } from '../../config/env';
import type { AuditActor } from '../../db/audit';
import { registerPartner } from '../../db/certification';
import { findCertification, findPartner, listCertifications } from '../../db/certificationReads';
import { unmetRequirements } from '../../domain/certification';
import { certification } from '../../workflows/certification';
import * as messages from '../../workflows/certificationDefinitions';
import { certificationId, certificationWorkflowId, type CertificationState } from '../../workflows/certificationDefinitions';
import type { AppDeps } from '../app';
import { actorFrom, actorOf } from '../auth';
import { conflict, forbidden, notFound, unprocessable } from '../errors';
import { route } from '../route';
import * as s from '../schemas/certification';

type Handle = WorkflowHandle<typeof certification>;

/** ALL-3: a partner sees and acts on its own certifications only. */
async function ownedCertification(db: AppDeps['db'], holder: TokenHolder, id: string): Promise<string> {
  const row = await findCertification(db, id);
  if (!row) throw notFound(`Certification ${id}`);
  if (holder.role === 'partner' && holder.partnerId !== row.partnerId) throw notFound(`Certification ${id}`);
  return id;
}

const handleOf = (temporal: Client, id: string): Handle => temporal.workflow.getHandle(certificationWorkflowId(id));

const registerPartnerRoute = route({
  method: 'post',
  path: '/v1/partners',
  roles: ['ops'],
  summary: 'Register a partner, which may then apply for certifications (CERT-1) and open engagements (LCI-1)',
  request: { body: s.partnerSchema },
  responses: { 201: { description: 'Registered', schema: s.partnerSchema } },
  errors: { 409: 'Already registered' },
  idempotent: true,
  handler: async ({ body: partner, req }, { db }) => {
    if (!(await registerPartner(db, partner, actorFrom(req))))
      throw conflict(`Partner ${partner.id} is already registered`, [{ field: 'id', message: 'already registered' }]);
    return { status: 201, body: partner };
  },
});

const apply = route({
  method: 'post',
  path: '/v1/certifications',
  roles: ['partner'],
  summary: 'A Registered Partner applies for itself; a refusal lists every requirement missed (CERT-1)',
  request: { body: s.applicationSchema },
  responses: {
    201: { description: 'Applied; its workflow runs', schema: s.certificationCreatedSchema, location: '/v1/certifications/{id}' },
  },
  errors: { 409: 'Already applied', 422: 'Every unmet requirement' },
  idempotent: true,
  handler: async ({ body: { country, requirements }, holder, req }, { temporal, db, config }) => {
    const partnerId = holder.role === 'partner' ? holder.partnerId : '';
    const partner = await findPartner(db, partnerId);
    if (!partner) throw forbidden(`${partnerId} is not a Registered Partner`);
    const unmet = unmetRequirements(requirements);
    if (unmet.length)
      throw unprocessable(
        `${unmet.length} requirement(s) not met`,
        unmet.map((u) => ({ field: `requirements.${u.field}`, message: u.message })),
      );
    const id = certificationId(partnerId, country);
    const start = new WithStartWorkflowOperation(certification, {
      workflowId: certificationWorkflowId(id),
      taskQueue: config.taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ id, partnerId, country, partnerEmail: partner.email, requirements, appliedBy: actorFrom(req) }],
      staticSummary: `Premier Certification ${partnerId} in ${country}`,
    });
    await temporal.workflow.executeUpdateWithStart(messages.certificationRecordedUpdate, { startWorkflowOperation: start });
    return { status: 201, body: { certificationId: id, workflowId: certificationWorkflowId(id) }, location: { id } };
  },
});

const list = route({
  method: 'get',
  path: '/v1/certifications',
  roles: ['ops', 'partner'],
  summary: 'Certifications by state, from the read model (ops: all; a partner: its own; ALL-3)',
  request: { query: s.certificationListQuery },
  responses: { 200: { description: 'The certifications', schema: s.certificationListSchema } },
  handler: async ({ query: { state, ...page }, holder }, { db }) => {
    const partnerId = holder.role === 'partner' ? holder.partnerId : undefined;
    return { status: 200, body: { certifications: await listCertifications(db, { state, partnerId }, page), ...page } };
  },
});

const read = route({
  method: 'get',
  path: '/v1/certifications/{id}',
  roles: ['ops', 'partner'],
  summary: "A certification's state, from its workflow (ALL-3)",
  request: { params: s.certificationIdParam },
  responses: { 200: { description: 'The certification', schema: s.certificationStateSchema } },
  errors: { 404: 'No such certification' },
  handler: async ({ params, holder }, { temporal, db }) => {
    const id = await ownedCertification(db, holder, params.id);
    return { status: 200, body: await handleOf(temporal, id).query(messages.certificationStateQuery) };
  },
});

const OPS_DECISIONS = new Set(['decision', 'revocation']);

/**
 * A command on a certification: an update of its workflow, whose validator states the rule broken. Who gave
 * it is carried in the update: the workflow audits the change with it (issue 24).
 */
function command<B extends z.ZodType>(
  suffix: string,
  roles: readonly Role[],
  summary: string,
  body: B,
  run: (handle: Handle, body: z.output<B>, by: string, actor: AuditActor) => Promise<CertificationState>,
) {
  return route({
    method: 'post',
    path: `/v1/certifications/{id}/${suffix}`,
    roles,
    summary,
    request: { params: s.certificationIdParam, body },
    responses: { 200: { description: 'The certification after the command', schema: s.certificationStateSchema } },
    errors: { 404: 'No such certification', 409: 'Not allowed in the current state', 422: 'A rule is broken' },
    // ALL-4: ops' decisions keep their natural key (a certification is decided or revoked once).
    idempotent: !OPS_DECISIONS.has(suffix),
    handler: async ({ params, body: input, holder, req }, { temporal, db }) => {
      const id = await ownedCertification(db, holder, params.id);
      const after = await run(handleOf(temporal, id), input as z.output<B>, actorOf(holder), actorFrom(req));
      return { status: 200, body: after };
    },
  });
}

// Ops' word is the whole command: nothing to send.
const noBody = z.object({}).optional();

export const certificationRoutes = [
  registerPartnerRoute,
  apply,
  list,
  read,
  command('decision', ['ops'], 'Ops approve or refuse an application (CERT-1)', s.certificationDecisionSchema, (h, b, by, actor) =>
    h.executeUpdate(messages.decideCertificationUpdate, { args: [{ ...b, by }, actor] }),
  ),
  command(
    'renewal',
    ['partner'],
    'The partner renews in the window with every requirement met (CERT-3)',
    s.requirementsSchema,
    (h, b, _by, actor) => h.executeUpdate(messages.renewCertificationUpdate, { args: [b, actor] }),
  ),
  command('csat-responses', ['ops'], 'Record survey responses and the Low Score Follow-Up (CERT-4)', s.csatSchema, (h, b, _by, actor) =>
    h.executeUpdate(messages.csatResponsesUpdate, { args: [b, actor] }),
  ),
  command('non-compliance-notices', ['partner'], 'The partner reports non-compliance (CERT-5)', s.noticeSchema, (h, b, _by, actor) =>
    h.executeUpdate(messages.nonComplianceNoticeUpdate, { args: [b, actor] }),
  ),
  command(
    'extension',
    ['ops'],
    'Ops grant a compliance extension, theirs to refuse after late notice (CERT-5)',
    s.extensionSchema,
    (h, b, by, actor) => h.executeUpdate(messages.grantExtensionUpdate, { args: [{ ...b, by }, actor] }),
  ),
  command(
    'compliance',
    ['ops'],
    "Ops record that the partner is compliant again, or confirm it at an extension's end (CERT-5)",
    noBody,
    (h, _b, by, actor) => h.executeUpdate(messages.markCompliantUpdate, { args: [{ by }, actor] }),
  ),
  command('gold', ['ops'], 'The partner moves from Premier to Gold (CERT-4)', noBody, (h, _b, by, actor) =>
    h.executeUpdate(messages.moveToGoldUpdate, { args: [{ by }, actor] }),
  ),
  command(
    'revocation',
    ['ops'],
    'Ops revoke, notified or not; not while an extension runs (CERT-5)',
    s.revocationSchema,
    (h, b, by, actor) => h.executeUpdate(messages.revokeUpdate, { args: [{ ...b, by }, actor] }),
  ),
];
