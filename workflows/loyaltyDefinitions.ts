// Customer Loyalty accounts: ids, messages, search attributes and state (LOY-1 … LOY-11).
// Imported inside the workflow sandbox, so it holds no I/O and no Node builtins.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AuditActor } from '../db/audit';
import type { IsoDate } from '../domain/calendar';
import type { Bookings, MemberCompany, Nomination } from '../domain/loyalty';

export const loyaltyWorkflowId = (accountId: string) => `loyalty-account-${accountId}`;

// ALL-1: what ops search by in the Web UI. Every key here is registered on the dev server at start.
// The dev server's SQLite visibility holds at most 10 Keyword attributes: all lifecycles share that budget.
export const loyaltySearchAttributes = {
  AccountId: defineSearchAttributeKey('AccountId', SearchAttributeType.KEYWORD),
  LoyaltyState: defineSearchAttributeKey('LoyaltyState', SearchAttributeType.KEYWORD),
  Tier: defineSearchAttributeKey('Tier', SearchAttributeType.INT),
  NextAwardDate: defineSearchAttributeKey('NextAwardDate', SearchAttributeType.DATETIME),
} as const;

export type LoyaltyState = 'nominated' | 'enrolled' | 'lapsed' | 'withdrawn';

export interface TeamCaptain {
  name: string;
  email: string;
  ccoId: string;
}

export interface TermsAcceptance {
  version: string;
  acceptedBy: string;
  acceptedOn: IsoDate;
}

/** Settings a running account keeps; defaults from DOMAIN.md, carried so a change never shifts live dates. */
export interface LoyaltySettings {
  reminderEveryDays: number;
  lapseAfterDays: number;
  /** CAL-3: the award day inside the award month. */
  awardDay: number;
  /** LOY-6: the day of August on which the new fiscal year's tier is set (before the October award). */
  retierDay: number;
}

export const defaultLoyaltySettings: LoyaltySettings = { reminderEveryDays: 14, lapseAfterDays: 90, awardDay: 15, retierDay: 31 };

export interface AwardRecord {
  quarter: string;
  lotId: string;
  credits: number;
  awardDate: IsoDate;
}

export interface LoyaltyAccountState {
  accountId: string;
  state: LoyaltyState;
  companyName: string;
  corporateGroupId: string;
  teamCaptain: TeamCaptain;
  nominatedOn: IsoDate;
  lapsesOn: IsoDate;
  /** The terms version in force; an award needs it accepted (LOY-8). */
  termsVersion: string;
  termsAccepted: TermsAcceptance | null;
  tier: number | null;
  quarterlyCredits: number;
  nextAwardDate: IsoDate | null;
  nextRetierOn: IsoDate | null;
  remindersSent: number;
  captainChanges: number;
  awardsMade: number;
  creditsAwarded: number;
  lastAward: AwardRecord | null;
  /** CLC-6: redemptions approved without asking the captain. */
  autoApproval: boolean;
  /** The latest fiscal years' bookings (LOY-6); older years are dropped to keep the state small. */
  bookings: Bookings[];
  /** LOY-6, LOY-11: fiscal years whose bookings were not on record at enrolment or the re-tier; the tier waits for them. */
  missingBookings?: number[];
  /** LOY-6: the Account Manager asked for `missingBookings` to set fiscal year `fy`'s tier (absent in runs before it). */
  bookingsAsked?: BookingsAsked | null;
  /** LOY-11: the tier table (its year and version) the current tier came from (absent in runs before it). */
  tierSource?: TierSource | null;
  /** LOY-3: the group's member companies (absent in runs started before it: the nominated company). */
  companies?: { id: string; name: string }[];
  /** LOY-3: companies added to the open account; their bookings count from the next re-tier. */
  joiningCompanies?: JoiningCompany[];
  /** LOY-10: which lifecycle of the account this is (1, or absent in runs started before it, for the first). */
  lifecycle?: number;
}

/** LOY-6: bookings asked of the Account Manager: for which fiscal year's tier, since when, reminders sent. */
export interface BookingsAsked {
  fy: number;
  askedOn: IsoDate;
  remindersSent: number;
}

/** LOY-11: the tier of fiscal year `fy` was decided from the table of `tableYear`, version `version`. */
export interface TierSource {
  fy: number;
  tableYear: number;
  version: number;
}

/** LOY-3: a company the Account Manager adds to an open group account, with its prior years' bookings. */
export interface JoiningCompany {
  id: string;
  name: string;
  country: string;
  endUser: boolean;
  bookings: Bookings[];
  addedOn: IsoDate;
  addedBy: string;
}

export interface LoyaltyAccountInput {
  accountId: string;
  nomination: Nomination;
  nominatedBy: string;
  nominatedOn: IsoDate;
  termsVersion: string;
  settings: LoyaltySettings;
  /** LOY-10: 2 and up when a lapsed or withdrawn group is nominated again (a new run of the same workflow id). */
  lifecycle?: number;
  /** Set when the workflow continues as new: the state it carries over (plain JSON, absolute dates). */
  carried?: LoyaltyAccountState;
  /** Issue 24: who nominated (stable subject and name), audited with the nomination's row. */
  nominatedByActor?: AuditActor;
}

export interface AcceptTermsInput {
  version: string;
  ccoId: string;
}

export interface WithdrawInput {
  reason: string;
  by: string;
}

// Issue 24: each update a caller makes carries who made it (last, optional: messages from before have none);
// the activity that writes the change writes its audit row in the same transaction.
export const stateQuery = defineQuery<LoyaltyAccountState>('state');
/** Answers once the nomination is in Postgres, so the API's 201 means the account can be read and listed. */
export const nominationRecordedUpdate = defineUpdate<LoyaltyAccountState>('nominationRecorded');
export const acceptTermsUpdate = defineUpdate<LoyaltyAccountState, [AcceptTermsInput, by?: AuditActor]>('acceptTerms');
export const withdrawUpdate = defineUpdate<LoyaltyAccountState, [WithdrawInput, by?: AuditActor]>('withdraw');
export const replaceCaptainUpdate = defineUpdate<LoyaltyAccountState, [TeamCaptain, by?: AuditActor]>('replaceCaptain');
export const publishTermsUpdate = defineUpdate<LoyaltyAccountState, [{ version: string }]>('publishTerms');
/** CLC-6: the Team Captain approves every redemption automatically, or not. */
export const setAutoApprovalUpdate = defineUpdate<LoyaltyAccountState, [{ enabled: boolean }, by?: AuditActor]>('setAutoApproval');
export const recordBookingsUpdate = defineUpdate<LoyaltyAccountState, [Bookings, by?: AuditActor]>('recordBookings');
/** LOY-3: the Account Manager adds a company to the open group account; its bookings count from the next re-tier. */
export type AddCompanyInput = MemberCompany & { addedBy: string };
export const addCompanyUpdate = defineUpdate<LoyaltyAccountState, [AddCompanyInput, by?: AuditActor]>('addCompany');
