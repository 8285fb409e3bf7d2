// Award throughput of the loyalty workflows, end to end on real servers:
//
//   npx tsx bench/awards.ts --accounts 200        (npm run bench:awards -- --accounts 200)
//
// N accounts are nominated and enrolled, then Temporal's time-skipping server jumps to their (shared)
// first award date and we time how fast N award lots land in Postgres and N award emails reach an SMTP
// sink (each award also starts its lot's own workflow, which is part of the load but not waited for).
// Then: a plain-SQL baseline for the same rows, history events of one account-year run, and the peak
// RSS of this process, which hosts the worker. Progress goes to stderr, the summary to stdout.
//
// Flags (0 = the SDK's default):
//   --start-on YYYY-MM-DD          the day the time-skipping server's clock starts on (2027-08-02), whatever the
//                                  wall clock says: the accounts are nominated and accept on it
//   --server test|dev              the time-skipping test server (default), or the `temporal` dev server:
//                                  it cannot skip months, so there the N accounts start from the state an
//                                  account-year run carries (enrolled, the award date today, rows seeded in
//                                  SQL) while no worker runs; the clock starts with the worker
//   --server cluster               the same on the Temporal server cluster of `npm run start:cluster` (four
//                                  service processes on their own Postgres, mTLS); --shards history shards (4)
//   --wft, --activities, --cache   maxConcurrentWorkflowTaskExecutions, …ActivityTaskExecutions, maxCachedWorkflows
//   --local-activities, --wft-pollers, --threads, --reuse-v8 (1/0)
//                                  maxConcurrentLocalActivityExecutions, workflow task pollers (simple maximum),
//                                  workflowThreadPoolSize, reuseV8Context
//   --db-pool                      knex pool max (the app's connectDb default is 10)
//   --concurrency                  starts + acceptTerms updates in flight during enrollment (200)
//   --history-all-max              above this many accounts, the history phase runs on the sample only
//   --timeout-min                  bound on every wait (10)
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from '../db/connect';
import { messageIdFor } from '../db/notifications';
import { addDays, awardDateOf, firstAwardDate, fiscalYearOf, isIsoDate, type IsoDate } from '../domain/calendar';
import { creditLotWorkflowId } from '../workflows/creditsDefinitions';
import { retierDateOf } from '../domain/loyalty';
import { nominationFor } from '../test/helpers/loyalty';
import { loyaltyAccount } from '../workflows/loyalty';
import { acceptTermsUpdate, defaultLoyaltySettings, loyaltyWorkflowId, recordBookingsUpdate } from '../workflows/loyaltyDefinitions';
import { startDevServer } from './devServer';
import { startClusterServer } from './clusterServer';
import { awardsOnDevServer } from './awardsDev';
import { cpuShareMeter } from './cpu';
import {
  log,
  mapLimit,
  runBench,
  stopServers,
  parseArgs,
  rssSampler,
  seconds,
  startBenchWorker,
  startCountingSmtp,
  startDatabase,
  startTimeSkippingTemporal,
  waitFor,
  withTimeout,
} from './lib';

const TASK_QUEUE = 'bench-awards';
const TERMS_VERSION = 'T1';
/** The outbox key of an award notice (activities/loyalty.ts), as the SMTP sink sees it in X-Notice-Key. */
const AWARD_NOTICE_KEY = /^account-[^:]+:award-FY\d+Q\d$/;

const opts = parseArgs(process.argv.slice(2), {
  accounts: 200,
  /** Workflow starts + acceptTerms updates in flight at once. */
  concurrency: 200,
  /** Bound on every wait, in minutes. */
  'timeout-min': 10,
  'db-pool': 10,
  server: 'test',
  /** The time-skipping server's first day: a Monday early in FY2028's Q1, so the first award is 2028-01-15. */
  'start-on': '2027-08-02',
  shards: 4,
  wft: 0,
  activities: 0,
  cache: 0,
  'local-activities': 0,
  'wft-pollers': 0,
  threads: 0,
  'reuse-v8': -1,
  /** Accounts whose account-year history is read. */
  'history-sample': 5,
  /**
   * Above this many accounts, all but the history sample are terminated before the two-year skip: each
   * account-year of each account (and each lot's reminders) would run through it, ~10 minutes at 1,000.
   */
  'history-all-max': 100,
});
const N = opts.accounts;
/** Servers without time skipping: the accounts start due (bench/awardsDev.ts). */
const realClock = opts.server === 'dev' || opts.server === 'cluster';
const TIMEOUT_MS = opts['timeout-min'] * 60_000;

