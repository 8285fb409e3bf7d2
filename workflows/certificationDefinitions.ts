// Premier Certification: ids, messages and search attributes (CERT-1 … CERT-5).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain/calendar';
import type { AuditActor } from '../db/audit';
import type { Requirements } from '../domain/certification';

export const certificationId = (partnerId: string, country: string) => `${partnerId}-${country}`;
export const certificationWorkflowId = (id: string) => `certification-${id}`;

export const certificationSearchAttributes = {
  PartnerId: defineSearchAttributeKey('PartnerId', SearchAttributeType.KEYWORD),
  Country: defineSearchAttributeKey('Country', SearchAttributeType.KEYWORD),
  CertState: defineSearchAttributeKey('CertState', SearchAttributeType.KEYWORD),
  AnniversaryDate: defineSearchAttributeKey('AnniversaryDate', SearchAttributeType.DATETIME),
} as const;

export type CertState = 'applied' | 'refused' | 'approved' | 're-cert' | 'lapsed' | 'revoked';

export interface CertificationState {
  id: string;
  partnerId: string;
  country: string;
  partnerEmail: string;
  state: CertState;
  requirements: Requirements;
  certifiedOn: IsoDate | null;
  anniversary: IsoDate | null;
  /** Events already handled in this cycle (reminders, measurements), so none repeats. */
  done: string[];
  /** CERT-4: survey responses by the date they were received (one entry a day), those of the last 12 months. */
  csatResponses: { on: IsoDate; count: number }[];
  /** v0.1.0's one Low Score Follow-Up flag for every measurement: the last word ops gave; read only by runs from before. */
  lowScoreFollowUpDone: boolean;
  /** CERT-4: each measurement period's Low Score Follow-Up (the last word ops gave), by the measurement closing the period. */
  lowScoreFollowUps?: { period: IsoDate; done: boolean }[];
  /** CERT-4: the latest measurements (a few; each is taken once). */
  measurements: { on: IsoDate; passed: boolean; shortfalls: string[] }[];
  /** CERT-4: the first measurement date, set at approval (a partner re-applying within six months keeps its earlier one). */
  firstCsatOn?: IsoDate | null;
  /** CERT-4: set when the partner moves from Premier to Gold: its first Gold measurement needs 30 responses. */
  goldSince?: IsoDate | null;
  /** CERT-4: Premier certified in the six months before approval: not "new", no first-measurement grace. */
  recentlyCertified?: boolean;
  /** The day it was lost or revoked. */
  endedOn?: IsoDate | null;
  /** CERT-3, CERT-4: the customer satisfaction shortfall open (a renewal is refused while it is), till compliant again. */
  csatShortfall?: { on: IsoDate; shortfalls: string[] } | null;
  /**
   * CERT-5: the non-compliance ops deal with, and its extension. A shortfall found while an extension stands is
   * recorded `later`, beside it, never in its place: the extension stands until its date.
   */
  nonCompliance: (Shortfall & { extensionUntil: IsoDate | null; later?: Shortfall[] }) | null;
}

/** CERT-5: a shortfall, how the partner came to know of it and whether it told ops in time. */
export interface Shortfall {
  reason: string;
  awareOn: IsoDate;
  noticeOn: IsoDate | null;
  timely: boolean;
}

export interface CertificationInput {
  id: string;
  partnerId: string;
  country: string;
  partnerEmail: string;
  requirements: Requirements;
  carried?: CertificationState;
  /** Issue 24: the partner who applied, audited with the application (none from callers before). */
  appliedBy?: AuditActor;
}

export const certificationStateQuery = defineQuery<CertificationState>('state');
export const certificationRecordedUpdate = defineUpdate<CertificationState>('certificationRecorded');
export const decideCertificationUpdate = defineUpdate<CertificationState, [{ approve: boolean; by: string }, by?: AuditActor]>('decide');
export const renewCertificationUpdate = defineUpdate<CertificationState, [Requirements, by?: AuditActor]>('renew');
/** CERT-4: `count` responses received on `receivedOn` (v0.1.0 callers sent none: the day they are entered). */
export interface CsatResponses {
  count: number;
  receivedOn?: IsoDate;
  /** Whether the Low Score Follow-Up of the period holding `receivedOn` is done. */
  lowScoreFollowUpDone?: boolean;
}
export const csatResponsesUpdate = defineUpdate<CertificationState, [CsatResponses, by?: AuditActor]>('csatResponses');
export const nonComplianceNoticeUpdate = defineUpdate<CertificationState, [{ reason: string; awareOn: IsoDate }, by?: AuditActor]>(
  'nonComplianceNotice',
);
export const grantExtensionUpdate = defineUpdate<CertificationState, [{ until: IsoDate; by: string }, by?: AuditActor]>('grantExtension');
export const markCompliantUpdate = defineUpdate<CertificationState, [{ by: string }, by?: AuditActor]>('markCompliant');
export const moveToGoldUpdate = defineUpdate<CertificationState, [{ by: string }, by?: AuditActor]>('moveToGold');
export const revokeUpdate = defineUpdate<CertificationState, [{ reason: string; by: string }, by?: AuditActor]>('revoke');
