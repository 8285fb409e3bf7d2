import { WithStartWorkflowOperation } from '@temporalio/client';
import type { TokenHolder } from '../../config/env';
import { accountCountries } from '../../db/loyaltyReads';
import { accountOwner, allocationsOf, redemptionRow, type AccountOwner } from '../../db/creditsReads';
import { CLC_COUNTRIES, countryNotCleared, lotExpiryDate, orderCredits, purchaseActivationDate } from '../../domain/credits';
import { lotBalanceNews } from '../../services/credits';
import { decideRedemption, requestRedemption, type RedemptionDeskDeps } from '../../services/creditsRedemptions';
import { creditLot } from '../../workflows/credits';
import { creditLotWorkflowId, lotRecordedUpdate, lotStateQuery, type LotRecord } from '../../workflows/creditsDefinitions';
import { loyaltyWorkflowId, setAutoApprovalUpdate } from '../../workflows/loyaltyDefinitions';
import type { AppDeps } from '../app';
import { actorFrom, actorOf } from '../auth';
import { conflict, notFound, unprocessable } from '../errors';
import { idempotencyKeyOf, mintId } from '../idempotency';
import { route } from '../route';
import { accountIdParam } from '../schemas/loyalty';
import * as s from '../schemas/credits';
import { assertCaptainOf, READERS, statementRoutes } from './creditsStatements';
import { existingLot, extensionRoutes, lotHandle } from './creditsExtensions';
import { voucherRoutes } from './creditsVouchers';
import { voucherOfRedemption } from '../../db/creditsVouchers';

const UNIQUE_VIOLATION = '23505';

// The redemption desk of each app: its lots' balance news is batched per app (services/credits.ts).
const desks = new WeakMap<AppDeps, RedemptionDeskDeps>();
function deskOf(deps: AppDeps): RedemptionDeskDeps {
  const { db, temporal, config, today, mail } = deps;
  const desk = desks.get(deps) ?? { db, temporal, taskQueue: config.taskQueue, today, mail, lots: lotBalanceNews(temporal, db) };
  desks.set(deps, desk);
  return desk;
}

