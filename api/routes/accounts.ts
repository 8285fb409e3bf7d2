import { Router, type Request } from 'express';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { listAccounts } from '../../db/accounts';
import { awardsOf } from '../../db/lots';
import {
  acceptTermsUpdate,
  loyaltyWorkflowId,
  recordBookingsUpdate,
  replaceCaptainUpdate,
  stateQuery,
  withdrawUpdate,
  type LoyaltyAccountState,
} from '../../workflows/definitions';
import type { loyaltyAccount } from '../../workflows/loyaltyAccount';
import { actorOf, allow, holderOf } from '../auth';
import { forbidden } from '../errors';
import { accountIdParam, accountListQuery, bookingsSchema, teamCaptainSchema, termsAcceptanceSchema, withdrawalSchema } from '../schemas';
import { fromTemporal } from '../temporalErrors';
import { parse } from '../validate';
import type { AppDeps } from '../app';

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