interface Account {
  accountId: string;
  handle: WorkflowHandle<typeof loyaltyAccount>;
  acceptedOn: IsoDate;
  firstRunId: string;
}

type Services = Awaited<ReturnType<typeof startServices>>;

function workerTuning() {
  return {
    ...(opts.wft > 0 ? { maxConcurrentWorkflowTaskExecutions: opts.wft } : {}),
    ...(opts.activities > 0 ? { maxConcurrentActivityTaskExecutions: opts.activities } : {}),
    ...(opts.cache > 0 ? { maxCachedWorkflows: opts.cache } : {}),
    ...(opts['local-activities'] > 0 ? { maxConcurrentLocalActivityExecutions: opts['local-activities'] } : {}),
    ...(opts['wft-pollers'] > 0 ? { workflowTaskPollerBehavior: { type: 'simple-maximum' as const, maximum: opts['wft-pollers'] } } : {}),
    ...(opts.threads > 0 ? { workflowThreadPoolSize: opts.threads } : {}),
    ...(opts['reuse-v8'] >= 0 ? { reuseV8Context: opts['reuse-v8'] === 1 } : {}),
  };
}

async function startServices() {
  if (!['test', 'dev', 'cluster'].includes(opts.server)) throw new Error('--server must be test, dev or cluster');
  if (!isIsoDate(opts['start-on'])) throw new Error(`--start-on must be a date (YYYY-MM-DD), not ${opts['start-on']}`);
  const temporal =
    opts.server === 'cluster'
      ? startClusterServer({ historyShards: opts.shards })
      : realClock
        ? startDevServer()
        : startTimeSkippingTemporal(opts['start-on']);
  const started = await Promise.allSettled([
    startDatabase({ pool: opts['db-pool'] }),
    startCountingSmtp(AWARD_NOTICE_KEY),
    temporal,
  ] as const);
  const [database, smtp, env] = started.map((r) => (r.status === 'fulfilled' ? r.value : undefined)) as [
    Awaited<ReturnType<typeof startDatabase>> | undefined,
    Awaited<ReturnType<typeof startCountingSmtp>> | undefined,
    TestWorkflowEnvironment | undefined,
  ];
  try {
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const db = database!.db;
    // On the dev server the worker starts after the accounts, with the clock (startWorker below).
    const worker = realClock
      ? undefined
      : await startBenchWorker(env!, { db, smtpUrl: smtp!.url, taskQueue: TASK_QUEUE, tuning: workerTuning() });
    return { database: database!, db, smtp: smtp!, env: env!, worker: worker! };
  } catch (err) {
    // Whatever did start is stopped, so a failed start leaves no JVM or Postgres behind.
    await stopAll({ database, smtp, env });
    throw err;
  }
}

const isoDay = (ms: number): IsoDate => new Date(ms).toISOString().slice(0, 10);

/** Skips the test server's clock to `time` UTC on `date` (timers due before then fire in order). */
async function skipTo(env: TestWorkflowEnvironment, date: IsoDate, time = '00:01:00'): Promise<void> {
  const ms = Date.parse(`${date}T${time}Z`) - (await env.currentTimeMs());
  if (ms < 0) throw new Error(`cannot skip back to ${date}`);
  await withTimeout(`skip to ${date}`, env.sleep(ms), TIMEOUT_MS);
}

const countRows = async (db: Db, table: string, where: Record<string, unknown> = {}) =>
  Number((await db(table).where(where).count<{ count: string }[]>({ count: '*' }))[0]!.count);

/**
 * LOY-6: the Account Manager records a fiscal year's bookings once it has ended, before the August re-tier
 * that reads it (a year not on record holds the tier and the awards until it is). The same $3M a year as
 * the nomination's (nominationFor), so the tier stays.
 */
