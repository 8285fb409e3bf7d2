import type { z } from 'zod';
import type { Role } from '../../config/env';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { AuditActor } from '../../db/audit';
import type { loyaltyAccount } from '../../workflows/loyalty';
import {
  loyaltyWorkflowId,
  recordBookingsUpdate,
  replaceCaptainUpdate,
  withdrawUpdate,
  type LoyaltyAccountState,
} from '../../workflows/loyaltyDefinitions';
import { actorFrom } from '../auth';
import { route } from '../route';
import * as s from '../schemas/loyalty';
import { assertCaptainOf } from './creditsStatements';
import { refuseFutureBookings } from './loyaltyBookings';

// Changes to a loyalty account (LOY-6, LOY-8, LOY-9): each an update of the account's workflow.

export type AccountHandle = WorkflowHandle<typeof loyaltyAccount>;
export const account = (temporal: Client, accountId: string): AccountHandle => temporal.workflow.getHandle(loyaltyWorkflowId(accountId));

export const ACCOUNT_MANAGERS = ['account-manager', 'ops'] as const;

type ChangeDecl<B> = {
  method: 'post' | 'put';
  suffix: string;
  roles: readonly Role[];
  summary: string;
  body: B;
  conflict: string;
  /** Refuses a body the rules forbid (422, each bad field named) before the workflow is asked. */
  check?: (body: z.output<B>, today: string) => void;
};

/**
 * A change to an account: an update of its workflow, whose validator states the rule broken. ALL-3: an
 * Account Manager changes the accounts it manages. Who did what (issue 24): the update carries who made
 * it, and the workflow's activity that writes the change writes its audit row in the same transaction.
 */
function accountChange<B extends z.ZodType>(
  decl: ChangeDecl<B>,
  run: (handle: AccountHandle, body: z.output<B>, by: AuditActor) => Promise<LoyaltyAccountState>,
) {
  return route({
    method: decl.method,
    path: `/v1/accounts/{id}/${decl.suffix}`,
    roles: decl.roles,
    summary: decl.summary,
    request: { params: s.accountIdParam, body: decl.body },
    responses: { 200: { description: 'The account after the change', schema: s.accountStateSchema } },
    errors: { 404: 'No such account', 409: decl.conflict },
    // ALL-4: a POST records something new (bookings, a withdrawal); a PUT sets a value, idempotent as it is.
    idempotent: decl.method === 'post',
    handler: async ({ params: { id }, body, holder, req }, { temporal, db, today }) => {
      await assertCaptainOf(db, holder, id);
      decl.check?.(body as z.output<B>, today());
      return { status: 200, body: await run(account(temporal, id), body as z.output<B>, actorFrom(req)) };
    },
  });
}

export const accountChanges = [
  accountChange(
    {
      method: 'put',
      suffix: 'team-captain',
      roles: ACCOUNT_MANAGERS,
      summary: 'The Account Manager or ops replaces the Team Captain (LOY-8)',
      body: s.teamCaptainSchema,
      conflict: 'The same Team Captain, or the account is closed',
    },
    (h, captain, by) => h.executeUpdate(replaceCaptainUpdate, { args: [captain, by] }),
  ),
  accountChange(
    {
      method: 'post',
      suffix: 'bookings',
      roles: ACCOUNT_MANAGERS,
      summary: "Record a fiscal year's bookings for the next August re-tier (LOY-6)",
      body: s.bookingsSchema,
      conflict: 'The account is closed',
      // LOY-6: a fiscal year not begun has no bookings yet (the workflow's validator refuses it too).
      check: (bookings, today) => refuseFutureBookings([{ field: 'fiscalYear', fiscalYear: bookings.fiscalYear }], today),
    },
    (h, bookings, by) => h.executeUpdate(recordBookingsUpdate, { args: [bookings, by] }),
  ),
  accountChange(
    {
      method: 'post',
      suffix: 'withdrawal',
      roles: ['ops'],
      summary: 'Ops withdraws an account (LOY-9)',
      body: s.withdrawalSchema,
      conflict: 'Already closed',
    },
    (h, { reason }, by) => h.executeUpdate(withdrawUpdate, { args: [{ reason, by: by.actor }, by] }),
  ),
];
