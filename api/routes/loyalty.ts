import { Router, type Request } from 'express';
import { findTierTable, putTierTable, tierTableFor } from '../../db/loyalty';
import { openAccountIds, publishTermsVersion, latestTermsVersion } from '../../db/loyalty';
import { validateTierTable, type TierTable } from '../../domain/loyalty';
import {
  loyaltyWorkflowId,
  publishTermsUpdate,
  acceptTermsUpdate,
  recordBookingsUpdate,
  replaceCaptainUpdate,
  stateQuery,
  withdrawUpdate,
  type LoyaltyAccountState,
  defaultLoyaltySettings,
  nominationRecordedUpdate,
  loyaltySearchAttributes as sa,
  type LoyaltyAccountInput,
} from '../../workflows/loyaltyDefinitions';
import { actorOf, allow, holderOf } from '../auth';
import { conflict, notFound, unprocessable, forbidden } from '../errors';
import {
  fiscalYearParam,
  termsVersionSchema,
  tierTableSchema,
  accountIdParam,
  accountListQuery,
  bookingsSchema,
  teamCaptainSchema,
  termsAcceptanceSchema,
  withdrawalSchema,
  nominationSchema,
} from '../schemas/loyalty';
import { fromTemporal } from '../temporalErrors';
import { parse } from '../validate';
import type { AppDeps } from '../app';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { listAccounts, findAccountOfCompanyOrGroup } from '../../db/loyalty';
import { awardsOf } from '../../db/credits';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { evaluateEligibility } from '../../domain/loyalty';
import { loyaltyAccount } from '../../workflows/loyalty';

export function nominationRoutes({ temporal, db, config, today }: AppDeps): Router {
  const router = Router();

  // LOY-1: only an Account Manager nominates. LOY-2: ineligible is 422 with every reason.
  router.post('/v1/nominations', allow('account-manager'), async (req, res) => {
    const nomination = parse(nominationSchema, req.body);
    const asOf = today();
    const verdict = evaluateEligibility(nomination, { asOf, countries: config.programCountries });
    if (!verdict.eligible) throw unprocessable('The company is not eligible for the Customer Loyalty Program', verdict.reasons);

    // LOY-3: one account per corporate structure; the account id is the group's id.
    const accountId = nomination.company.corporateGroupId;
    const existing = await findAccountOfCompanyOrGroup(db, nomination.company.id, accountId);
    if (existing)
      throw conflict(`${nomination.company.id} already belongs to account ${existing}`, [
        { field: 'company', message: `belongs to account ${existing}` },
      ]);

    const workflowId = loyaltyWorkflowId(accountId);
    const input: LoyaltyAccountInput = {
      accountId,
      nomination,
      nominatedBy: actorOf(holderOf(req)),
      nominatedOn: asOf,
      termsVersion: (await latestTermsVersion(db)) ?? config.termsVersion,
      settings: defaultLoyaltySettings,
    };
    try {
      // Update-with-start: the 201 is sent once the account is in Postgres, so it can be read and listed.
      const start = new WithStartWorkflowOperation(loyaltyAccount, {
        workflowId,
        taskQueue: config.taskQueue,
        args: [input],
        // A group is enrolled once, ever: a second start, running or closed, is refused (LOY-3).
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: sa.AccountId, value: accountId },
          { key: sa.LoyaltyState, value: 'nominated' },
        ],
        staticSummary: `Loyalty account ${accountId}: ${nomination.company.name}`,
      });
      await temporal.workflow.executeUpdateWithStart(nominationRecordedUpdate, { startWorkflowOperation: start });
    } catch (err) {
      const mapped = fromTemporal(err, `Account ${accountId}`);
      if ((mapped as { status?: number }).status === 409)
        throw conflict(`${nomination.company.id} already belongs to account ${accountId}`, [
          { field: 'company.corporateGroupId', message: `account ${accountId} exists` },
        ]);
      throw mapped;
    }
    res.status(201).location(`/v1/accounts/${accountId}`).json({ accountId, workflowId });
  });

  return router;
}

type Handle = WorkflowHandle<typeof loyaltyAccount>;

/** Runs a call on the account's workflow, mapping Temporal's refusals to HTTP errors. */
async function onAccount<T>(temporal: Client, accountId: string, call: (handle: Handle) => Promise<T>): Promise<T> {
  try {
    return await call(temporal.workflow.getHandle(loyaltyWorkflowId(accountId)));
  } catch (err) {
    throw fromTemporal(err, `Account ${accountId}`);
  }
}

const accountState = (temporal: Client, accountId: string) => onAccount(temporal, accountId, (h) => h.query(stateQuery));

/** ALL-3: a Team Captain sees and acts on its own account only. */
function assertOwnAccount(req: Request, state: LoyaltyAccountState) {
  const holder = holderOf(req);
  if (holder.role === 'team-captain' && holder.ccoId !== state.teamCaptain.ccoId) throw forbidden('This is not your account');
}