async function recordEndedYear(s: Services, sample: Account[], fy: number) {
  const dayBefore = addDays(retierDateOf(fy + 1), -1);
  log(`skipping to ${dayBefore}: the Account Manager records FY${fy}'s bookings for the ${sample.length} accounts of the history sample`);
  await skipTo(s.env, dayBefore, '12:00:00');
  const bookings = { fiscalYear: fy, directUsd: 2_250_000, indirectUsd: 750_000 };
  const record = (a: Account) =>
    s.env.client.workflow.getHandle(a.handle.workflowId).executeUpdate(recordBookingsUpdate, { args: [bookings] });
  await withTimeout(`recording FY${fy}'s bookings`, mapLimit(sample, opts.concurrency, record), TIMEOUT_MS);
}

/** Phase 1: nominate N accounts and accept their terms, as the API and a Team Captain would. */
async function enroll(s: Services): Promise<{ accounts: Account[]; enrollSeconds: number }> {
  const nominatedOn = isoDay(await s.env.currentTimeMs());
  const ids = Array.from({ length: N }, (_, i) => `B-${String(i).padStart(6, '0')}`);
  const t0 = performance.now();
  const accounts = await withTimeout(
    `enrolling ${N} accounts`,
    mapLimit(ids, opts.concurrency, async (accountId): Promise<Account> => {
      s.worker.failure();
      const nomination = nominationFor(nominatedOn, { group: accountId });
      const handle = await s.env.client.workflow.start(loyaltyAccount, {
        workflowId: loyaltyWorkflowId(accountId),
        taskQueue: TASK_QUEUE,
        args: [
          {
            accountId,
            nomination,
            nominatedBy: 'account-manager:bench',
            nominatedOn,
            termsVersion: TERMS_VERSION,
            settings: defaultLoyaltySettings,
          },
        ],
      });
      // Answers once the account is enrolled: nomination recorded, terms accepted, enrollment mailed.
      const state = await handle.executeUpdate(acceptTermsUpdate, { args: [{ version: TERMS_VERSION, ccoId: 'dlee' }] });
      return { accountId, handle, acceptedOn: state.termsAccepted!.acceptedOn, firstRunId: handle.firstExecutionRunId };
    }),
    TIMEOUT_MS,
  );
  const enrollSeconds = seconds(performance.now() - t0);
  // Terms-waiting and enrolled emails of every account, so the award phase counts only award emails.
  await waitFor(`${2 * N} enrollment emails`, () => s.smtp.stats.count >= 2 * N, { timeoutMs: TIMEOUT_MS, check: s.worker.failure });
  if (s.smtp.stats.count !== 2 * N)
    throw new Error(`expected ${2 * N} emails after enrollment, got ${s.smtp.stats.count} (reminders sent?)`);
  return { accounts, enrollSeconds };
}

/** Phase 2: one time skip to the shared first award date; the time until N lots, and N emails, exist. */
async function awards(s: Services, acceptedOn: IsoDate) {
  const first = firstAwardDate(acceptedOn, defaultLoyaltySettings.awardDay);
  if ((await countRows(s.db, 'credit_lots')) !== 0) throw new Error('lots exist before the first award date');

  const t0 = performance.now();
  // How busy this process's JS thread (activities, SDK glue, the bench's polling) was: near 1 means saturated.
  const elu0 = performance.eventLoopUtilization();
  const cpu = cpuShareMeter();
  let skipDoneAt = 0;
  // Poll while the skip runs: the test server may hold the skip open until the work it triggered is done.
  const skip = skipTo(s.env, first).then(() => {
    skipDoneAt = performance.now();
  });
  skip.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
  let lots = 0;
  await waitFor(`${N} award lots`, async () => (lots = await countRows(s.db, 'credit_lots', { source: 'award' })) >= N, {
    timeoutMs: TIMEOUT_MS,
    everyMs: 50,
    check: s.worker.failure,
    progress: () => `${lots} lots, ${s.smtp.stats.tracked} award emails`,
  });
  const lotsAt = performance.now();
  const eventLoopUtilization = performance.eventLoopUtilization(elu0).utilization;
  const cpuShares = cpu.stop(seconds(lotsAt - t0));
  await waitFor(`${N} award emails`, () => s.smtp.stats.tracked >= N, { timeoutMs: TIMEOUT_MS, everyMs: 20, check: s.worker.failure });
  const emailsAt = s.smtp.stats.trackedLastAt;
  await skip;
  await verifyAwards(s);

  const lotsSeconds = seconds(lotsAt - t0);
  const emailsSeconds = seconds(emailsAt - t0);
  return {
    first,
    lotsSeconds,
    emailsSeconds,
    skipSeconds: seconds(skipDoneAt - t0),
    awardsPerSecond: N / lotsSeconds,
    emailsPerSecond: N / emailsSeconds,
    eventLoopUtilization,
    cpuShares,
  };
}

