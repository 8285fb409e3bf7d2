import type { Knex } from 'knex';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { IsoDate } from '../../domain/calendar';
import type { Requirements } from '../../domain/certification';
import { certification } from '../../workflows/certification';
import { certificationId, certificationWorkflowId } from '../../workflows/certificationDefinitions';
import type { ReceivedMail } from './smtp';
import { uniqueId } from './temporal';
import type { WorkflowHarness } from './workflowHarness';

/** Every CERT-1 requirement met. */
export const fullRequirements = (): Requirements => ({
  specializations: ['express-foundation'],
  hybridItService: { type: 'cisco-powered-managed-service', endCustomerSla: true, description: true, resaleLifecycleProcess: true },
  resaleAgreement: true,
  customerService8x5: true,
  preSalesSupport: true,
  termsAccepted: true,
});

/** A registered partner's application (a new partner's, or `again` that of one already registered), on the time-skipping server. */
export async function applyForCertification(
  env: TestWorkflowEnvironment,
  db: Knex,
  taskQueue: string,
  again?: { partnerId: string; partnerEmail: string },
) {
  const partnerId = again?.partnerId ?? uniqueId('P');
  const partnerEmail = again?.partnerEmail ?? `${partnerId.toLowerCase()}@partner.example`;
  if (!again) await db('partners').insert({ id: partnerId, name: `${partnerId} Ltd`, email: partnerEmail });
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

/**
 * A recipient's emails as `[date, subject]`, each dated by the checkpoint at which it had arrived: `at(date)`
 * skips to noon of `date` (events fire at midnight), so checkpoints on an event's day and the day before
 * date it to the day. Starts on `today`, where the suite's clock is, after the emails already received.
 */
export function mailTimeline(h: Pick<WorkflowHarness, 'skipTo' | 'smtp'>, recipient: string, today: IsoDate) {
  const seen = new Set<ReceivedMail>(h.smtp.received.filter((r) => r.to.includes(recipient)));
  const entries: [IsoDate, string][] = [];
  let last = today;
  return {
    entries,
    /** Skips to each date in turn (not again to the last one) and dates the emails come by then. */
    async at(...dates: IsoDate[]) {
      for (const date of dates) {
        if (date > last) await h.skipTo(date);
        last = date;
        for (const m of h.smtp.received.filter((r) => r.to.includes(recipient) && !seen.has(r))) {
          seen.add(m);
          entries.push([date, m.subject]);
        }
      }
    },
  };
}
