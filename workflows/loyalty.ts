import { allHandlersFinished, condition, continueAsNew, patched, setHandler } from '@temporalio/workflow';
import {
  acceptTermsUpdate,
  addCompanyUpdate,
  nominationRecordedUpdate,
  publishTermsUpdate,
  recordBookingsUpdate,
  replaceCaptainUpdate,
  setAutoApprovalUpdate,
  stateQuery,
  withdrawUpdate,
  type LoyaltyAccountInput,
  type LoyaltyAccountState,
} from './loyaltyDefinitions';
import { replaceCaptain } from './loyaltyCaptain';
import { LoyaltyAccount } from './loyaltyState';
import { close, enroll, runEnrolled, waitForTerms } from './loyaltySteps';

/**
 * One Customer Loyalty group account (LOY-1 … LOY-9): nominated → enrolled → an award each award month
 * and a new tier each August → withdrawn. Continues as new after each fiscal year's last award, so a
 * run's history holds one account-year.
 */
export async function loyaltyAccount(input: LoyaltyAccountInput): Promise<LoyaltyAccountState> {
  const a = new LoyaltyAccount(input);
  setHandler(stateQuery, () => a.s);
  setHandler(nominationRecordedUpdate, () => a.nominationRecorded());
  setHandler(acceptTermsUpdate, (t, by?) => a.acceptTerms(t, by), { validator: (t, _by?) => a.validateAcceptTerms(t) });
  setHandler(withdrawUpdate, (w, by?) => a.withdraw(w, by), { validator: (_w, _by?) => a.assertOpen() });
  setHandler(replaceCaptainUpdate, (c, by?) => replaceCaptain(a, c, by), { validator: (c, _by?) => a.validateReplaceCaptain(c) });
  setHandler(publishTermsUpdate, (t) => a.publishTerms(t), { validator: (t) => a.validatePublishTerms(t) });
  setHandler(setAutoApprovalUpdate, (x, by?) => a.setAutoApproval(x, by), { validator: (_x, _by?) => a.assertOpen() });
  setHandler(addCompanyUpdate, (c, by?) => a.addCompany(c, by), { validator: (c, _by?) => a.validateAddCompany(c) });
  setHandler(recordBookingsUpdate, (b, by?) => a.recordBookings(b, by), { validator: (b, _by?) => a.validateRecordBookings(b) });

  a.publish();
  if (a.s.state === 'nominated') {
    const outcome = await waitForTerms(a);
    if (outcome !== 'accepted') return close(a, outcome);
    if (!(await enroll(a))) return close(a, 'withdrawn');
  }
  if ((await runEnrolled(a)) === 'withdrawn') return close(a, 'withdrawn');
  // Drain running update handlers first, so no message is lost across the new run.
  // A handler never waits for something that only the main loop does once the main loop may be waiting for
  // handlers (allHandlersFinished): that is a wedge, and an SMTP outage makes it last. `withdraw` waits for
  // the 'withdrawn' state, which only close() sets, so a withdrawal accepted during the drain (while another
  // handler's notice retries) ends the wait and is carried out here; it is neither lost nor left waiting.
  await condition(() => allHandlersFinished() || a.withdrawal !== null);
  if (a.withdrawal !== null && patched('loyalty-withdraw-during-drain')) return close(a, 'withdrawn');
  await condition(allHandlersFinished);
  return continueAsNew<typeof loyaltyAccount>({ ...input, carried: a.s });
}
