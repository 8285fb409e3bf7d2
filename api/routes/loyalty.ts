import { WithStartWorkflowOperation } from '@temporalio/client';
import { latestTermsVersion } from '../../db/loyalty';
import { accountsOfCompaniesOrGroup, earlierLifecyclesOf, listAccounts } from '../../db/loyaltyReads';
import { awardsOf } from '../../db/creditsReads';
import type { TokenHolder } from '../../config/env';
import { evaluateEligibility, membersOf, type Nomination } from '../../domain/loyalty';
import { loyaltyAccount } from '../../workflows/loyalty';
import {
  acceptTermsUpdate,
  defaultLoyaltySettings,
  loyaltySearchAttributes as sa,
  loyaltyWorkflowId,
  nominationRecordedUpdate,
  stateQuery,
  type LoyaltyAccountInput,
  type LoyaltyAccountState,
} from '../../workflows/loyaltyDefinitions';
import type { AppDeps } from '../app';
import type { Identity } from '../session';
import { actorFrom, actorOf } from '../auth';
import { toHttpError } from '../errorHandler';
import { conflict, notFound, unprocessable } from '../errors';
import { route } from '../route';
import * as s from '../schemas/loyalty';
import { assertMayNominateAgain, groupRoutes, nextLifecycle } from './loyaltyGroups';
import { assertCaptainOf } from './creditsStatements';
import { bookingYearsOf, refuseFutureBookings } from './loyaltyBookings';
import { account, accountChanges, ACCOUNT_MANAGERS } from './loyaltyChanges';
import { managerRoutes } from './loyaltyManagers';
import { programDataRoutes } from './loyaltyProgramData';

/** ALL-3: a Team Captain sees and acts on its own account only; another's is the 404 of an absent one. */
function assertOwnAccount(holder: TokenHolder, state: LoyaltyAccountState) {
  if (holder.role === 'team-captain' && holder.ccoId !== state.teamCaptain.ccoId) throw notFound(`Account ${state.accountId}`);
}

async function startAccount({ temporal, config }: AppDeps, input: LoyaltyAccountInput) {
  const { accountId } = input;
  const { group, single } = membersOf(input.nomination);
  // Update-with-start: the 201 is sent once the account is in Postgres, so it can be read and listed.
  const start = new WithStartWorkflowOperation(loyaltyAccount, {
    workflowId: loyaltyWorkflowId(accountId),
    taskQueue: config.taskQueue,
    args: [input],
    // One open account per group (LOY-3): a running one refuses the start; a closed one (lapsed or
    // withdrawn) is started again as a new run, the account's next lifecycle (LOY-10).
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: [
      { key: sa.AccountId, value: accountId },
      { key: sa.LoyaltyState, value: 'nominated' },
    ],
    staticSummary: `Loyalty account ${accountId}: ${group.name}`,
  });
  await temporal.workflow.executeUpdateWithStart(nominationRecordedUpdate, { startWorkflowOperation: start }).catch((err: unknown) => {
    // The same refusal as the read model's (LOY-3), naming the field that collides.
    if (toHttpError(err)?.status !== 409) throw err;
    throw conflict(`the group ${group.id} already belongs to account ${accountId}`, [
      { field: single ? 'company.corporateGroupId' : 'group.id', message: `account ${accountId} exists` },
    ]);
  });
}

/**
 * LOY-6: a nomination that names no Account Manager is the signed-in one's (name and email from its sign-in),
 * so a missing year's bookings are asked of the person who may record them, not of the Team Captain.
 */
function withAccountManager(nomination: Nomination, holder: TokenHolder, identity: Identity | undefined): Nomination {
  if (nomination.accountManager || holder.role !== 'account-manager' || !identity?.email) return nomination;
  return { ...nomination, accountManager: { name: identity.name, email: identity.email } };
}