/** Each award is exactly one lot, one ledger entry and one sent notice (the outbox marks it sent after SMTP). */
async function verifyAwards(s: Services) {
  await waitFor(
    'award notices marked sent',
    async () =>
      (await s.db('notifications').where({ kind: 'award' }).whereNotNull('sent_at').count<{ count: string }[]>({ count: '*' }))[0]!
        .count === String(N),
    {
      timeoutMs: TIMEOUT_MS,
      check: s.worker.failure,
    },
  );
  const [lotRows, ledgerRows] = await Promise.all([countRows(s.db, 'credit_lots'), countRows(s.db, 'ledger_entries', { kind: 'award' })]);
  if (lotRows !== N || ledgerRows !== N) throw new Error(`expected ${N} lots and ledger entries, got ${lotRows} and ${ledgerRows}`);
}

/**
 * Phase 3: what the database alone can do. The rows the awards just wrote (lots, their ledger entries,
 * their notices: whatever columns the app writes today) are copied under fresh ids and inserted again
 * in one transaction of chunked multi-row inserts. Columns the database fills itself are left to it.
 * The award quarter gets a suffix because (account_id, award_quarter) is unique.
 */
async function sqlBaseline(db: Db) {
  const fresh = (id: string) => `BL-${id}`;
  const [lots, ledger, outbox] = await Promise.all([
    db('credit_lots').where({ source: 'award' }),
    db('ledger_entries').where({ kind: 'award' }),
    db('notifications').where({ kind: 'award' }),
  ]);
  if (lots.length !== N || ledger.length !== N || outbox.length !== N)
    throw new Error(`baseline: expected ${N} rows of each, got ${lots.length}/${ledger.length}/${outbox.length}`);
  const rows = {
    credit_lots: lots.map(({ created_at: _, ...r }) => ({ ...r, id: fresh(r.id), award_quarter: `${r.award_quarter}-baseline` })),
    ledger_entries: ledger.map(({ id: _, created_at: __, ...r }) => ({
      ...r,
      lot_id: fresh(r.lot_id),
      idempotency_key: fresh(r.idempotency_key),
    })),
    notifications: outbox.map(({ created_at: _, sent_at: __, ...r }) => ({ ...r, id: fresh(r.id), message_id: messageIdFor(fresh(r.id)) })),
  };
  const chunk = 500; // well under Postgres's 65,535 bind parameters per statement
  const t0 = performance.now();
  await db.transaction(async (trx) => {
    for (const [table, list] of Object.entries(rows)) {
      for (let i = 0; i < list.length; i += chunk) await trx(table).insert(list.slice(i, i + chunk));
    }
  });
  const s = seconds(performance.now() - t0);
  return { seconds: s, awardsPerSecond: N / s, tableRowsPerSecond: (3 * N) / s };
}

/**
 * Phase 4: history events of one whole account-year. An account continues as new after each fiscal
 * year's July award, so the run current in the middle of the fiscal year after the first award's is a
 * whole year (re-tier + four awards); once the next October award is past, that run is closed.
 * With many accounts, all but the sample are terminated first: the two-year skip would otherwise
 * replay ~8 award/re-tier steps for every one of them, which this number does not need.
 */
