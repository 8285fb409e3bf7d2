import { Router, type Response, type Request } from 'express';
import { stringify } from 'csv-stringify/sync';
import {
  balancesByAccount,
  expiringWithin,
  redemptionsBetween,
  accountOwner,
  extensionRequestRow,
  lotRow,
  lotsOfAccount,
  redemptionRow,
} from '../../db/creditsReads';
import { findStatement } from '../../db/creditsStatements';
import { addDays } from '../../domain/calendar';
import { allow, holderOf, actorOf } from '../auth';
import { forbidden, notFound, conflict, unprocessable } from '../errors';
import {
  expiringQuery,
  monthParam,
  periodQuery,
  reportFormat,
  autoApprovalSchema,
  decisionSchema,
  extensionRequestSchema,
  lotIdParam,
  purchaseSchema,
  redemptionSchema,
} from '../schemas/credits';
import { parse } from '../validate';
import type { AppDeps } from '../app';
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { CLC_COUNTRIES, lotExpiryDate, orderCredits, purchaseActivationDate } from '../../domain/credits';
import { creditLot } from '../../workflows/credits';
import { CreditRefusal } from '../../db/credits';
import { lotBalanceNews } from '../../services/credits';
import { decideRedemption, RedemptionConflict, requestRedemption, type RedemptionDeskDeps } from '../../services/credits';
import {
  creditLotWorkflowId,
  decideExtensionUpdate,
  lotRecordedUpdate,
  lotStateQuery,
  requestExtensionUpdate,
  type LotRecord,
} from '../../workflows/creditsDefinitions';
import { loyaltyWorkflowId, setAutoApprovalUpdate } from '../../workflows/loyaltyDefinitions';
import { accountIdParam } from '../schemas/loyalty';
import { fromTemporal } from '../temporalErrors';

/** ALL-3: a Team Captain acts only on its own account's credits. */
async function assertCaptainOf(req: Request, db: AppDeps['db'], accountId: string | null, known?: { captainCcoId: string }) {
  const holder = holderOf(req);
  if (holder.role !== 'team-captain') return;
  // `known`: the account the route has just read, so a redemption asks Postgres once, not twice.
  const owner = known ?? (accountId ? await accountOwner(db, accountId) : undefined);
  if (!owner || owner.captainCcoId !== holder.ccoId) throw forbidden("These are not your account's credits");
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw fromTemporal(err, what);
  }
}

