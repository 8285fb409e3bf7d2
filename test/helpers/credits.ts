import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { IsoDate } from '../../domain/calendar';
import { lotExpiryDate, purchaseActivationDate } from '../../domain/credits';
import { creditLot } from '../../workflows/creditLot';
import { redemption } from '../../workflows/redemption';
import { creditLotWorkflowId, placeHoldUpdate, redemptionWorkflowId, type LotRecord, type RedemptionInput } from '../../workflows/creditDefinitions';
import { uniqueId } from './temporal';

/** Starts a purchased lot's workflow and waits until its lot row and ledger entry exist. */
export async function startPurchasedLot(env: TestWorkflowEnvironment, taskQueue: string, opts: { credits: number; invoiceDate: IsoDate; ownerEmail?: string; accountId?: string | null }) {
  const lot: LotRecord = {
    id: uniqueId('LP'),
    accountId: opts.accountId ?? null,
    ownerName: 'Pat Buyer',
    ownerEmail: opts.ownerEmail ?? 'pat@buyer.example',
    country: 'US',
    source: 'purchase',
    credits: opts.credits,
    issuedOn: opts.invoiceDate,
    activatesOn: purchaseActivationDate(opts.invoiceDate),
    expiresOn: lotExpiryDate(opts.invoiceDate),
    awardQuarter: null,
  };
  const handle = await env.client.workflow.start(creditLot, { workflowId: creditLotWorkflowId(lot.id), taskQueue, args: [{ lot }] });
  return { lot, handle };
}

/** Starts a redemption and waits for its hold: resolves with the state, or rejects with the refusal. */
export async function requestRedemption(env: TestWorkflowEnvironment, taskQueue: string, input: Omit<RedemptionInput, 'redemptionId' | 'requestedBy' | 'approverEmail'> & { approverEmail?: string }) {
  const redemptionId = uniqueId('R');
  const handle = await env.client.workflow.start(redemption, {
    workflowId: redemptionWorkflowId(redemptionId),
    taskQueue,
    args: [{ ...input, redemptionId, requestedBy: 'team-captain:dlee', approverEmail: input.approverEmail ?? 'captain@test.example' }],
  });
  const state = await handle.executeUpdate(placeHoldUpdate);
  return { redemptionId, handle, state };
}