async function accountYearHistory(s: Services, accounts: Account[], firstAward: IsoDate) {
  const sample = accounts.slice(0, opts['history-sample']);
  const others = accounts.slice(sample.length);
  const allAlive = accounts.length <= opts['history-all-max'];
  if (!allAlive) {
    // Their awarded lots run workflows of their own (reminders before expiry): those go too.
    const sampleIds = sample.map((a) => a.accountId);
    const lotIds: string[] = await s
      .db('credit_lots')
      .where({ source: 'award' })
      .whereNotIn('account_id', sampleIds)
      .whereNot('id', 'like', 'BL-%')
      .pluck('id');
    const workflowIds = [...others.map((a) => a.handle.workflowId), ...lotIds.map(creditLotWorkflowId)];
    log(`terminating the ${others.length} accounts outside the history sample and their ${lotIds.length} lot workflows`);
    const terminate = (id: string) => s.env.client.workflow.getHandle(id).terminate('bench: not in the history sample');
    await withTimeout('terminating non-sample workflows', mapLimit(workflowIds, opts.concurrency, terminate), TIMEOUT_MS);
  }
  const wholeYear = fiscalYearOf(firstAward) + 1;
  const t0 = performance.now();

  await recordEndedYear(s, sample, wholeYear - 1);
  const midYear = addDays(awardDateOf(wholeYear, 2), 1);
  log(`skipping to ${midYear}, in FY${wholeYear}`);
  await skipTo(s.env, midYear, '12:00:00');
  const midYearRuns = new Map<string, string>();
  await waitFor(
    'the sample to be in its whole-year run',
    async () => {
      for (const a of sample) {
        const { runId } = await a.handle.describe();
        if (runId !== a.firstRunId) midYearRuns.set(a.accountId, runId);
      }
      return midYearRuns.size === sample.length;
    },
    { timeoutMs: TIMEOUT_MS, everyMs: 250, check: s.worker.failure },
  );

  await recordEndedYear(s, sample, wholeYear);
  const nextOctober = awardDateOf(wholeYear + 1, 1);
  log(`skipping to ${nextOctober}, past FY${wholeYear}'s last award`);
  await skipTo(s.env, nextOctober, '12:00:00');
  const runOf = (a: Account, runId: string) => s.env.client.workflow.getHandle(a.handle.workflowId, runId);
  await waitFor(
    'the whole-year runs to continue as new',
    async () => {
      const statuses = await Promise.all(sample.map(async (a) => (await runOf(a, midYearRuns.get(a.accountId)!).describe()).status.name));
      return statuses.every((st) => st === 'CONTINUED_AS_NEW');
    },
    { timeoutMs: TIMEOUT_MS, everyMs: 250, check: s.worker.failure },
  );
  const phaseSeconds = seconds(performance.now() - t0);

  const eventsOf = async (a: Account, runId: string) => (await runOf(a, runId).fetchHistory()).events?.length ?? 0;
  const year = await Promise.all(sample.map((a) => eventsOf(a, midYearRuns.get(a.accountId)!)));
  const enrollmentRun = await Promise.all(sample.map((a) => eventsOf(a, a.firstRunId)));
  const stats = (xs: number[]) => ({ mean: xs.reduce((a, b) => a + b, 0) / xs.length, max: Math.max(...xs) });
  return { wholeYear, sampleSize: sample.length, allAlive, phaseSeconds, year: stats(year), enrollmentRun: stats(enrollmentRun) };
}

const stopAll = (s: Partial<Services>) => stopServers({ ...s, stopDb: s.database?.stop });

/** The award figures as soon as they exist, so a run stopped later (a slow history phase) still has them. */
function logAwards(a: Awaited<ReturnType<typeof awards>>, peakRssMiB: number) {
  log(
    `award ${a.first}: ${N} lots in ${a.lotsSeconds.toFixed(2)} s (${(N / a.lotsSeconds).toFixed(1)} awards/s), ${N} emails in ${a.emailsSeconds.toFixed(2)} s (env.sleep returned after ${a.skipSeconds.toFixed(2)} s; event loop ${(a.eventLoopUtilization * 100).toFixed(0)}% busy; peak RSS so far ${peakRssMiB.toFixed(0)} MiB)`,
  );
  log(`CPU during the awards, share of one core: ${a.cpuShares}`);
}