export function creditRoutes({ temporal, db, config, today, mail }: AppDeps): Router {
  const router = Router();
  const desk: RedemptionDeskDeps = { db, temporal, taskQueue: config.taskQueue, today, mail, lots: lotBalanceNews(temporal, db) };
  const countries = config.programCountries ?? CLC_COUNTRIES;

  // CLC-1, CLC-2: a purchase becomes a lot, whose workflow answers once the lot is in the ledger.
  router.post('/v1/purchases', allow('ops', 'account-manager'), async (req, res) => {
    const body = parse(purchaseSchema, req.body);
    const { credits, problems } = orderCredits(body.packages);
    const reasons = problems.map((message) => ({ field: message.split(':')[0]!, message }));
    if (!countries.includes(body.country))
      reasons.push({ field: 'country', message: `${body.country} is not cleared for Cisco Learning Credits` });
    const account = body.accountId ? await accountOwner(db, body.accountId) : undefined;
    if (body.accountId && !account) reasons.push({ field: 'accountId', message: `no account ${body.accountId}` });
    if (reasons.length) throw unprocessable('The purchase breaks the Learning Credit rules', reasons);
    const lot: LotRecord = {
      id: `LP-${randomUUID().slice(0, 12)}`,
      accountId: body.accountId ?? null,
      ownerName: account?.captainName ?? body.owner!.name,
      ownerEmail: account?.captainEmail ?? body.owner!.email,
      country: body.country,
      source: 'purchase',
      credits,
      issuedOn: body.invoiceDate,
      activatesOn: purchaseActivationDate(body.invoiceDate),
      expiresOn: lotExpiryDate(body.invoiceDate),
      awardQuarter: null,
    };
    const start = new WithStartWorkflowOperation(creditLot, {
      workflowId: creditLotWorkflowId(lot.id),
      taskQueue: config.taskQueue,
      args: [{ lot }],
      workflowIdConflictPolicy: 'FAIL',
      staticSummary: `Lot ${lot.id}: ${credits} purchased credits`,
    });
    await call(`Lot ${lot.id}`, () => temporal.workflow.executeUpdateWithStart(lotRecordedUpdate, { startWorkflowOperation: start }));
    res
      .status(201)
      .location(`/v1/lots/${lot.id}`)
      .json({ lotId: lot.id, workflowId: creditLotWorkflowId(lot.id), credits, activatesOn: lot.activatesOn, expiresOn: lot.expiresOn });
  });

  router.get('/v1/lots/:id', allow('ops', 'account-manager', 'team-captain'), async (req, res) => {
    const { id } = parse(lotIdParam, req.params);
    const row = await lotRow(db, id);
    if (!row) throw notFound(`Lot ${id}`);
    await assertCaptainOf(req, db, row.accountId);
    const state = await call(`Lot ${id}`, () => temporal.workflow.getHandle(creditLotWorkflowId(id)).query(lotStateQuery));
    res.json({ ...state, balance: row.balance });
  });

  router.get('/v1/accounts/:id/lots', allow('ops', 'account-manager', 'team-captain'), async (req, res) => {
    const { id } = parse(accountIdParam, req.params);
    await assertCaptainOf(req, db, id);
    res.json({ accountId: id, lots: await lotsOfAccount(db, id) });
  });

  router.get('/v1/accounts/:id/balance', allow('ops', 'account-manager', 'team-captain'), async (req, res) => {
    const { id } = parse(accountIdParam, req.params);
    await assertCaptainOf(req, db, id);
    const lots = await lotsOfAccount(db, id);
    res.json({
      accountId: id,
      balance: lots.reduce((s, l) => s + l.balance, 0),
      lots: lots.filter((l) => l.balance > 0).map((l) => ({ lotId: l.id, balance: l.balance, expiresOn: l.expiresOn })),
    });
  });

  // CLC-6: the captain turns auto-approval on or off, through the account's workflow.
  router.put('/v1/accounts/:id/auto-approval', allow('team-captain'), async (req, res) => {
    const { id } = parse(accountIdParam, req.params);
    const { enabled } = parse(autoApprovalSchema, req.body);
    await assertCaptainOf(req, db, id);
    const state = await call(`Account ${id}`, () =>
      temporal.workflow.getHandle(loyaltyWorkflowId(id)).executeUpdate(setAutoApprovalUpdate, { args: [{ enabled }] }),
    );
    res.json({ accountId: id, autoApproval: state.autoApproval });
  });

  // CLC-4: the one extension request, with its usage plan.
  router.post('/v1/lots/:id/extension-requests', allow('ops', 'team-captain'), async (req, res) => {
    const { id } = parse(lotIdParam, req.params);
    const { usagePlan } = parse(extensionRequestSchema, req.body);
    const row = await lotRow(db, id);
    if (!row) throw notFound(`Lot ${id}`);
    await assertCaptainOf(req, db, row.accountId);
    const requestId = `XR-${randomUUID().slice(0, 12)}`;
    await call(`Lot ${id}`, () =>
      lotHandle(temporal, id).executeUpdate(requestExtensionUpdate, { args: [{ requestId, usagePlan, by: actorOf(holderOf(req)) }] }),
    );
    res.status(201).json({ requestId, lotId: id, status: 'pending' });
  });

  router.post('/v1/extension-requests/:id/decision', allow('ops'), async (req, res) => {
    const { id } = parse(lotIdParam, req.params);
    const { approve } = parse(decisionSchema, req.body);
    const request = await extensionRequestRow(db, id);
    if (!request) throw notFound(`Extension request ${id}`);
    const state = await call(`Lot ${request.lotId}`, () =>
      lotHandle(temporal, request.lotId).executeUpdate(decideExtensionUpdate, {
        args: [{ requestId: id, approve, by: actorOf(holderOf(req)) }],
      }),
    );
    res.json({
      requestId: id,
      status: approve ? 'approved' : 'denied',
      lot: { id: request.lotId, state: state.state, expiresOn: state.expiresOn, balance: state.balance },
    });
  });

  // CLC-5, CLC-6, CLC-7: a request holds credits nearest expiry first; 422 names the rule it breaks.
  router.post('/v1/redemptions', allow('ops', 'team-captain'), async (req, res) => {
    const body = parse(redemptionSchema, req.body);
    const lot = body.lotId ? await lotRow(db, body.lotId) : undefined;
    if (body.lotId && !lot) throw notFound(`Lot ${body.lotId}`);
    const accountId = body.accountId ?? lot?.accountId ?? null;
    const account = accountId ? await accountOwner(db, accountId) : undefined;
    if (accountId && !account) throw notFound(`Account ${accountId}`);
    await assertCaptainOf(req, db, accountId, account);
    const redemptionId = `RD-${randomUUID().slice(0, 12)}`;
    const input = {
      redemptionId,
      accountId,
      lotId: body.lotId,
      kind: body.kind,
      credits: body.credits,
      startsOn: body.startsOn,
      details: body.details,
      requestedBy: actorOf(holderOf(req)),
      // Without an account there is no captain to ask: the ops request stands approved.
      autoApprove: account ? account.autoApproval : true,
      approverEmail: account?.captainEmail ?? lot?.ownerEmail ?? '',
    };
    try {
      const state = await requestRedemption(desk, input);
      res.status(201).location(`/v1/redemptions/${redemptionId}`).json(state);
    } catch (err) {
      if (err instanceof CreditRefusal) throw unprocessable(err.message, err.problems);
      throw err;
    }
  });

  // CLC-6: only the account's own Team Captain decides.
  router.post('/v1/redemptions/:id/decision', allow('team-captain'), async (req, res) => {
    const { id } = parse(lotIdParam, req.params);
    const { approve } = parse(decisionSchema, req.body);
    const row = await redemptionRow(db, id);
    if (!row) throw notFound(`Redemption ${id}`);
    await assertCaptainOf(req, db, row.accountId, row.accountId ? { captainCcoId: row.captainCcoId } : undefined);
    if (row.status !== 'pending') throw conflict(`Redemption ${id} is already ${row.status}`);
    try {
      res.json(await decideRedemption(desk, row, { approve, by: actorOf(holderOf(req)) }));
    } catch (err) {
      if (err instanceof RedemptionConflict) throw conflict(err.message, err.problems);
      throw err;
    }
  });

  return router;
}

