import type { TokenHolder } from '../../config/env';
import { accountOwner } from '../../db/creditsReads';
import { accountsOfCompaniesOrGroup, findAccount, type TouchedAccount } from '../../db/loyaltyReads';
import { companyReasons, PROGRAM_COUNTRIES, type MemberCompany } from '../../domain/loyalty';
import type { Members } from '../../domain/loyaltyGroups';
import type { AppDeps } from '../app';
import { addCompanyUpdate, loyaltyWorkflowId } from '../../workflows/loyaltyDefinitions';
import { actorFrom } from '../auth';
import { conflict, unprocessable } from '../errors';
import { route } from '../route';
import * as s from '../schemas/loyalty';
import { assertCaptainOf } from './creditsStatements';
import { refuseFutureBookings } from './loyaltyBookings';

// LOY-3: group accounts: which companies belong to which account, and companies joining an open one.

const isOpen = (a: TouchedAccount) => a.state === 'nominated' || a.state === 'enrolled';

/** LOY-3: 409 naming the account each company (or the group) already belongs to, while that account is open. */
function refuseTaken(touched: TouchedAccount[], fieldOfCompany: (companyId: string) => string, groupField: string): void {
  const open = touched.filter(isOpen);
  if (open.length === 0) return;
  const accounts = [...new Set(open.map((a) => a.id))];
  throw conflict(
    `the company or its group already belongs to account ${accounts.join(', account ')}`,
    open.map((a) =>
      a.companyId === null
        ? { field: groupField, message: `the group belongs to account ${a.id}` }
        : { field: fieldOfCompany(a.companyId), message: `${a.companyId} belongs to account ${a.id}` },
    ),
  );
}

/**
 * LOY-3, LOY-10: the lifecycle a nomination of group `accountId` starts (1 for a new account, the next
 * one for a group whose account lapsed or was withdrawn); refused while a member company or the group
 * belongs to an open account, naming it.
 */
export function nextLifecycle(accountId: string, members: Members, touched: TouchedAccount[]): number {
  const index = (id: string) => members.companies.findIndex((c) => c.id === id);
  refuseTaken(touched, (id) => members.fieldOf(index(id), 'id').replace(/\.id$/, ''), members.single ? 'company' : 'group.id');
  const own = touched.find((a) => a.id === accountId && a.companyId === null);
  return own ? own.lifecycle + 1 : 1;
}

/**
 * LOY-10 [default]: a lapsed or withdrawn account is nominated again by the Account Manager that manages it
 * (the earlier lifecycle's, or the one ops handed it to with PUT /v1/accounts/{id}/account-manager: ops'
 * confirmation); any other Account Manager is refused (409 naming the group), and nothing is written.
 */
export async function assertMayNominateAgain(db: AppDeps['db'], holder: TokenHolder, accountId: string, members: Members): Promise<void> {
  if (holder.role !== 'account-manager') return;
  const earlier = await accountOwner(db, accountId);
  if (!earlier || earlier.accountManagerId === holder.amId) return;
  const why = `account ${accountId} (${earlier.state}) is managed by another Account Manager: ops hand it to you (PUT /v1/accounts/${accountId}/account-manager) before you nominate it again`;
  throw conflict(why, [{ field: members.single ? 'company.corporateGroupId' : 'group.id', message: why }]);
}

const addCompany = route({
  method: 'post',
  path: '/v1/accounts/{id}/companies',
  roles: ['account-manager', 'ops'],
  summary: 'The Account Manager adds a company to an open group account; its bookings count from the next August re-tier (LOY-3)',
  request: { params: s.accountIdParam, body: s.memberCompanySchema },
  responses: { 200: { description: 'The account, the company among its joining companies', schema: s.accountStateSchema } },
  errors: {
    404: 'No such account',
    409: 'The company already belongs to an account, or the account is closed',
    422: 'Not an end user in a program country',
  },
  idempotent: true,
  handler: async ({ params: { id }, body, holder, req }, { temporal, db, config, today }) => {
    await assertCaptainOf(db, holder, id);
    const company: MemberCompany = body;
    refuseFutureBookings(
      company.bookings.map((b, i) => ({ field: `bookings.${i}.fiscalYear`, fiscalYear: b.fiscalYear })),
      today(),
    );
    const reasons = companyReasons(company, config.programCountries ?? PROGRAM_COUNTRIES, (f) => f);
    if (reasons.length > 0) throw unprocessable('The company cannot join the Customer Loyalty Program', reasons);
    // A closed account's workflow has ended: its read model says why (an ended workflow alone would be a 404).
    const row = await findAccount(db, id);
    if (row && (row.state === 'lapsed' || row.state === 'withdrawn')) throw conflict(`the account is ${row.state}`);
    refuseTaken(await accountsOfCompaniesOrGroup(db, [company.id], null), () => 'id', 'id');
    const handle = temporal.workflow.getHandle(loyaltyWorkflowId(id));
    // Who did what (issue 24): the claim's activity audits the company joining, in the claim's transaction.
    const by = actorFrom(req);
    const after = await handle.executeUpdate(addCompanyUpdate, { args: [{ ...company, addedBy: by.actor }, by] });
    return { status: 200, body: after };
  },
});

export const groupRoutes = [addCompany];