const nominate = route({
  method: 'post',
  path: '/v1/nominations',
  roles: ['account-manager'],
  summary: 'An Account Manager nominates a customer (LOY-1, LOY-2, LOY-3)',
  request: { body: s.nominationSchema },
  responses: {
    201: { description: 'Nominated; the lifecycle workflow runs', schema: s.nominationCreatedSchema, location: '/v1/accounts/{id}' },
  },
  errors: {
    409: 'The company or its group already belongs to an account, or its closed account is managed by another Account Manager (LOY-10)',
    422: 'Not eligible; every reason listed',
  },
  handler: async ({ body, holder, req }, deps) => {
    // The schema admits exactly one of the two shapes (a group, or one company as in v0.1.0).
    const nomination = withAccountManager(body as Nomination, holder, req.identity);
    const asOf = deps.today();
    refuseFutureBookings(bookingYearsOf(nomination), asOf);
    const verdict = evaluateEligibility(nomination, { asOf, countries: deps.config.programCountries });
    if (!verdict.eligible) throw unprocessable('The company is not eligible for the Customer Loyalty Program', verdict.reasons);
    // LOY-3: one account per corporate structure; the account id is the group's id.
    const members = membersOf(nomination);
    const accountId = members.group.id;
    const touched = await accountsOfCompaniesOrGroup(
      deps.db,
      members.companies.map((c) => c.id),
      accountId,
    );
    const lifecycle = nextLifecycle(accountId, members, touched);
    if (lifecycle > 1) await assertMayNominateAgain(deps.db, holder, accountId, members);
    const termsVersion = (await latestTermsVersion(deps.db)) ?? deps.config.termsVersion;
    const by = actorOf(holder);
    // CAL-3, LOY-4: the configured dates, fixed for this account's lifecycle at its nomination.
    const settings = { ...defaultLoyaltySettings, ...deps.config.loyaltySettings };
    const nominatedByActor = actorFrom(req);
    await startAccount(deps, {
      accountId,
      nomination,
      nominatedBy: by,
      nominatedByActor,
      nominatedOn: asOf,
      termsVersion,
      settings,
      lifecycle,
    });
    return { status: 201, body: { accountId, workflowId: loyaltyWorkflowId(accountId) }, location: { id: accountId } };
  },
});

// Lists come from the read model in Postgres, which the workflows' activities keep current.
const listAccountsRoute = route({
  method: 'get',
  path: '/v1/accounts',
  roles: ACCOUNT_MANAGERS,
  summary: 'Accounts by state and tier, from the read model; an Account Manager sees those it manages (ALL-3)',
  request: { query: s.accountListQuery },
  responses: { 200: { description: 'A page of accounts', schema: s.accountListSchema } },
  handler: async ({ query, holder }, { db }) => {
    // ALL-3: an Account Manager lists the accounts it manages.
    const managedBy = holder.role === 'account-manager' ? holder.amId : undefined;
    return { status: 200, body: { accounts: await listAccounts(db, { ...query, managedBy }), limit: query.limit, offset: query.offset } };
  },
});

const readAccount = route({
  method: 'get',
  path: '/v1/accounts/{id}',
  roles: ['account-manager', 'ops', 'team-captain'],
  summary: "The account's state, from its workflow, with its awards (ALL-3: a Team Captain reads its own)",
  request: { params: s.accountIdParam },
  responses: { 200: { description: 'The account', schema: s.accountStateSchema } },
  errors: { 404: 'No such account' },
  handler: async ({ params: { id }, holder }, { temporal, db }) => {
    if (holder.role === 'account-manager') await assertCaptainOf(db, holder, id);
    const state = await account(temporal, id).query(stateQuery);
    assertOwnAccount(holder, state);
    const [awards, earlierLifecycles] = await Promise.all([awardsOf(db, id), earlierLifecyclesOf(db, id)]);
    return { status: 200, body: { ...state, awards, earlierLifecycles } };
  },
});

const acceptTerms = route({
  method: 'post',
  path: '/v1/accounts/{id}/terms-acceptance',
  roles: ['team-captain'],
  summary: "The account's own Team Captain accepts the current terms (LOY-4, LOY-8)",
  request: { params: s.accountIdParam, body: s.termsAcceptanceSchema },
  responses: { 200: { description: 'Enrolled', schema: s.accountStateSchema } },
  errors: { 404: 'No such account', 409: 'Already accepted', 422: 'Not the current terms version' },
  handler: async ({ params: { id }, body: { version }, holder, req }, { temporal }) => {
    const handle = account(temporal, id);
    assertOwnAccount(holder, await handle.query(stateQuery));
    const ccoId = holder.role === 'team-captain' ? holder.ccoId : '';
    // Issue 24: the acceptance's activity audits it, with who accepted.
    return { status: 200, body: await handle.executeUpdate(acceptTermsUpdate, { args: [{ version, ccoId }, actorFrom(req)] }) };
  },
});

export const loyaltyRoutes = [
  nominate,
  listAccountsRoute,
  readAccount,
  acceptTerms,
  ...accountChanges,
  ...groupRoutes,
  ...managerRoutes,
  ...programDataRoutes,
];