/** CLC-1: the lot a purchase becomes, or the reasons it breaks the rules (422). */
function purchasedLot(id: string, body: s.Purchase, account: AccountOwner | undefined, countries: readonly string[]): LotRecord {
  const { credits, problems } = orderCredits(body.packages);
  const reasons = problems.map((message) => ({ field: message.split(':')[0]!, message }));
  if (!countries.includes(body.country))
    reasons.push({ field: 'country', message: `${body.country} is not cleared for Cisco Learning Credits` });
  if (body.accountId && !account) reasons.push({ field: 'accountId', message: `no account ${body.accountId}` });
  if (reasons.length) throw unprocessable('The purchase breaks the Learning Credit rules', reasons);
  return {
    id,
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
}

const purchase = route({
  method: 'post',
  path: '/v1/purchases',
  roles: ['ops', 'account-manager'],
  summary: 'Record a purchase of credits as a new lot, whose workflow answers once it is in the ledger (CLC-1, CLC-2)',
  request: { body: s.purchaseSchema },
  responses: {
    201: { description: 'The lot, active five days after invoice', schema: s.purchaseCreatedSchema, location: '/v1/lots/{id}' },
  },
  errors: { 422: 'Package sizes, country or account not allowed' },
  idempotent: true,
  handler: async ({ body, holder, req }, { temporal, db, config }) => {
    const account = body.accountId ? await accountOwner(db, body.accountId) : undefined;
    // ALL-3: an Account Manager buys for the accounts it manages (or for a buyer with no account).
    if (account) await assertCaptainOf(db, holder, account.id, account);
    const lot = purchasedLot(mintId('LP', holder, req), body, account, config.clcCountries ?? CLC_COUNTRIES);
    const start = new WithStartWorkflowOperation(creditLot, {
      workflowId: creditLotWorkflowId(lot.id),
      taskQueue: config.taskQueue,
      args: [{ lot, purchasedBy: actorFrom(req) }],
      // ALL-4: a keyed retry whose first attempt died after starting the lot finds that lot.
      workflowIdConflictPolicy: idempotencyKeyOf(req) ? 'USE_EXISTING' : 'FAIL',
      staticSummary: `Lot ${lot.id}: ${lot.credits} purchased credits`,
    });
    // The lot as its workflow recorded it: a keyed retry's is the first attempt's.
    const recorded = await temporal.workflow.executeUpdateWithStart(lotRecordedUpdate, { startWorkflowOperation: start });
    const { id, credits, activatesOn, expiresOn } = recorded.lot;
    return { status: 201, body: { lotId: id, workflowId: creditLotWorkflowId(id), credits, activatesOn, expiresOn }, location: { id } };
  },
});

const readLot = route({
  method: 'get',
  path: '/v1/lots/{id}',
  roles: READERS,
  summary: "A lot's state, from its workflow, and its balance, from the ledger (ALL-3)",
  request: { params: s.lotIdParam },
  responses: { 200: { description: 'The lot', schema: s.lotSchema } },
  errors: { 404: 'No such lot' },
  handler: async ({ params: { id }, holder }, { temporal, db }) => {
    const row = await existingLot(db, id);
    await assertCaptainOf(db, holder, row.accountId, undefined, `Lot ${id}`);
    return { status: 200, body: { ...(await lotHandle(temporal, id).query(lotStateQuery)), balance: row.balance } };
  },
});

const autoApproval = route({
  method: 'put',
  path: '/v1/accounts/{id}/auto-approval',
  roles: ['team-captain'],
  summary: "The account's own Team Captain turns auto-approval on or off, through the account's workflow (CLC-6)",
  request: { params: accountIdParam, body: s.autoApprovalSchema },
  responses: { 200: { description: 'The setting now', schema: s.autoApprovalStateSchema } },
  errors: { 404: 'No such account' },
  handler: async ({ params: { id }, body: { enabled }, holder, req }, { temporal, db }) => {
    const owner = await accountOwner(db, id);
    await assertCaptainOf(db, holder, id, owner);
    const handle = temporal.workflow.getHandle(loyaltyWorkflowId(id));
    // Who did what (issue 24): the switch's activity audits it, in its transaction.
    const state = await handle.executeUpdate(setAutoApprovalUpdate, { args: [{ enabled }, actorFrom(req)] });
    return { status: 200, body: { accountId: id, autoApproval: state.autoApproval } };
  },
});

/**
 * CLC-1: a redemption from a country not cleared (now) is refused (422 on the field it names): a purchased
 * lot's own country, else its account's companies' (an awarded lot records none).
 */
async function assertCleared(deps: AppDeps, by: { field: string; country?: string | null }, accountId: string | null) {
  const countries = by.country ? [by.country] : accountId ? await accountCountries(deps.db, accountId) : [];
  const problem = countryNotCleared(countries, deps.config.clcCountries ?? CLC_COUNTRIES);
  if (problem) throw unprocessable('The redemption breaks the Learning Credit rules', [{ field: by.field, message: problem }]);
}

/**
 * LOY-4: a Team Captain redeems only once the account's current lifecycle is enrolled (its terms accepted):
 * nominated and waiting for the terms, or lapsed without them, the request is refused (409) and nothing is held.
 */
function assertTermsAccepted(holder: TokenHolder, account: AccountOwner | undefined, field: string): void {
  if (holder.role !== 'team-captain' || !account || (account.state !== 'nominated' && account.state !== 'lapsed')) return;
  const why = `account ${account.id} has not accepted the program terms: its Team Captain accepts them before redeeming`;
  throw conflict(why, [{ field, message: why }]);
}

const redeem = route({
  method: 'post',
  path: '/v1/redemptions',
  roles: ['ops', 'team-captain'],
  summary:
    'Redeem credits for what they pay for (and, for training and exams, the learner), nearest expiry first; held until the Team Captain decides, unless auto-approved; an approved exam voucher is issued to its learner (CLC-5, CLC-6, CLC-7)',
  request: { body: s.redemptionSchema },
  responses: { 201: { description: 'Held, or redeemed', schema: s.redemptionStateSchema, location: '/v1/redemptions/{id}' } },
  errors: {
    404: 'No such lot or account',
    409: "The account's terms are not accepted yet (LOY-4)",
    422: 'Not enough credits, a country not cleared, or a redemption rule broken',
  },
  idempotent: true,
  handler: async ({ body, holder, req }, deps) => {
    const lot = body.lotId ? await existingLot(deps.db, body.lotId) : undefined;
    const accountId = body.accountId ?? lot?.accountId ?? null;
    const account = accountId ? await accountOwner(deps.db, accountId) : undefined;
    // Absent and not yours are one 404, naming what the body named (a lot, or an account).
    const subject = body.lotId ? `Lot ${body.lotId}` : `Account ${accountId ?? ''}`;
    if (accountId && !account) throw notFound(subject);
    await assertCaptainOf(deps.db, holder, accountId, account, subject);
    assertTermsAccepted(holder, account, body.lotId ? 'lotId' : 'accountId');
    await assertCleared(deps, body.lotId ? { field: 'lotId', country: lot?.country } : { field: 'accountId' }, accountId);
    // ALL-4: a keyed retry makes the same id, and the desk answers a hold that committed with what it placed.
    const redemptionId = mintId('RD', holder, req);
    const ask = () =>
      requestRedemption(deskOf(deps), {
        ...body,
        redemptionId,
        accountId,
        requestedBy: actorOf(holder),
        actor: actorFrom(req),
        // Without an account there is no captain to ask: the ops request stands approved.
        autoApprove: account ? account.autoApproval : true,
        approverEmail: account?.captainEmail ?? lot?.ownerEmail ?? '',
      });
    // A slow first attempt and the retry that took its key over committed the same id at once: ask again, it is placed.
    const state = await ask().catch((err: unknown) => ((err as { code?: string }).code === UNIQUE_VIOLATION ? ask() : Promise.reject(err)));
    return { status: 201, body: state, location: { id: redemptionId } };
  },
});

async function ownRedemption(db: AppDeps['db'], holder: TokenHolder, id: string) {
  const row = await redemptionRow(db, id);
  if (!row) throw notFound(`Redemption ${id}`);
  await assertCaptainOf(db, holder, row.accountId, row.accountId ? row : undefined, `Redemption ${id}`);
  return row;
}

const readRedemption = route({
  method: 'get',
  path: '/v1/redemptions/{id}',
  roles: READERS,
  summary: 'A redemption, its status and the lots it draws from (CLC-6; ALL-3)',
  request: { params: s.lotIdParam },
  responses: { 200: { description: 'The redemption', schema: s.redemptionStateSchema } },
  errors: { 404: 'No such redemption' },
  handler: async ({ params: { id }, holder }, { db }) => {
    const { status, credits, holdUntil, decidedBy } = await ownRedemption(db, holder, id);
    const voucherId = (await voucherOfRedemption(db, id))?.voucherId ?? null;
    return {
      status: 200,
      body: { redemptionId: id, status, credits, allocation: await allocationsOf(db, id), holdUntil, decidedBy, voucherId },
    };
  },
});

const decideRedemptionRoute = route({
  method: 'post',
  path: '/v1/redemptions/{id}/decision',
  roles: ['team-captain'],
  summary: "The account's own Team Captain approves or rejects (CLC-6)",
  request: { params: s.lotIdParam, body: s.decisionSchema },
  responses: { 200: { description: 'Decided', schema: s.redemptionStateSchema } },
  errors: { 404: 'No such redemption', 409: 'Already decided, or its credits expired' },
  handler: async ({ params: { id }, body: { approve }, holder, req }, deps) => {
    const row = await ownRedemption(deps.db, holder, id);
    if (row.status !== 'pending') throw conflict(`Redemption ${id} is already ${row.status}`);
    return { status: 200, body: await decideRedemption(deskOf(deps), row, { approve, by: actorOf(holder), actor: actorFrom(req) }) };
  },
});

export const creditsRoutes = [
  purchase,
  readLot,
  autoApproval,
  ...extensionRoutes,
  redeem,
  readRedemption,
  decideRedemptionRoute,
  ...statementRoutes,
  ...voucherRoutes,
];
