import { Router, type Request } from 'express';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { unmetRequirements } from '../../domain/certification';
import { certification } from '../../workflows/certification';
import {
  certificationId,
  certificationRecordedUpdate,
  certificationStateQuery,
  certificationWorkflowId,
  csatResponsesUpdate,
  decideCertificationUpdate,
  grantExtensionUpdate,
  markCompliantUpdate,
  moveToGoldUpdate,
  nonComplianceNoticeUpdate,
  renewCertificationUpdate,
  revokeUpdate,
} from '../../workflows/certificationDefinitions';
import { actorOf, allow, holderOf } from '../auth';
import { conflict, forbidden, notFound, unprocessable } from '../errors';
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
} from '../schemas/certification';
import { fromTemporal } from '../temporalErrors';
import { parse } from '../validate';
import type { AppDeps } from '../app';

/** ALL-3: a partner sees and acts on its own certifications only (ids start with its partner id). */
async function ownedCertification(req: Request, db: AppDeps['db'], id: string) {
  const row = await db('certifications').where({ id }).first('id', 'partner_id');
  if (!row) throw notFound(`Certification ${id}`);
  const holder = holderOf(req);
  if (holder.role === 'partner' && holder.partnerId !== row.partner_id) throw forbidden('This is not your certification');
  return id;
}

const handleOf = (temporal: Client, id: string) => temporal.workflow.getHandle(certificationWorkflowId(id));
async function call<T>(id: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw fromTemporal(err, `Certification ${id}`);
  }
}

export function certificationRoutes({ temporal, db, config }: AppDeps): Router {
  const router = Router();

  router.post('/v1/partners', allow('ops'), async (req, res) => {
    const partner = parse(partnerSchema, req.body);
    const inserted = await db('partners').insert(partner).onConflict('id').ignore().returning('id');
    if (!inserted.length) throw conflict(`Partner ${partner.id} is already registered`, [{ field: 'id', message: 'already registered' }]);
    res.status(201).json(partner);
  });

  // CERT-1: only a Registered Partner applies, for itself; a refusal lists every requirement missed.
  router.post('/v1/certifications', allow('partner'), async (req, res) => {
    const holder = holderOf(req);
    const partnerId = holder.role === 'partner' ? holder.partnerId : '';
    const { country, requirements } = parse(applicationSchema, req.body);
    const partner = await db('partners').where({ id: partnerId }).first('email');
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
      args: [{ id, partnerId, country, partnerEmail: partner.email, requirements }],
      staticSummary: `Premier Certification ${partnerId} in ${country}`,
    });
    await call(id, () => temporal.workflow.executeUpdateWithStart(certificationRecordedUpdate, { startWorkflowOperation: start }));
    res
      .status(201)
      .location(`/v1/certifications/${id}`)
      .json({ certificationId: id, workflowId: certificationWorkflowId(id) });
  });

  router.get('/v1/certifications', allow('ops', 'partner'), async (req, res) => {
    const { state } = parse(certificationListQuery, req.query);
    const holder = holderOf(req);
    const q = db('certifications')
      .orderBy('id')
      .select('id', 'partner_id as partnerId', 'country', 'state', 'certified_on as certifiedOn', 'anniversary');
    if (state) q.where({ state });
    if (holder.role === 'partner') q.where({ partner_id: holder.partnerId });
    res.json({ certifications: await q });
  });

  router.get('/v1/certifications/:id', allow('ops', 'partner'), async (req, res) => {
    const id = await ownedCertification(req, db, parse(certificationIdParam, req.params).id);
    res.json(await call(id, () => handleOf(temporal, id).query(certificationStateQuery)));
  });

  // Each command goes to the certification's workflow as an update; its validator states the rule broken.
  const command = (path: string, roles: ('ops' | 'partner')[], run: (h: ReturnType<typeof handleOf>, req: Request) => Promise<unknown>) =>
    router.post(`/v1/certifications/:id/${path}`, allow(...roles), async (req, res) => {
      const id = await ownedCertification(req, db, parse(certificationIdParam, req.params).id);
      res.json(await call(id, () => run(handleOf(temporal, id), req)));
    });
  command('decision', ['ops'], (h, req) =>
    h.executeUpdate(decideCertificationUpdate, { args: [{ ...parse(certificationDecisionSchema, req.body), by: actorOf(holderOf(req)) }] }),
  );
  command('renewal', ['partner'], (h, req) => h.executeUpdate(renewCertificationUpdate, { args: [parse(requirementsSchema, req.body)] }));
  command('csat-responses', ['ops'], (h, req) => h.executeUpdate(csatResponsesUpdate, { args: [parse(csatSchema, req.body)] }));
  command('non-compliance-notices', ['partner'], (h, req) =>
    h.executeUpdate(nonComplianceNoticeUpdate, { args: [parse(noticeSchema, req.body)] }),
  );
  command('extension', ['ops'], (h, req) =>
    h.executeUpdate(grantExtensionUpdate, { args: [{ ...parse(extensionSchema, req.body), by: actorOf(holderOf(req)) }] }),
  );
  command('compliance', ['ops'], (h, req) => h.executeUpdate(markCompliantUpdate, { args: [{ by: actorOf(holderOf(req)) }] }));
  command('gold', ['ops'], (h, req) => h.executeUpdate(moveToGoldUpdate, { args: [{ by: actorOf(holderOf(req)) }] }));
  command('revocation', ['ops'], (h, req) =>
    h.executeUpdate(revokeUpdate, { args: [{ ...parse(revocationSchema, req.body), by: actorOf(holderOf(req)) }] }),
  );

  return router;
}
