import { addDays } from '../../domain/calendar';
import { lapseDate, recertWindowOpens } from '../../domain/certification';
import { certificationsInRecert, certificationsOfPartner, type CertificationQueueRow } from '../../db/certificationQueues';
import { certificationWorkflowId } from '../../workflows/certificationDefinitions';
import type { AppDeps } from '../app';
import { route } from '../route';
import { pageOf, pageQuery, z } from '../schemas/common';
import { linkFields, workflowLink } from './sharedQueues';

// CERT-2, CERT-3: certifications with their Re-Cert window, anniversary and last day before loss.

const certificationItem = z.object({
  id: z.string(),
  partnerId: z.string(),
  country: z.string(),
  state: z.enum(['applied', 'refused', 'approved', 're-cert', 'lapsed', 'revoked']),
  certifiedOn: z.string().nullable(),
  anniversary: z.string().nullable(),
  recertOpensOn: z.string().nullable(),
  lapsesOn: z.string().nullable(),
  losingWithinWeek: z.boolean(),
  ...linkFields,
});
const certificationPage = pageOf('certifications', certificationItem).openapi('CertificationQueue');

function withDates(deps: AppDeps, rows: CertificationQueueRow[]) {
  const weekOut = addDays(deps.today(), 7);
  return rows.map((r) => {
    const lapsesOn = r.anniversary ? lapseDate(r.anniversary) : null;
    return {
      ...r,
      recertOpensOn: r.anniversary ? recertWindowOpens(r.anniversary) : null,
      lapsesOn,
      losingWithinWeek: r.state === 're-cert' && lapsesOn !== null && lapsesOn <= weekOut,
      ...workflowLink(deps, certificationWorkflowId(r.id)),
    };
  });
}

const mine = route({
  method: 'get',
  path: '/v1/my/certifications',
  roles: ['partner'],
  summary: "A partner's own certifications with the Re-Cert window, anniversary and lapse date (CERT-2, CERT-3; ALL-3)",
  request: { query: pageQuery },
  responses: { 200: { description: 'A page of certifications', schema: certificationPage } },
  handler: async ({ query, holder }, deps) => {
    const partnerId = holder.role === 'partner' ? holder.partnerId : '';
    return { status: 200, body: { certifications: withDates(deps, await certificationsOfPartner(deps.db, partnerId, query)), ...query } };
  },
});

const inRecert = route({
  method: 'get',
  path: '/v1/queues/certifications-due',
  roles: ['ops'],
  summary: 'Certifications in Re-Cert, nearest anniversary first; `losingWithinWeek` marks those within 7 days of loss (CERT-3)',
  request: { query: pageQuery },
  responses: { 200: { description: 'A page of certifications', schema: certificationPage } },
  handler: async ({ query }, deps) => ({
    status: 200,
    body: { certifications: withDates(deps, await certificationsInRecert(deps.db, query)), ...query },
  }),
});

export const certificationQueueRoutes = [mine, inRecert];
