import type { AuditActor, AuditEntry } from '../db/audit';
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { extendLot, forfeitLot, lotBalance } from '../db/credits';
import {
  denyExtension,
  insertExtensionRequest,
  insertPurchasedLot,
  lotOwner,
  pendingExtensionRequest,
  setLotState,
} from '../db/creditsLots';
import { dueHolds, type DueHold } from '../db/creditsWaiting';
import { enqueueNotice, noticeKey, unsentNotices } from '../db/notifications';
import { buildStatements, unsentStatementNotices } from '../db/creditsStatements';
import type { IsoDate } from '../domain/calendar';
import { creditLotWorkflowId, type LotRecord } from '../workflows/creditsDefinitions';
import { HOLD_DAYS } from '../domain/credits';
import * as emails from '../emails/credits';
import type { Email } from '../emails/letter';
import { tellLots } from '../services/credits';
import { approveWaitingRedemptions, handOverWaitingRedemptions } from '../services/creditsHandover';
import { APPROVER_NAME, settleWithNotice, type RedemptionNotice } from '../services/creditsRedemptionNotices';
import { mailDepsOf, sendNotice } from '../services/outbox';
import type { ActivityDeps } from './index';
import { changeAudited } from './audit';
import { createVoucherActivities } from './creditsVouchers';

// Lot and redemption activities. Each is safe to retry: rows and ledger entries are keyed by business ids.

async function notifyOwner(db: Knex, lotId: string, event: string, kind: string, email: (owner: { name: string }) => Email) {
  const owner = await lotOwner(db, lotId);
  const id = noticeKey('lot', lotId, event);
  await enqueueNotice(db, { id, accountId: owner.accountId, kind, recipient: owner.email, ...email(owner) });
  return id;
}

/** CLC-6: a hold run out, released, with its notice to whoever was asked to approve it. */
function expireHold(db: Knex, r: DueHold, on: IsoDate) {
  const notice: RedemptionNotice = {
    to: { name: r.approverName ?? APPROVER_NAME, email: r.approverEmail ?? '' },
    accountId: r.accountId,
    credits: r.credits,
    kind: r.kind,
  };
  const by = `system:hold-expired-after-${HOLD_DAYS}-days`;
  return settleWithNotice(db, { redemptionId: r.id, outcome: 'expired', by, on, notice });
}

/**
 * Starts a lot's lifecycle once: running, the start is a no-op (a retry finds it and leaves it be);
 * already closed, it is not started again.
 */
