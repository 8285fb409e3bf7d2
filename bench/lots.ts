// `npm run bench:lots -- --lots N`
// N purchased lots opened on the dev server, each reaching its 90-day reminder as it starts. Prints how
// fast lots open, how late their reminders are recorded after the lot starts (p50/p99), and the worker's
// peak memory while the N lots stay open, waiting on their next timers (the worker runs in this process).
import { addDays, addYears } from '../domain/calendar';
import { purchaseActivationDate } from '../domain/credits';
import { creditLot } from '../workflows/creditLot';
import { creditLotWorkflowId, type LotRecord } from '../workflows/creditDefinitions';
import { startDevServer } from './devServer';
import { log, mapLimit, parseArgs, rssSampler, sleep, startBenchWorker, startCountingSmtp, startDatabase, waitFor } from './lib';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const args = parseArgs(process.argv.slice(2), { lots: 2000, concurrency: 100, cache: 1000 });
  const rss = rssSampler();
  const { db, stop: stopDb } = await startDatabase({ pool: 20 });
  const smtp = await startCountingSmtp(/:reminder-/);
  const env = await startDevServer();
  const taskQueue = 'bench-lots';
  // The worker caches at most `cache` workflows (as worker/main.ts does): idle lots are evicted and replayed
  // when their next timer fires, so memory does not grow with the number of open lots.
  const worker = await startBenchWorker(env, { db, smtpUrl: smtp.url, taskQueue, tuning: { maxCachedWorkflows: args.cache } });
  const baselineMiB = rss.peakMiB();
  try {
    const today = new Date().toISOString().slice(0, 10);
    // Invoiced 275 days ago: active, expiring in 90 days, so the first reminder is due today.
    const invoiceDate = addDays(addYears(today, -1), 90);
    const startedAt = new Map<string, number>();
    log(`opening ${args.lots} lots, ${args.concurrency} at a time`);
    const t0 = performance.now();
    await mapLimit(Array.from({ length: args.lots }, (_, i) => i), args.concurrency, async (i) => {
      const lot: LotRecord = { id: `BL-${i}`, accountId: null, ownerName: 'Bench Owner', ownerEmail: `owner${i % 100}@bench.example`, country: 'US', source: 'purchase', credits: 10, issuedOn: invoiceDate, activatesOn: purchaseActivationDate(invoiceDate), expiresOn: addYears(invoiceDate, 1), awardQuarter: null };
      startedAt.set(lot.id, Date.now());
      await env.client.workflow.start(creditLot, { workflowId: creditLotWorkflowId(lot.id), taskQueue, args: [{ lot }] });
    });
    const openSeconds = (performance.now() - t0) / 1000;
    log(`opened in ${openSeconds.toFixed(1)} s; waiting for ${args.lots} reminders`);
    await waitFor('every reminder recorded', async () => Number((await db('notifications').where({ kind: 'lot-reminder' }).count({ n: '*' }))[0]!.n) >= args.lots, {
      timeoutMs: 15 * 60_000,
      everyMs: 500,
      check: () => worker.failure(),
    });
    const reminders = await db('notifications').where({ kind: 'lot-reminder' }).select('id', 'created_at');
    // Lateness: from the lot's start to its reminder's row (Postgres and this process share the clock).
    const lateness = reminders.map((r) => {
      const lotId = (r.id as string).slice('lot-'.length, (r.id as string).indexOf(':'));
      return (r.created_at as Date).getTime() - startedAt.get(lotId)!;
    });
    lateness.sort((a, b) => a - b);
    const remindersSeconds = (performance.now() - t0) / 1000;
    await sleep(2000); // idle: every lot now waits on its next (30-day) timer
    console.log(
      [
        `lots=${args.lots} cached_workflows_max=${args.cache} opened_per_s=${(args.lots / openSeconds).toFixed(0)}`,
        `all_reminders_recorded_after_s=${remindersSeconds.toFixed(1)} reminder_lateness_p50_ms=${pct(lateness, 50).toFixed(0)} p99_ms=${pct(lateness, 99).toFixed(0)}`,
        `reminder_emails_received=${smtp.stats.tracked}`,
        `worker_process_rss_mib baseline=${baselineMiB.toFixed(0)} peak=${rss.peakMiB().toFixed(0)} (worker, API client and bench in one process; target < 1024 at 100,000 lots)`,
      ].join('\n'),
    );
  } finally {
    rss.stop();
    await worker.stop();
    await env.teardown();
    await smtp.close();
    await stopDb();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
