import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Knex } from 'knex';
import type { UseCase } from '../../domain/incentives';
import { incentiveEngagement } from '../../workflows/incentives';
import { engagementRecordedUpdate, incentiveWorkflowId } from '../../workflows/incentivesDefinitions';
import { uniqueId } from './temporal';

/**
 * A new partner's engagement on `useCase`, started straight on Temporal and recorded in the read model;
 * `phaseMonths` is the LCI-4 setting it starts with (absent: as in v0.1.0, the default).
 */
export async function openEngagement(
  h: { env: TestWorkflowEnvironment; db: Knex; taskQueue: string },
  useCase: UseCase,
  opts: { phaseMonths?: number; engagementId?: string; partnerId?: string } = {},
) {
  const engagementId = opts.engagementId ?? uniqueId('E');
  const partnerId = opts.partnerId ?? uniqueId('P');
  await h.db('partners').insert({ id: partnerId, name: partnerId, email: `${partnerId}@partner.example` });
  const handle = await h.env.client.workflow.start(incentiveEngagement, {
    workflowId: incentiveWorkflowId(engagementId),
    taskQueue: h.taskQueue,
    args: [
      {
        engagementId,
        partnerId,
        customerId: uniqueId('C'),
        partnerEmail: `${partnerId}@partner.example`,
        useCase,
        phaseMonths: opts.phaseMonths,
      },
    ],
  });
  await handle.executeUpdate(engagementRecordedUpdate);
  return { engagementId, handle };
}
