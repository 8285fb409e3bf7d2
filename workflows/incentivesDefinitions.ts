import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';
import type { Reading, UseCase } from '../domain/incentives';
import type { AuditActor } from '../db/audit';

// Lifecycle Incentives: ids, messages and search attributes (LCI-1 … LCI-3).

export const incentiveWorkflowId = (engagementId: string) => `incentive-${engagementId}`;

export const incentiveSearchAttributes = {
  PartnerId: defineSearchAttributeKey('PartnerId', SearchAttributeType.KEYWORD),
  CustomerId: defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD),
  UseCase: defineSearchAttributeKey('UseCase', SearchAttributeType.KEYWORD),
  Phase: defineSearchAttributeKey('Phase', SearchAttributeType.KEYWORD),
} as const;

export interface EngagementState {
  engagementId: string;
  partnerId: string;
  customerId: string;
  partnerEmail: string;
  useCase: UseCase;
  state: 'active' | 'completed' | 'expired';
  phaseIndex: number;
  phaseStartedOn: IsoDate;
  deadline: IsoDate;
  latest: Record<string, Reading>;
  payments: { phase: string; amountUsd: number; approvedOn: IsoDate }[];
}

export interface EngagementInput {
  engagementId: string;
  partnerId: string;
  customerId: string;
  partnerEmail: string;
  useCase: UseCase;
  /** LCI-4: months each phase has, as configured when the engagement opened (absent, as in v0.1.0: 12). */
  phaseMonths?: number;
  carried?: EngagementState;
  /** Issue 24: who opened it, audited with its first record (none from callers before). */
  openedBy?: AuditActor;
}

export const engagementStateQuery = defineQuery<EngagementState>('state');
export const engagementRecordedUpdate = defineUpdate<EngagementState>('engagementRecorded');
/** Telemetry is a stream of facts: fire-and-forget signals. */
export const readingsSignal = defineSignal<[Reading[]]>('readings');