async function main() {
  if (!Number.isInteger(N) || N < 1) throw new Error('--accounts must be a positive integer');
  const rss = rssSampler();
  let s: Services | undefined;
  try {
    log(
      `starting Postgres, SMTP sink, ${realClock ? `the Temporal ${opts.server} server` : 'time-skipping Temporal and the worker'} (accounts=${N})`,
    );
    const setupStart = performance.now();
    s = await withTimeout('starting the servers', startServices(), TIMEOUT_MS);
    log(`up in ${seconds(performance.now() - setupStart).toFixed(1)} s: ${s.database.where}; worker in this process`);

    let enrollSeconds: number | undefined;
    let a: Awaited<ReturnType<typeof awards>>;
    let h: Awaited<ReturnType<typeof accountYearHistory>> | undefined;
    let baseline: Awaited<ReturnType<typeof sqlBaseline>> | undefined;
    if (realClock) {
      const services = s;
      a = await withTimeout(
        'awards on the dev server',
        awardsOnDevServer({
          env: s.env,
          db: s.db,
          taskQueue: TASK_QUEUE,
          n: N,
          concurrency: opts.concurrency,
          timeoutMs: TIMEOUT_MS,
          smtp: s.smtp,
          countAwardLots: () => countRows(services.db, 'credit_lots', { source: 'award' }),
          startWorker: async () =>
            (services.worker = await startBenchWorker(services.env, {
              db: services.db,
              smtpUrl: services.smtp.url,
              taskQueue: TASK_QUEUE,
              tuning: workerTuning(),
            })),
        }),
        TIMEOUT_MS,
      );
      logAwards(a, rss.peakMiB());
      await verifyAwards(s);
    } else {
      const enrolled = await enroll(s);
      enrollSeconds = enrolled.enrollSeconds;
      const { accounts } = enrolled;
      const acceptedDays = new Set(accounts.map((acc) => acc.acceptedOn));
      if (acceptedDays.size !== 1)
        throw new Error(`accounts accepted on different days (${[...acceptedDays].join(', ')}): no shared award date`);
      const acceptedOn = accounts[0]!.acceptedOn;
      log(`enrolled ${N} in ${enrollSeconds.toFixed(2)} s (accepted ${acceptedOn})`);
      a = await awards(s, acceptedOn);
      logAwards(a, rss.peakMiB());
      // The baseline copies the award rows, so it runs before the history phase adds more.
      baseline = await sqlBaseline(s.db);
      h = await accountYearHistory(s, accounts, a.first);
    }
    if (h)
      log(
        `history: FY${h.wholeYear} runs of ${h.sampleSize} accounts (${h.allAlive ? `all ${N} accounts kept running` : 'others terminated'}), phase took ${h.phaseSeconds.toFixed(1)} s`,
      );

    const b = baseline ?? (await sqlBaseline(s.db));
    log(`SQL baseline: ${N} awards' rows (${3 * N} table rows) in ${(b.seconds * 1000).toFixed(0)} ms`);

    const fmt = (x: number, d = 1) => x.toFixed(d);
    const tuning = `server=${opts.server}${opts.server === 'cluster' ? ` history_shards=${opts.shards}` : ''} ${
      Object.entries(workerTuning())
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(' ') || 'sdk-defaults'
    } db_pool=${opts['db-pool']}`;
    console.log(
      [
        '',
        '=== bench:awards summary ===',
        `accounts=${N} ` +
          (enrollSeconds === undefined
            ? `enroll: n/a (${opts.server} server: accounts started due, rows seeded)`
            : `enroll_s=${fmt(enrollSeconds, 2)} enroll_per_s=${fmt(N / enrollSeconds)}`),
        `awards_s=${fmt(a.lotsSeconds, 2)} awards_per_s=${fmt(a.awardsPerSecond)} emails_s=${fmt(a.emailsSeconds, 2)} emails_per_s=${fmt(a.emailsPerSecond)} event_loop_busy=${fmt(a.eventLoopUtilization * 100, 0)}%`,
        `cpu_during_awards (share of one core; 2 cores = 200%): ${a.cpuShares}`,
        h
          ? `history_events_per_account_year mean=${fmt(h.year.mean)} max=${h.year.max} (FY${h.wholeYear} run, sample=${h.sampleSize}; enrollment run mean=${fmt(h.enrollmentRun.mean)} max=${h.enrollmentRun.max})`
          : 'history_events_per_account_year: n/a on the dev server (no time skipping; run --server test)',
        `baseline_sql_rows_per_s=${fmt(b.awardsPerSecond, 0)} (one row = one award's lot + ledger entry + notice; ${fmt(b.tableRowsPerSecond, 0)} table rows/s) ratio=${(a.awardsPerSecond / b.awardsPerSecond).toFixed(4)}`,
        `peak_rss_mib=${fmt(rss.peakMiB(), 0)} (this process: bench driver + Temporal worker incl. workflow threads; not the JVM test server or Postgres)`,
        `tuning: ${tuning} mailer_pool=5 (createMailer)`,
        '',
      ].join('\n'),
    );
  } finally {
    rss.stop();
    if (s) await stopAll(s);
  }
}

runBench(main);
