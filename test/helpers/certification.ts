import type { Knex } from 'knex';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Requirements } from '../../domain/certification';
import { certification } from '../../workflows/certification';
import { certificationId, certificationWorkflowId } from '../../workflows/certificationDefinitions';
import { uniqueId } from './temporal';

/** Every CERT-1 requirement met. */
export const fullRequirements = (): Requirements => ({
  specializations: ['express-foundation'],
  hybridItService: { type: 'cisco-powered-managed-service', endCustomerSla: true, description: true, resaleLifecycleProcess: true },
  resaleAgreement: true,
  customerService8x5: true,
  preSalesSupport: true,
  termsAccepted: true,
});

/** A registered partner's application, started on the time-skipping server. */
export async function applyForCertification(env: TestWorkflowEnvironment, db: Knex, taskQueue: string) {
  const partnerId = uniqueId('P');
  const partnerEmail = `${partnerId.toLowerCase()}@partner.example`;
  await db('partners').insert({ id: partnerId, name: `${partnerId} Ltd`, email: partnerEmail });
  const id = certificationId(partnerId, 'US');
  await env.client.workflow.start(certification, {
    workflowId: certificationWorkflowId(id),
    taskQueue,
    args: [{ id, partnerId, country: 'US', partnerEmail, requirements: fullRequirements() }],
  });
  // A handle on the latest run, since renewals continue the workflow as new.
  const handle = env.client.workflow.getHandle<typeof certification>(certificationWorkflowId(id));
  return { id, partnerId, partnerEmail, handle };
}
