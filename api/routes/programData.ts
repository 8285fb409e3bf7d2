import { Router } from 'express';
import { findTierTable, putTierTable, tierTableFor } from '../../db/tierTables';
import { openAccountIds, publishTermsVersion } from '../../db/termsVersions';
import { validateTierTable, type TierTable } from '../../domain/tiers';
import { loyaltyWorkflowId, publishTermsUpdate } from '../../workflows/definitions';
import { actorOf, allow, holderOf } from '../auth';
import { conflict, notFound, unprocessable } from '../errors';
import { fiscalYearParam, termsVersionSchema, tierTableSchema } from '../schemas';
import { fromTemporal } from '../temporalErrors';
import { parse } from '../validate';
import type { AppDeps } from '../app';

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
    if (problems.length) throw unprocessable('The tier table is not usable', problems.map((message) => ({ field: 'bands', message })));
    const existed = Boolean(await findTierTable(db, fy));
    await putTierTable(db, table, actorOf(holderOf(req)));
    res.status(existed ? 200 : 201).json({ fiscalYear: fy, effectiveFrom: fy, bands });
  });

  // LOY-8: a new terms version; every open account needs its captain's acceptance before its next award.
  router.post('/v1/terms-versions', allow('ops'), async (req, res) => {
    const { version } = parse(termsVersionSchema, req.body);
    if (!(await publishTermsVersion(db, version, actorOf(holderOf(req))))) throw conflict(`Terms version ${version} is already published`, [{ field: 'version', message: 'already published' }]);
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