export async function startLotWorkflow(temporal: Client, lot: LotRecord, taskQueue: string): Promise<void> {
  try {
    await temporal.workflow.start('creditLot', {
      workflowId: creditLotWorkflowId(lot.id),
      taskQueue,
      args: [{ lot }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/**
 * CLC-6 (amended): what a loyalty account's change means for its waiting redemptions, for the account's
 * own activities to call once the change is recorded (activities/loyalty.ts): a new captain is told which
 * requests now wait for them; auto-approval turned on approves those waiting.
 */
export function redemptionsAfterAccountChange({ db, temporal }: ActivityDeps) {
  const deps = () => ({ db, temporal, taskQueue: Context.current().info.taskQueue });
  return {
    captainReplaced: (a: { accountId: string; captain: { name: string; email: string; ccoId: string }; changeNumber: number }) =>
      handOverWaitingRedemptions(deps(), a),
    // Dated the day the account's workflow turned it on: an activity's scheduled time is the server's clock
    // (the workflow's), where this worker's own clock may differ.
    autoApprovalOn: (accountId: string) =>
      approveWaitingRedemptions(deps(), {
        accountId,
        on: new Date(Context.current().info.scheduledTimestampMs).toISOString().slice(0, 10),
      }),
  };
}

export function createCreditActivities(deps: ActivityDeps) {
  return { ...lotActivities(deps), ...extensionActivities(deps), ...scheduledActivities(deps), ...createVoucherActivities(deps) };
}

/** CLC-2, CLC-3: a lot's own life: recorded, started, activated, reminded, forfeited, closed. */
function lotActivities({ db, temporal }: ActivityDeps) {
  return {
    /** Starts a lot's lifecycle workflow, once. */
    async startCreditLot(lot: LotRecord): Promise<void> {
      await startLotWorkflow(temporal, lot, Context.current().info.taskQueue);
    },

    /** CLC-2: a purchased lot and its first ledger entry (an award's are written with the award). */
    recordLot: (lot: LotRecord, by?: AuditActor) => insertPurchasedLot(db, lot, by),

    async activateLot(lot: LotRecord): Promise<string> {
      await setLotState(db, lot.id, 'active');
      return notifyOwner(db, lot.id, 'active', 'lot-active', (o) =>
        emails.active({ ...o, lotId: lot.id, credits: lot.credits, expiresOn: lot.expiresOn }),
      );
    },

    /** CLC-3: a reminder only while credits remain; returns the notice key, or null when none is due. */
    async remindLot(input: {
      lotId: string;
      expiresOn: IsoDate;
      daysBefore: number;
    }): Promise<{ balance: number; noticeKey: string | null }> {
      const balance = await lotBalance(db, input.lotId);
      if (balance <= 0) return { balance, noticeKey: null };
      const noticeKey = await notifyOwner(db, input.lotId, `reminder-${input.expiresOn}-${input.daysBefore}`, 'lot-reminder', (o) =>
        emails.reminder({ ...o, ...input, balance }),
      );
      return { balance, noticeKey };
    },

    /** CLC-3: the unused balance is forfeited at expiry and the owner told. */
    async forfeitLot(input: {
      lotId: string;
      expiresOn: IsoDate;
      extensionCloses: IsoDate | null;
    }): Promise<{ forfeited: number; noticeKey: string | null }> {
      const forfeited = await forfeitLot(db, input.lotId, input.expiresOn);
      if (forfeited === 0) return { forfeited, noticeKey: null };
      const requestPending = input.extensionCloses ? await pendingExtensionRequest(db, input.lotId) : null;
      const noticeKey = await notifyOwner(db, input.lotId, `forfeit-${input.expiresOn}`, 'lot-forfeit', (o) =>
        emails.forfeited({ ...o, ...input, forfeited, requestPending }),
      );
      return { forfeited, noticeKey };
    },

    async closeLot(lotId: string): Promise<void> {
      await setLotState(db, lotId, 'closed');
    },
  };
}

/** CLC-4: the one extension of a lot, requested and decided. */
function extensionActivities({ db, config }: ActivityDeps) {
  return {
    /** The request and ops' notice of it, in one transaction; returns the notice key. */
    async recordExtensionRequest(input: { lotId: string; requestId: string; usagePlan: string; by: string; on: IsoDate }): Promise<string> {
      const id = noticeKey('lot', input.lotId, `extension-requested-${input.requestId}`);
      await db.transaction(async (trx) => {
        await insertExtensionRequest(trx, input);
        const email = emails.extensionRequested(input);
        await enqueueNotice(trx, { id, accountId: null, kind: 'lot-extension-requested', recipient: config.opsEmail, ...email });
      });
      return id;
    },

    /** CLC-4: approved, the lot gets its new expiry; approved after expiry, the forfeited credits return. */
    async decideExtension(input: {
      lotId: string;
      requestId: string;
      approve: boolean;
      newExpiry: IsoDate;
      restore: number;
      by: string;
      on: IsoDate;
      audit?: AuditEntry;
    }): Promise<string> {
      // Issue 24: the decision and its audit row, one transaction.
      await changeAudited(db, input.audit, (trx) => (input.approve ? extendLot(trx, input.lotId, input) : denyExtension(trx, input)));
      return notifyOwner(db, input.lotId, `extension-${input.approve ? 'approved' : 'denied'}`, 'lot-extension', (o) =>
        emails.extensionDecided({
          ...o,
          lotId: input.lotId,
          approved: input.approve,
          expiresOn: input.newExpiry,
          restored: input.restore,
        }),
      );
    },
  };
}

/** CLC-6, CLC-8: what the daily and monthly schedules run: statements, expired holds, unsent notices. */
function scheduledActivities({ db, temporal, mailer, config }: ActivityDeps) {
  return {
    /** CLC-8: the month's statements stored, each with its notice; returns how many. */
    buildStatements: (month: string) => buildStatements(db, month),

    /** CLC-8: sends the month's statements not yet sent; returns how many went out. */
    async sendStatements(month: string): Promise<number> {
      const keys = await unsentStatementNotices(db, month);
      for (const key of keys) await sendNotice(mailDepsOf({ db, mailer, config }), key);
      return keys.length;
    },

    /**
     * CLC-6: releases the holds whose hold-until date has come (45 days, or the lots' expiry if
     * sooner), at most `limit`, each in its own transaction with its notice; the lots hear their balances.
     */
    async expireDueHolds(input: { on: IsoDate; limit: number }): Promise<{ noticeKeys: string[]; more: boolean }> {
      const due = await dueHolds(db, input.on, input.limit + 1);
      const noticeKeys: string[] = [];
      const lotIds = new Set<string>();
      for (const r of due.slice(0, input.limit)) {
        const settled = await expireHold(db, r, input.on);
        noticeKeys.push(settled.noticeKey);
        for (const id of settled.lotIds) lotIds.add(id);
      }
      if (lotIds.size) await tellLots(temporal, db, [...lotIds]);
      return { noticeKeys, more: due.length > input.limit };
    },

    /** Redemption notices still unsent (the API could not send them, nor a deliverNotice workflow yet). */
    async unsentDeskNotices(input: { limit: number }): Promise<string[]> {
      // Ten minutes old at least: the API may still be sending a newer one itself.
      return unsentNotices(db, {
        kinds: ['redemption-waiting', 'redemption-settled', 'redemptions-handed-over', 'voucher-issued'],
        olderThanMinutes: 10,
        limit: input.limit,
      });
    },
  };
}
