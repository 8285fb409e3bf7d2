import { describe, expect, inject, it } from 'vitest';
import { postgresOutageDrill } from '../../drills/postgresOutage';

// ALL-2 under fire: the short version of `npm run drill:postgres-outage` (README "Fault drills"): Postgres
// stopped for 10 s under API and award load, then started again.
describe('drill: Postgres stopped under API and award load', () => {
  it('ALL-2: the API refuses with 503 + Retry-After or waits, never 500; afterwards every award and purchase is there once', async () => {
    const r = await postgresOutageDrill({
      accounts: 30,
      downSeconds: 10,
      leadSeconds: 3,
      tailSeconds: 5,
      clients: 4,
      requestTimeoutSeconds: 30,
      timeoutMinutes: 1.5,
      bundlePath: inject('workflowBundlePath'),
    });
    expect(r.api.duringOutage).toBeGreaterThan(0);
    expect(r.apiErrors, 'what the API logged as errors (a 500 names its request here)').toEqual([]);
    expect(r.api).toMatchObject({ serverErrorsOther: 0, unavailableWithoutRetryAfter: 0, noAnswerWithinTimeout: 0, clientErrors: 0 });
    expect(r.api.recoveredAfterSeconds).toBeDefined();
    expect(r.api).toMatchObject({ createdButMissing: 0, purchasesDoubled: 0 });
    expect(r.awards.lots).toEqual({ missing: 0, doubled: 0, total: 30 });
    expect(r.awards.ledger).toEqual({ missing: 0, doubled: 0, total: 30 });
    expect(r.awards.sentNotices).toEqual({ missing: 0, doubled: 0, total: 30 });
    expect(r.awards.mail).toMatchObject({ notices: 30, distinctEmails: 30, keysWithTwoEmails: 0 });
    expect(r.findings).toEqual([]);
  }, 170_000);
});
