import { Router, type Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { balancesByAccount, expiringWithin, redemptionsBetween } from '../../db/creditReads';
import { findStatement } from '../../db/statements';
import { addDays } from '../../domain/calendar';
import { allow, holderOf } from '../auth';
import { forbidden, notFound } from '../errors';
import { expiringQuery, monthParam, periodQuery, reportFormat } from '../creditSchemas';
import { parse } from '../validate';
import { accountOwner } from '../../db/creditReads';
import type { AppDeps } from '../app';

/** A report as JSON, or as CSV with a header row when `format=csv`. */
function send(res: Response, format: 'json' | 'csv', name: string, rows: Record<string, unknown>[]) {
  if (format === 'json') return res.json({ [name]: rows });
  res.type('text/csv').attachment(`${name}.csv`).send(stringify(rows, { header: true, columns: rows[0] ? Object.keys(rows[0]) : undefined }));
}

/** CLC-8: statements and reports, read from Postgres. */
export function reportRoutes({ db, today }: AppDeps): Router {
  const router = Router();

  router.get('/v1/accounts/:id/statements/:month', allow('ops', 'account-manager', 'team-captain'), async (req, res) => {
    const { id, month } = parse(monthParam, req.params);
    const holder = holderOf(req);
    if (holder.role === 'team-captain' && (await accountOwner(db, id))?.captainCcoId !== holder.ccoId) throw forbidden('This is not your account');
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
