import { accountOwner, balancesByAccount, expiringWithin, lotsOfAccount, redemptionsBetween } from '../../db/creditsReads';
import { findStatement, listStatements } from '../../db/creditsStatements';
import { addDays } from '../../domain/calendar';
import { notFound } from '../errors';
import { route } from '../route';
import * as s from '../schemas/credits';
import * as reports from '../schemas/creditsReports';
import { accountIdParam } from '../schemas/loyalty';
import { pageQuery, type Page } from '../schemas/common';
import type { TokenHolder } from '../../config/env';
import type { AppDeps } from '../app';

// What Learning Credits read from Postgres: an account's lots and balance, its monthly statements, and
// ops' reports as JSON or CSV (CLC-8).

export const READERS = ['ops', 'account-manager', 'team-captain'] as const;

/**
 * ALL-3: a Team Captain acts only on its own account's credits, an Account Manager only on those of the
 * accounts it manages; ops on all. `known`: the account the route has just read. "Not yours" is the same
 * 404 as "absent", naming `subject` (what the route was asked for), so the answer never tells a caller
 * which accounts are enrolled or whose an entity is.
 */
export async function assertCaptainOf(
  db: AppDeps['db'],
  holder: TokenHolder,
  accountId: string | null,
  known?: { captainCcoId: string | null; accountManagerId: string | null },
  subject = `Account ${accountId ?? ''}`,
) {
  if (holder.role !== 'team-captain' && holder.role !== 'account-manager') return;
  const owner = known ?? (accountId ? await accountOwner(db, accountId) : undefined);
  const own = holder.role === 'team-captain' ? owner?.captainCcoId === holder.ccoId : owner?.accountManagerId === holder.amId;
  if (!owner || !own) throw notFound(subject);
}

export const REPORT_READERS = ['ops', 'account-manager'] as const;
/** ALL-3: an Account Manager's reports cover the accounts it manages; ops' cover all. */
export const managerOf = (holder: TokenHolder) => (holder.role === 'account-manager' ? holder.amId : undefined);

/** A page of a report: JSON, and its CSV rendering when asked for (one row per line, with a header). */
export const report = <K extends string, Row extends object>(format: 'json' | 'csv', page: Page, name: K, rows: Row[]) => ({
  status: 200 as const,
  body: { ...({ [name]: rows } as Record<K, Row[]>), limit: page.limit, offset: page.offset },
  ...(format === 'csv' ? { csv: { filename: `${name}.csv`, rows } } : {}),
});

const accountLots = route({
  method: 'get',
  path: '/v1/accounts/{id}/lots',
  roles: READERS,
  summary: "An account's lots with their balances (ALL-3)",
  request: { params: accountIdParam, query: pageQuery },
  responses: { 200: { description: 'The lots, nearest expiry first', schema: s.accountLotsSchema } },
  handler: async ({ params: { id }, query: page, holder }, { db }) => {
    await assertCaptainOf(db, holder, id);
    return { status: 200, body: { accountId: id, lots: await lotsOfAccount(db, id, page), ...page } };
  },
});

const accountBalance = route({
  method: 'get',
  path: '/v1/accounts/{id}/balance',
  roles: READERS,
  summary: "An account's balance, by lot (ALL-3)",
  request: { params: accountIdParam },
  responses: { 200: { description: 'The balance and the lots holding it', schema: s.accountBalanceSchema } },
  handler: async ({ params: { id }, holder }, { db }) => {
    await assertCaptainOf(db, holder, id);
    const lots = await lotsOfAccount(db, id);
    const held = lots.filter((l) => l.balance > 0).map((l) => ({ lotId: l.id, balance: l.balance, expiresOn: l.expiresOn }));
    return { status: 200, body: { accountId: id, balance: lots.reduce((sum, l) => sum + l.balance, 0), lots: held } };
  },
});

const statements = route({
  method: 'get',
  path: '/v1/accounts/{id}/statements',
  roles: READERS,
  summary: "An account's monthly statements, latest first, without their lines (CLC-8; ALL-3: a Team Captain lists its own)",
  request: { params: accountIdParam, query: pageQuery },
  responses: { 200: { description: 'The statements', schema: s.statementListSchema } },
  handler: async ({ params: { id }, query, holder }, { db }) => {
    await assertCaptainOf(db, holder, id);
    return { status: 200, body: { statements: await listStatements(db, id, query), ...query } };
  },
});

const statement = route({
  method: 'get',
  path: '/v1/accounts/{id}/statements/{month}',
  roles: ['ops', 'account-manager', 'team-captain'],
  summary: "A monthly statement of an account's activity (CLC-8; ALL-3: a Team Captain reads its own)",
  request: { params: s.monthParam },
  responses: { 200: { description: 'The statement', schema: s.statementSchema } },
  errors: { 404: 'No statement for that month' },
  handler: async ({ params: { id, month }, holder }, { db }) => {
    await assertCaptainOf(db, holder, id);
    const found = await findStatement(db, id, month);
    if (!found) throw notFound(`A statement for ${id} in ${month}`);
    return { status: 200, body: found };
  },
});

const balances = route({
  method: 'get',
  path: '/v1/reports/balances',
  roles: REPORT_READERS,
  summary: 'Balances by account, JSON or CSV; an Account Manager sees those it manages (CLC-8, ALL-3)',
  request: { query: reports.reportFormat },
  responses: { 200: { description: 'The balances', schema: reports.balancesReportSchema, csv: true } },
  handler: async ({ query: { format, ...page }, holder }, { db }) =>
    report(format, page, 'balances', await balancesByAccount(db, managerOf(holder), page)),
});

const expiring = route({
  method: 'get',
  path: '/v1/reports/expiring',
  roles: REPORT_READERS,
  summary: 'Credits expiring in the next N days, JSON or CSV (CLC-8)',
  request: { query: reports.expiringQuery },
  responses: { 200: { description: 'The lots with credits left, nearest expiry first', schema: reports.expiringReportSchema, csv: true } },
  handler: async ({ query: { format, days, ...page }, holder }, { db, today }) => {
    const from = today();
    return report(format, page, 'expiring', await expiringWithin(db, from, addDays(from, days), managerOf(holder), page));
  },
});

const redemptions = route({
  method: 'get',
  path: '/v1/reports/redemptions',
  roles: REPORT_READERS,
  summary: 'Redemptions requested in a period, JSON or CSV (CLC-8)',
  request: { query: reports.periodQuery },
  responses: { 200: { description: 'The redemptions', schema: reports.redemptionsReportSchema, csv: true } },
  handler: async ({ query: { format, from, to, ...page }, holder }, { db }) =>
    report(format, page, 'redemptions', await redemptionsBetween(db, from, to, managerOf(holder), page)),
});

export const statementRoutes = [accountLots, accountBalance, statements, statement, balances, expiring, redemptions];
