import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AuditActor } from '../db/audit';
import type { IsoDate } from '../domain/calendar';
import { lotExpiryDate } from '../domain/credits';

// Learning Credit lots and redemptions: ids, messages, search attributes (CLC-1 … CLC-8).

export const creditLotWorkflowId = (lotId: string) => `credit-lot-${lotId}`;

export const creditSearchAttributes = {
  LotId: defineSearchAttributeKey('LotId', SearchAttributeType.KEYWORD),
  LotState: defineSearchAttributeKey('LotState', SearchAttributeType.KEYWORD),
  ExpiresOn: defineSearchAttributeKey('ExpiresOn', SearchAttributeType.DATETIME),
  Balance: defineSearchAttributeKey('Balance', SearchAttributeType.INT),
} as const;

export type LotState = 'pending' | 'active' | 'expired' | 'closed';

export interface LotRecord {
  id: string;
  accountId: string | null;
  ownerName: string;
  ownerEmail: string;
  country: string | null;
  source: 'award' | 'purchase';
  credits: number;
  issuedOn: IsoDate;
  activatesOn: IsoDate;
  expiresOn: IsoDate;
  awardQuarter: string | null;
}

/** CLC-2: an awarded lot, active from its award date and owned by the Team Captain; expires a year on. */
export function awardLotRecord(a: {
  lotId: string;
  accountId: string;
  captain: { name: string; email: string };
  credits: number;
  awardDate: IsoDate;
  quarter: string;
}): LotRecord {
  return {
    id: a.lotId,
    accountId: a.accountId,
    ownerName: a.captain.name,
    ownerEmail: a.captain.email,
    country: null,
    source: 'award',
    credits: a.credits,
    issuedOn: a.awardDate,
    activatesOn: a.awardDate,
    expiresOn: lotExpiryDate(a.awardDate),
    awardQuarter: a.quarter,
  };
}

export interface ExtensionRequest {
  requestId: string;
  usagePlan: string;
  requestedBy: string;
  requestedOn: IsoDate;
  status: 'pending' | 'approved' | 'denied';
}

export interface CreditLotState {
  lot: LotRecord;
  state: LotState;
  expiresOn: IsoDate;
  balance: number;
  /** Reminder dates already handled, so a restart or an extension never repeats one. */
  remindedOn: IsoDate[];
  forfeited: number;
  extension: ExtensionRequest | null;
  /** The day the workflow closes: 60 days after expiry while an extension may still be asked for. */
  closesOn: IsoDate;
}

export interface CreditLotInput {
  lot: LotRecord;
  carried?: CreditLotState;
  /** Issue 24: who made the purchase: its ledger entry and audit row name them (absent: before, or an award). */
  purchasedBy?: AuditActor;
}

export const lotStateQuery = defineQuery<CreditLotState>('state');
export const lotRecordedUpdate = defineUpdate<CreditLotState>('lotRecorded');
export const requestExtensionUpdate = defineUpdate<CreditLotState, [{ requestId: string; usagePlan: string; by: string }]>(
  'requestExtension',
);
export const decideExtensionUpdate = defineUpdate<
  CreditLotState,
  [{ requestId: string; approve: boolean; by: string }, actor?: AuditActor]
>('decideExtension');
/** Sent after a redemption moves credits, so the lot's Balance search attribute stays current. */
export const balanceChangedSignal = defineSignal<[number]>('balanceChanged');
