// `NODE_OPTIONS=--max-old-space-size=512 npm run bench:lots -- --lots N [--concurrency C] [--cache W] [--minutes M] [--idle S]`
// (the heap cap, per V8 isolate: the main thread and the workflow thread, is how the 100,000-lot figure
// in README.md was measured; --minutes bounds the whole run, which then reports what it has).
// N open Learning Credit lots on the dev server, each reaching its 90-day reminder as it starts. Prints how
// fast lots open, how late their reminders are recorded after the lot starts (p50/p99), and the worker's
// peak memory while the N lots stay open, waiting on their next timers (the worker runs in this process).
// The lots are awarded ones, written in SQL in batches as an award writes them (lot row and ledger entry),
// then their workflows are started C at a time with eager start: each lot's first workflow task comes back
// in the start call's reply, and its reminder (local activities) runs inside that task.
import { Client } from '@temporalio/client';
import { addDays, addYears } from '../domain/calendar';
import { creditLot } from '../workflows/credits';
import { creditLotWorkflowId, type LotRecord } from '../workflows/creditsDefinitions';
import { startDevServer } from './devServer';
import { childRssMiB, cpuSecondsMeter } from './cpu';
import {
  log,
  mapLimit,
  MiB,
  parseArgs,
  rssSampler,
  runBench,
  sleep,
  startBenchWorker,
  startCountingSmtp,
  startDatabase,
  stopServers,
  waitFor,
} from './lib';
import type { Db } from '../db/connect';

const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const lotId = (i: number) => `BL-${i}`;

/** The lot rows and their award ledger entries, a few thousand rows per INSERT. */
async function seedLots(db: Db, n: number, lot: (i: number) => LotRecord) {
  const chunk = 2000;
  for (let from = 0; from < n; from += chunk) {
    const lots = Array.from({ length: Math.min(chunk, n - from) }, (_, k) => lot(from + k));
    await db.transaction(async (trx) => {
      await trx('credit_lots').insert(
        lots.map((l) => ({
          id: l.id,
          account_id: null,
          owner_email: l.ownerEmail,
          owner_name: l.ownerName,
          country: l.country,
          source: 'award',
          state: 'active',
          credits: l.credits,
          issued_on: l.issuedOn,
          activates_on: l.activatesOn,
          expires_on: l.expiresOn,
        })),
      );
      await trx('ledger_entries').insert(
        lots.map((l) => ({
          lot_id: l.id,
          kind: 'award',
          credits: l.credits,
          actor: 'bench',
          reason: 'bench award',
          idempotency_key: `${l.id}:award`,
          occurred_on: l.issuedOn,
        })),
      );
    });
  }
}