export function accountRoutes({ temporal, db }: AppDeps): Router {
  const router = Router();

  // Lists come from the read model in Postgres, which the workflows' activities keep current.
  router.get('/v1/accounts', allow('account-manager', 'ops'), async (req, res) => {
    const filter = parse(accountListQuery, req.query);
    res.json({ accounts: await listAccounts(db, filter), limit: filter.limit, offset: filter.offset });
  });

  router.get('/v1/accounts/:id', allow('account-manager', 'ops', 'team-captain'), async (req, res) => {
    const { id } = parse(accountIdParam, req.params);
    const state = await accountState(temporal, id);
    assertOwnAccount(req, state);
    res.json({ ...state, awards: await awardsOf(db, id) });
  });

  // LOY-4, LOY-8: the account's own Team Captain accepts the current terms.
  router.post('/v1/accounts/:id/terms-acceptance', allow('team-captain'), async (req, res) => {
    const { id } = parse(accountIdParam, req.params);
    const { version } = parse(termsAcceptanceSchema, req.body);
    assertOwnAccount(req, await accountState(temporal, id));
    const holder = holderOf(req);
    const ccoId = holder.role === 'team-captain' ? holder.ccoId : '';
    res.json(await onAccount(temporal, id, (h) => h.executeUpdate(acceptTermsUpdate, { args: [{ version, ccoId }] })));
  });

  // LOY-8: the Account Manager or ops replaces the Team Captain.
  router.put('/v1/accounts/:id/team-captain', allow('account-manager', 'ops'), async (req, res) => {
    const { id } = parse(accountIdParam, req.params);
    const captain = parse(teamCaptainSchema, req.body);
    res.json(await onAccount(temporal, id, (h) => h.executeUpdate(replaceCaptainUpdate, { args: [captain] })));
  });

  // LOY-6: a fiscal year's bookings, used at the next August re-tier.
  router.post('/v1/accounts/:id/bookings', allow('account-manager', 'ops'), async (req, res) => {
    const { id } = parse(accountIdParam, req.params);
    const bookings = parse(bookingsSchema, req.body);
    res.json(await onAccount(temporal, id, (h) => h.executeUpdate(recordBookingsUpdate, { args: [bookings] })));
  });

  // LOY-9: ops withdraws an account.
  router.post('/v1/accounts/:id/withdrawal', allow('ops'), async (req, res) => {
    const { id } = parse(accountIdParam, req.params);
    const { reason } = parse(withdrawalSchema, req.body);
    res.json(await onAccount(temporal, id, (h) => h.executeUpdate(withdrawUpdate, { args: [{ reason, by: actorOf(holderOf(req)) }] })));
  });

  return router;
}

/** Program data ops maintain: tier tables (LOY-5) and terms versions (LOY-8). */
export function programDataRoutes({ temporal, db }: AppDeps): Router {
  const router = Router();

  router.get('/v1/tier-tables/:fy', allow('ops', 'account-manager'), async (req, res) => {
    const { fy } = parse(fiscalYearParam, req.params);
    const table = await tierTableFor(db, fy);
    if (!table) throw notFound(`A tier table for FY${fy}`);
    // A year without its own table uses the latest earlier one: say which.
    res.json({ fiscalYear: fy, effectiveFrom: table.fiscalYear, bands: table.bands });
  });

  router.put('/v1/tier-tables/:fy', allow('ops'), async (req, res) => {
    const { fy } = parse(fiscalYearParam, req.params);
    const { bands } = parse(tierTableSchema, req.body);
    const table = { fiscalYear: fy, bands } as TierTable;
    const problems = validateTierTable(table);
    if (problems.length)
      throw unprocessable(
        'The tier table is not usable',
        problems.map((message) => ({ field: 'bands', message })),
      );
    const existed = Boolean(await findTierTable(db, fy));
    await putTierTable(db, table, actorOf(holderOf(req)));
    res.status(existed ? 200 : 201).json({ fiscalYear: fy, effectiveFrom: fy, bands });
  });

  // LOY-8: a new terms version; every open account needs its captain's acceptance before its next award.
  router.post('/v1/terms-versions', allow('ops'), async (req, res) => {
    const { version } = parse(termsVersionSchema, req.body);
    if (!(await publishTermsVersion(db, version, actorOf(holderOf(req)))))
      throw conflict(`Terms version ${version} is already published`, [{ field: 'version', message: 'already published' }]);
    const ids = await openAccountIds(db);
    const failed: string[] = [];
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(
        ids.slice(i, i + 50).map((id) =>
          temporal.workflow
            .getHandle(loyaltyWorkflowId(id))
            .executeUpdate(publishTermsUpdate, { args: [{ version }] })
            .catch((err) => {
              // An account that closed meanwhile, or already has it, needs nothing.
              const mapped = fromTemporal(err, id) as { status?: number };
              if (mapped.status !== 404 && mapped.status !== 409) failed.push(id);
            }),
        ),
      );
    }
    res.status(201).json({ version, accounts: ids.length - failed.length, failed });
  });

  return router;
}
