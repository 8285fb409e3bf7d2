import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { acceptTermsUpdate, loyaltyWorkflowId, stateQuery, withdrawUpdate, type LoyaltyAccountState } from '../../workflows/definitions';
import { actorOf, allow, holderOf } from '../auth';
import { forbidden } from '../errors';
import { accountIdParam, termsAcceptanceSchema, withdrawalSchema } from '../schemas';
import { fromTemporal } from '../temporalErrors';
import { parse } from '../validate';
import type { AppDeps } from '../app';

async function accountState(temporal: Client, accountId: string): Promise<LoyaltyAccountState> {
  try {
    return await temporal.workflow.getHandle(loyaltyWorkflowId(accountId)).query(stateQuery);
  } catch (err) {
    throw fromTemporal(err, `Account ${accountId}`);
  }
}

/** ALL-3: a Team Captain sees and acts on its own account only. */
function assertOwnAccount(req: Request, state: LoyaltyAccountState) {
  const holder = holderOf(req);
  if (holder.role === 'team-captain' && holder.ccoId !== state.teamCaptain.ccoId) throw forbidden('This is not your account');
}

export function accountRoutes({ temporal }: AppDeps): Router {
  const router = Router();

  router.get('/v1/accounts/:id', allow('account-manager', 'ops', 'team-captain'), async (req, res) => {
    const { id } = parse(accountIdParam, req.params);
    const state = await accountState(temporal, id);
    assertOwnAccount(req, state);
    res.json(state);
  });

  // LOY-4: enrollment completes when the account's own Team Captain accepts the current terms.
  router.post('/v1/accounts/:id/terms-acceptance', allow('team-captain'), async (req, res) => {
    const { id } = parse(accountIdParam, req.params);
    const { version } = parse(termsAcceptanceSchema, req.body);
    const state = await accountState(temporal, id);
    assertOwnAccount(req, state);
    const holder = holderOf(req);
    const ccoId = holder.role === 'team-captain' ? holder.ccoId : '';
    try {
      res.json(await temporal.workflow.getHandle(loyaltyWorkflowId(id)).executeUpdate(acceptTermsUpdate, { args: [{ version, ccoId }] }));
    } catch (err) {
      throw fromTemporal(err, `Account ${id}`);
    }
  });

  // LOY-9: ops withdraws an account.
  router.post('/v1/accounts/:id/withdrawal', allow('ops'), async (req, res) => {
    const { id } = parse(accountIdParam, req.params);
    const { reason } = parse(withdrawalSchema, req.body);
    try {
      res.json(await temporal.workflow.getHandle(loyaltyWorkflowId(id)).executeUpdate(withdrawUpdate, { args: [{ reason, by: actorOf(holderOf(req)) }] }));
    } catch (err) {
      throw fromTemporal(err, `Account ${id}`);
    }
  });

  return router;
}
