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
  opts: { phaseMonths?: number; engagementId?: string; partnerId?: string; customerId?: string } = {},
) {
  const { engagementId, handle } = await startEngagement(h, useCase, opts);
  await handle.executeUpdate(engagementRecordedUpdate);
  return { engagementId, handle };
}

/**
 * An engagement's workflow started as the API starts it, without waiting for its record: for a start
 * that the read model may refuse (LCI-5). The partner is made when it is not there yet.
 */
export async function startEngagement(
  h: { env: TestWorkflowEnvironment; db: Knex; taskQueue: string },
  useCase: UseCase,
  opts: { phaseMonths?: number; engagementId?: string; partnerId?: string; customerId?: string } = {},
) {
  const engagementId = opts.engagementId ?? uniqueId('E');
  const partnerId = opts.partnerId ?? uniqueId('P');
  await h
    .db('partners')
    .insert({ id: partnerId, name: partnerId, email: `${partnerId}@partner.example` })
    .onConflict('id')
    .ignore();
  const handle = await h.env.client.workflow.start(incentiveEngagement, {
    workflowId: incentiveWorkflowId(engagementId),
    taskQueue: h.taskQueue,
    args: [
      {
        engagementId,
        partnerId,
        customerId: opts.customerId ?? uniqueId('C'),
        partnerEmail: `${partnerId}@partner.example`,
        useCase,
        phaseMonths: opts.phaseMonths,
      },
    ],
  });
  return { engagementId, handle };
}
