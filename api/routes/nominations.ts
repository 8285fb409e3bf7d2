import { Router } from 'express';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { findAccountOfCompanyOrGroup } from '../../db/accounts';
import { latestTermsVersion } from '../../db/termsVersions';
import { evaluateEligibility } from '../../domain/eligibility';
import { loyaltyAccount } from '../../workflows/loyaltyAccount';
import { defaultLoyaltySettings, loyaltyWorkflowId, nominationRecordedUpdate, searchAttributes as sa, type LoyaltyAccountInput } from '../../workflows/definitions';
import { actorOf, allow, holderOf } from '../auth';
import { conflict, unprocessable } from '../errors';
import { nominationSchema } from '../schemas';
import { fromTemporal } from '../temporalErrors';
import { parse } from '../validate';
import type { AppDeps } from '../app';

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
    if (existing) throw conflict(`${nomination.company.id} already belongs to account ${existing}`, [{ field: 'company', message: `belongs to account ${existing}` }]);

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
      if ((mapped as { status?: number }).status === 409) throw conflict(`${nomination.company.id} already belongs to account ${accountId}`, [{ field: 'company.corporateGroupId', message: `account ${accountId} exists` }]);
      throw mapped;
    }
    res.status(201).location(`/v1/accounts/${accountId}`).json({ accountId, workflowId });
  });

  return router;
}
