import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { IsoDate } from '../../domain/calendar';
import { LEARNER_KINDS, lotExpiryDate, purchaseActivationDate } from '../../domain/credits';
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

/** The learner a test's training and exam redemptions name unless it names one (CLC-5). */
export const TEST_LEARNER = { name: 'Lee Learner', email: 'lee.learner@learners.example' };

/**
 * A redemption through the API's desk, as the team captain dlee: the state, or a CreditRefusal. What it
 * pays for and its learner (training, exams) are filled in unless the test names them, or names them
 * `undefined` to see the refusal.
 */
export async function requestRedemption(
  desk: RedemptionDeskDeps,
  input: Omit<RedemptionInput, 'redemptionId' | 'requestedBy' | 'approverEmail'> & { approverEmail?: string },
) {
  const redemptionId = uniqueId('R');
  const state = await deskRequest(desk, {
    ...('paysFor' in input ? {} : { paysFor: `${input.kind} for the team` }),
    ...('learner' in input || !LEARNER_KINDS.includes(input.kind) ? {} : { learner: TEST_LEARNER }),
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
