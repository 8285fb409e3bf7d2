import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { IsoDate } from '../../domain/calendar';
import { lotExpiryDate, purchaseActivationDate } from '../../domain/credits';
import { creditLot } from '../../workflows/credits';
import {
  decideRedemption as deskDecide,
  requestRedemption as deskRequest,
  type RedemptionDeskDeps,
  type RedemptionInput,
} from '../../services/creditsRedemptions';
import { redemptionRow } from '../../db/creditsReads';
import { creditLotWorkflowId, type LotRecord } from '../../workflows/creditsDefinitions';
import { uniqueId } from './temporal';

/** Starts a purchased lot's workflow and waits until its lot row and ledger entry exist. */
export async function startPurchasedLot(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  opts: { credits: number; invoiceDate: IsoDate; ownerEmail?: string; accountId?: string | null; lotId?: string },
) {
  const lot: LotRecord = {
    id: opts.lotId ?? uniqueId('LP'),
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

/** A redemption through the API's desk, as the team captain dlee: the state, or a CreditRefusal. */
export async function requestRedemption(
  desk: RedemptionDeskDeps,
  input: Omit<RedemptionInput, 'redemptionId' | 'requestedBy' | 'approverEmail'> & { approverEmail?: string },
) {
  const redemptionId = uniqueId('R');
  const state = await deskRequest(desk, {
    ...input,
    redemptionId,
    requestedBy: 'team-captain:dlee',
    approverEmail: input.approverEmail ?? 'captain@test.example',
  });
  return { redemptionId, state };
}

/** The captain's decision through the desk, on the request as the API reads it. */
export async function decideRedemption(desk: RedemptionDeskDeps, redemptionId: string, approve: boolean, by = 'team-captain:dlee') {
  const row = await redemptionRow(desk.db, redemptionId);
  if (!row) throw new Error(`no redemption ${redemptionId}`);
  return deskDecide(desk, row, { approve, by });
}