async function main() {
  // --idle: seconds the lots wait on their next timers before the idle memory is read.
  const args = parseArgs(process.argv.slice(2), {
    lots: 2000,
    concurrency: 100,
    cache: 200,
    minutes: 18,
    pollers: 10,
    threads: 1,
    idle: 5,
  });
  const deadline = Date.now() + args.minutes * 60_000;
  const rss = rssSampler();
  const { db, stop: stopDb } = await startDatabase({ pool: 20 });
  const smtp = await startCountingSmtp(/:reminder-/);
  const env = await startDevServer();
  const taskQueue = 'bench-lots';
  // The worker caches at most `cache` workflows (as worker/main.ts does): idle lots are evicted and replayed
  // when their next timer fires, so memory does not grow with the number of open lots.
  const worker = await startBenchWorker(env, {
    db,
    smtpUrl: smtp.url,
    taskQueue,
    tuning: {
      maxCachedWorkflows: args.cache,
      workflowThreadPoolSize: args.threads,
      // New lots arrive on the shared queue when eager start finds no free slot: half the pollers wait there.
      workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: args.pollers },
      nonStickyToStickyPollRatio: 0.5,
    },
  });
  // Eager start needs the client on the worker's own (native) connection.
  const client = new Client({ connection: env.nativeConnection, namespace: env.namespace });
  let serverPeakMiB = 0;
  const serverRss = setInterval(() => {
    serverPeakMiB = Math.max(serverPeakMiB, childRssMiB().get('temporal') ?? 0);
  }, 1000);
  const baselineMiB = rss.peakMiB();
  try {
    const today = new Date().toISOString().slice(0, 10);
    // Awarded 275 days ago: active, expiring in 90 days, so the first reminder is due today.
    const issuedOn = addDays(addYears(today, -1), 90);
    const lot = (i: number): LotRecord => ({
      id: lotId(i),
      accountId: null,
      ownerName: 'Bench Owner',
      ownerEmail: `owner${i % 100}@bench.example`,
      country: 'US',
      source: 'award',
      credits: 10,
      issuedOn,
      activatesOn: issuedOn,
      expiresOn: addYears(issuedOn, 1),
      awardQuarter: null,
    });
    let t0 = performance.now();
    await seedLots(db, args.lots, lot);
    log(
      `${args.lots} lots written in SQL in ${((performance.now() - t0) / 1000).toFixed(1)} s; starting their workflows, ${args.concurrency} at a time`,
    );

    const startedAt = new Float64Array(args.lots); // epoch ms, by lot number
    let started = 0;
    let eager = 0;
    const cpu = cpuSecondsMeter();
    t0 = performance.now();
    const progress = setInterval(
      () => log(`${started} started (${eager} eagerly), rss ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB`),
      10_000,
    );
    try {
      await mapLimit(
        Array.from({ length: args.lots }, (_, i) => i),
        args.concurrency,
        async (i) => {
          if (Date.now() > deadline) throw new Error(`out of time after ${started} starts (--minutes ${args.minutes})`);
          worker.failure();
          startedAt[i] = Date.now();
          const handle = await client.workflow.start(creditLot, {
            workflowId: creditLotWorkflowId(lotId(i)),
            taskQueue,
            args: [{ lot: lot(i) }],
            requestEagerStart: true,
          });
          if (handle.eagerlyStarted) eager += 1;
          started += 1;
        },
      );
    } finally {
      clearInterval(progress);
    }
    const openSeconds = (performance.now() - t0) / 1000;
    log(`opened in ${openSeconds.toFixed(1)} s (${eager} eagerly started); waiting for ${args.lots} reminders`);
    const reminders = async () => Number((await db('notifications').where({ kind: 'lot-reminder' }).count({ n: '*' }))[0]!.n);
    let recorded = 0;
    // Bounded by --minutes: out of time, the figures are of the reminders recorded so far, and say so.
    let complete = true;
    await waitFor('every reminder recorded', async () => (recorded = await reminders()) >= args.lots, {
      timeoutMs: Math.max(1000, deadline - Date.now()),
      everyMs: 1000,
      check: () => worker.failure(),
      progress: () => `${recorded} of ${args.lots}, rss ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB`,
    }).catch((err: Error) => {
      if (!err.message.startsWith('timed out')) throw err;
      complete = false;
      log(`${err.message}: reporting the ${recorded} recorded so far`);
    });
    const remindersSeconds = (performance.now() - t0) / 1000;
    const cpuUsed = cpu.stop();
    // Lateness: from the lot's start to its reminder's row (Postgres and this process share the clock).
    const lateness = new Float64Array(await reminders());
    let k = 0;
    for (let from = 0; from < lateness.length; from += 20_000) {
      const rows: { id: string; created_at: Date }[] = await db('notifications')
        .where({ kind: 'lot-reminder' })
        .orderBy('id')
        .offset(from)
        .limit(20_000)
        .select('id', 'created_at');
      for (const r of rows.slice(0, lateness.length - k)) {
        const n = Number(r.id.slice('lot-BL-'.length, r.id.indexOf(':')));
        lateness[k++] = r.created_at.getTime() - startedAt[n]!;
      }
    }
    lateness.sort();
    const openPeakMiB = rss.peakMiB();
    await sleep(args.idle * 1000); // idle: every lot now waits on its next (30-day) timer
    const idleMiB = process.memoryUsage().rss / MiB;
    const server = childRssMiB();
    console.log(
      [
        `lots=${args.lots} cached_workflows_max=${args.cache} start_concurrency=${args.concurrency} eagerly_started=${eager} workflow_threads=${args.threads} workflow_task_pollers=${args.pollers}`,
        `opened_per_s=${(args.lots / openSeconds).toFixed(0)} (open phase ${openSeconds.toFixed(1)} s)`,
        `${complete ? 'all' : `ONLY ${lateness.length} of ${args.lots}`}_reminders_recorded_after_s=${remindersSeconds.toFixed(1)} reminders_per_s=${(lateness.length / remindersSeconds).toFixed(0)} reminder_lateness_p50_ms=${pct(lateness, 50).toFixed(0)} p99_ms=${pct(lateness, 99).toFixed(0)} max_ms=${lateness[lateness.length - 1]!.toFixed(0)}`,
        `reminder_emails_received=${smtp.stats.tracked}`,
        `cpu ${cpuUsed}`,
        `worker_process_rss_mib baseline=${baselineMiB.toFixed(0)} peak=${openPeakMiB.toFixed(0)} idle_after=${idleMiB.toFixed(0)} (worker, client and bench in one process; target < 1024 at 100,000 lots)`,
        `dev_server_rss_mib peak=${serverPeakMiB.toFixed(0)} now=${(server.get('temporal') ?? 0).toFixed(0)} (in-memory SQLite: holds every open lot)`,
      ].join('\n'),
    );
  } finally {
    clearInterval(serverRss);
    rss.stop();
    await stopServers({ worker, env, smtp, stopDb });
  }
}

runBench(main);
