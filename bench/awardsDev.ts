// The award phase of bench/awards.ts on the real `temporal` dev server, which cannot skip to an award
// month. Each of the N accounts starts as a new account-year run would after continue-as-new: enrolled,
// tier 1, its award date today (its Postgres rows seeded as enrollment leaves them), while no worker runs.
// The clock starts with the worker; each account's first workflow task then makes its award at once.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../db/connect';
import { fiscalYearOf, type IsoDate } from '../domain/calendar';
import { FY22_TIER_TABLE, nextRetierDateAfter } from '../domain/loyalty';
import { nominationFor } from '../test/helpers/loyalty';
import { defaultLoyaltySettings, loyaltyWorkflowId, type LoyaltyAccountState } from '../workflows/loyaltyDefinitions';
import { loyaltyAccount } from '../workflows/loyalty';
import { initialState } from '../workflows/loyaltyState';
import { log, mapLimit, seconds, waitFor } from './lib';
import { cpuShareMeter } from './cpu';

export interface DevAwardDeps {
  env: TestWorkflowEnvironment;
  db: Db;
  taskQueue: string;
  n: number;
  concurrency: number;
  timeoutMs: number;
  smtp: { stats: { tracked: number; trackedLastAt: number } };
  startWorker(): Promise<{ failure(): void }>;
  countAwardLots(): Promise<number>;
}

const TERMS_VERSION = 'T1';

/** An account enrolled today whose award is due today, as a continued run carries it. */
function carriedState(accountId: string, today: IsoDate): LoyaltyAccountState {
  const nomination = nominationFor(today, { group: accountId });
  const nominated = initialState({
    accountId,
    nomination,
    nominatedBy: 'bench',
    nominatedOn: today,
    termsVersion: TERMS_VERSION,
    settings: defaultLoyaltySettings,
  });
  const quarterlyCredits = FY22_TIER_TABLE.bands.find((b) => b.tier === nominated.tier)!.quarterlyCredits;
  return {
    ...nominated,
    state: 'enrolled',
    lapsesOn: today,
    termsAccepted: { version: TERMS_VERSION, acceptedBy: nomination.teamCaptain.ccoId, acceptedOn: today },
    quarterlyCredits,
    nextAwardDate: today,
    nextRetierOn: nextRetierDateAfter(today, defaultLoyaltySettings.retierDay),
  };
}

export async function awardsOnDevServer(d: DevAwardDeps) {
  const today = new Date().toISOString().slice(0, 10);
  const ids = Array.from({ length: d.n }, (_, i) => `D-${String(i).padStart(6, '0')}`);
  const states = ids.map((id) => carriedState(id, today));
  // The account rows enrollment would have written (awards update them and reference them).
  for (let i = 0; i < states.length; i += 1000) {
    await d.db('accounts').insert(
      states.slice(i, i + 1000).map((s) => ({
        id: s.accountId,
        corporate_group_id: s.corporateGroupId,
        state: 'enrolled',
        tier: s.tier,
        captain_name: s.teamCaptain.name,
        captain_email: s.teamCaptain.email,
        captain_cco_id: s.teamCaptain.ccoId,
        nominated_by: 'account-manager:bench',
        nominated_on: today,
        terms_version: TERMS_VERSION,
        next_award_date: today,
      })),
    );
  }
  const t0Start = performance.now();
  await mapLimit(states, d.concurrency, (s) =>
    d.env.client.workflow.start(loyaltyAccount, {
      workflowId: loyaltyWorkflowId(s.accountId),
      taskQueue: d.taskQueue,
      args: [
        {
          accountId: s.accountId,
          nomination: nominationFor(today, { group: s.accountId }),
          nominatedBy: 'account-manager:bench',
          nominatedOn: today,
          termsVersion: TERMS_VERSION,
          settings: defaultLoyaltySettings,
          carried: s,
        },
      ],
    }),
  );
  const startSeconds = seconds(performance.now() - t0Start);
  log(`dev server: ${d.n} accounts due for their award started in ${startSeconds.toFixed(1)} s (no worker yet); FY${fiscalYearOf(today)}`);

  const worker = await d.startWorker();
  const t0 = performance.now();
  const elu0 = performance.eventLoopUtilization();
  const cpu = cpuShareMeter();
  let lots = 0;
  await waitFor(`${d.n} award lots`, async () => (lots = await d.countAwardLots()) >= d.n, {
    timeoutMs: d.timeoutMs,
    everyMs: 50,
    check: worker.failure,
    progress: () => `${lots} lots, ${d.smtp.stats.tracked} award emails`,
  });
  const lotsAt = performance.now();
  const eventLoopUtilization = performance.eventLoopUtilization(elu0).utilization;
  const cpuShares = cpu.stop(seconds(lotsAt - t0));
  await waitFor(`${d.n} award emails`, () => d.smtp.stats.tracked >= d.n, { timeoutMs: d.timeoutMs, everyMs: 20, check: worker.failure });
  const lotsSeconds = seconds(lotsAt - t0);
  const emailsSeconds = seconds(d.smtp.stats.trackedLastAt - t0);
  return {
    first: today,
    startSeconds,
    lotsSeconds,
    emailsSeconds,
    skipSeconds: 0,
    awardsPerSecond: d.n / lotsSeconds,
    emailsPerSecond: d.n / emailsSeconds,
    eventLoopUtilization,
    cpuShares,
    worker,
  };
}