const lotHandle = (temporal: Client, lotId: string) => temporal.workflow.getHandle(creditLotWorkflowId(lotId));

/** A report as JSON, or as CSV with a header row when `format=csv`. */
function send(res: Response, format: 'json' | 'csv', name: string, rows: Record<string, unknown>[]) {
  if (format === 'json') return res.json({ [name]: rows });
  res
    .type('text/csv')
    .attachment(`${name}.csv`)
    .send(stringify(rows, { header: true, columns: rows[0] ? Object.keys(rows[0]) : undefined }));
}

/** CLC-8: statements and reports, read from Postgres. */
export function reportRoutes({ db, today }: AppDeps): Router {
  const router = Router();

  router.get('/v1/accounts/:id/statements/:month', allow('ops', 'account-manager', 'team-captain'), async (req, res) => {
    const { id, month } = parse(monthParam, req.params);
    const holder = holderOf(req);
    if (holder.role === 'team-captain' && (await accountOwner(db, id))?.captainCcoId !== holder.ccoId)
      throw forbidden('This is not your account');
    const statement = await findStatement(db, id, month);
    if (!statement) throw notFound(`A statement for ${id} in ${month}`);
    res.json(statement);
  });

  router.get('/v1/reports/balances', allow('ops', 'account-manager'), async (req, res) => {
    const { format } = parse(reportFormat, req.query);
    send(res, format, 'balances', await balancesByAccount(db));
  });

  router.get('/v1/reports/expiring', allow('ops', 'account-manager'), async (req, res) => {
    const { format, days } = parse(expiringQuery, req.query);
    const from = today();
    send(res, format, 'expiring', await expiringWithin(db, from, addDays(from, days)));
  });

  router.get('/v1/reports/redemptions', allow('ops', 'account-manager'), async (req, res) => {
    const { format, from, to } = parse(periodQuery, req.query);
    send(res, format, 'redemptions', await redemptionsBetween(db, from, to));
  });

  return router;
}
