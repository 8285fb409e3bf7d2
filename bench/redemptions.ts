// `npm run bench:redemptions -- --redemptions N --concurrency C [--pollers P] [--eager 0|1] [--warm-up W]`
// Redemptions with Team Captain approval through the real API (Express → the redemption desk's ledger
// transactions in Postgres → two emails over SMTP; the lots' own workflows told their balances in
// batches), against the same ledger writes done directly in SQL (db/creditsRedemptions.ts placeHold +
// settleRedemption, the functions the desk calls) in the same process. That baseline is the ledger
// alone: the API path also authenticates, reads the account, writes two notices and sends two emails,
// so a second baseline adds the notice rows. Also printed: CPU seconds by process and thread during each
// phase (the machine is small: this is where the time goes). Both paths are warmed up first (JIT, pools).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createMailer } from '../services/mailer';
import { createApp } from '../api/app';
import { emailsInFlight } from '../services/creditsRedemptions';
import { placeHold, settleRedemption } from '../db/creditsRedemptions';
import { insertCompanies } from '../db/loyalty';
import { enqueueNotice } from '../db/notifications';
import { addDays, addYears } from '../domain/calendar';
import { creditLot } from '../workflows/credits';
import { creditLotWorkflowId, type LotRecord } from '../workflows/creditsDefinitions';
import { startDevServer } from './devServer';
import { cpuSecondsMeter } from './cpu';
import { log, mapLimit, parseArgs, runBench, startBenchWorker, startCountingSmtp, startDatabase, stopServers } from './lib';
import type { Db } from '../db/connect';

const CAPTAIN = 'bench-captain-token';
const today = new Date().toISOString().slice(0, 10);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** One enrolled account (its company in the US) with enough credits in several lots, written as the workflows would leave it. */
async function seedAccount(db: Db, accountId: string, lots: number, creditsPerLot: number): Promise<LotRecord[]> {
  const records: LotRecord[] = [];
  await db('accounts').insert({
    id: accountId,
    corporate_group_id: accountId,
    state: 'enrolled',
    captain_name: 'Bench Captain',
    captain_email: 'captain@bench.example',
    captain_cco_id: 'bench',
    nominated_by: 'bench',
    nominated_on: today,
    terms_version: 'T1',
  });
  // CLC-1: an account redeems only from a cleared country, its companies' (a nomination records them).
  await insertCompanies(db, accountId, [{ id: `${accountId}-CO`, name: 'Bench Corp', country: 'US', endUser: true }]);
  for (let i = 0; i < lots; i++) {
    const id = `${accountId}-L${i}`;
    // Awarded lots (active at once), expiring a year on plus i days: the nearest expiry is drawn first.
    const lot: LotRecord = {
      id,
      accountId,
      ownerName: 'Bench Captain',
      ownerEmail: 'captain@bench.example',
      country: 'US',
      source: 'award',
      credits: creditsPerLot,
      issuedOn: today,
      activatesOn: today,
      expiresOn: addDays(addYears(today, 1), i),
      awardQuarter: null,
    };
    await db('credit_lots').insert({
      id,
      account_id: accountId,
      owner_email: lot.ownerEmail,
      owner_name: lot.ownerName,
      source: 'award',
      state: 'active',
      credits: creditsPerLot,
      issued_on: today,
      activates_on: today,
      expires_on: lot.expiresOn,
    });
    await db('ledger_entries').insert({
      lot_id: id,
      kind: 'award',
      credits: creditsPerLot,
      actor: 'bench',
      reason: 'seed',
      idempotency_key: `${id}:award`,
      occurred_on: today,
    });
    records.push(lot);
  }
  return records;
}

async function main() {
  // --warm-up: redemptions (request + approval) made before the timing starts.
  const args = parseArgs(process.argv.slice(2), { redemptions: 1000, concurrency: 20, pollers: 10, eager: 1, 'warm-up': 100 });
  const WARM_UP = args['warm-up'];
  const { db, stop: stopDb } = await startDatabase({ pool: 20 });
  const smtp = await startCountingSmtp(/^redemption-/);
  const env = await startDevServer({ eagerActivities: args.eager === 1 });
  const taskQueue = 'bench-redemptions';
  const worker = await startBenchWorker(env, {
    db,
    smtpUrl: smtp.url,
    taskQueue,
    // Each redemption is a new workflow whose first task comes from the shared (non-sticky) queue:
    // half the workflow-task pollers wait there instead of the SDK's fifth.
    tuning: { workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: args.pollers }, nonStickyToStickyPollRatio: 0.5 },
  });
  const apiMailer = createMailer(smtp.url);
  const app = createApp({
    temporal: env.client,
    db,
    logger: pino({ level: 'silent' }),
    config: { tokens: { [CAPTAIN]: { role: 'team-captain', ccoId: 'bench' } }, taskQueue, termsVersion: 'T1' },
    today: () => today,
    mail: { mailer: apiMailer, from: 'Programs <programs@bench.example>' },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The load generator shares the machine with what it measures: node:http on kept-alive sockets costs it
  // less CPU than fetch.
  const agent = new http.Agent({ keepAlive: true, maxSockets: args.concurrency });
  const post = (path: string, body: unknown) =>
    new Promise<{ redemptionId: string; status: string }>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = http.request(
        `${base}${path}`,
        {
          method: 'POST',
          agent,
          headers: { authorization: `Bearer ${CAPTAIN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          let text = '';
          res
            .setEncoding('utf8')
            .on('data', (c: string) => (text += c))
            .on('end', () => {
              if ((res.statusCode ?? 500) >= 300) reject(new Error(`${path}: ${res.statusCode} ${text}`));
              else resolve(JSON.parse(text));
            });
        },
      );
      req.on('error', reject).end(payload);
    });
  try {
    const n = args.redemptions;
    // The API's lots run their lifecycle workflows, as in production: each redemption tells its lot the
    // new balance (a signal, and a workflow task on the lot). The SQL baselines have no such work.
    for (const lot of await seedAccount(db, 'BENCH-API', 4, n * 5)) {
      await env.client.workflow.start(creditLot, { workflowId: creditLotWorkflowId(lot.id), taskQueue, args: [{ lot }] });
    }
    await seedAccount(db, 'BENCH-SQL', 4, n * 5);
    await seedAccount(db, 'BENCH-SQL2', 4, n * 5);
    const items = Array.from({ length: n }, (_, i) => i);

    // Warm-up: the first requests pay for compiling, caches and connections.
    await mapLimit(
      Array.from({ length: WARM_UP }, (_, i) => i),
      5,
      async () => {
        const r = await post('/v1/redemptions', { accountId: 'BENCH-API', kind: 'digital-learning', credits: 1, paysFor: 'Cisco U.' });
        await post(`/v1/redemptions/${r.redemptionId}/decision`, { approve: true });
      },
    );

    log(`API: ${n} redemptions (request + captain approval), ${args.concurrency} at a time`);
    const apiLatency: number[] = [];
    let cpu = cpuSecondsMeter();
    let t0 = performance.now();
    await mapLimit(items, args.concurrency, async () => {
      const start = performance.now();
      const r = await post('/v1/redemptions', { accountId: 'BENCH-API', kind: 'digital-learning', credits: 2, paysFor: 'Cisco U.' });
      const decided = await post(`/v1/redemptions/${r.redemptionId}/decision`, { approve: true });
      if (decided.status !== 'approved') throw new Error(`not approved: ${decided.status}`);
      apiLatency.push(performance.now() - start);
    });
    await emailsInFlight(); // the emails the desk sends as it answers belong to the API's time
    const apiSeconds = (performance.now() - t0) / 1000;
    const apiCpu = cpu.stop();
    log(`SQL baseline: the same hold + approval ledger writes, ${args.concurrency} at a time`);
    const sqlLatency: number[] = [];
    cpu = cpuSecondsMeter();
    t0 = performance.now();
    await mapLimit(items, args.concurrency, async (i) => {
      const start = performance.now();
      const id = `SQL-${i}`;
      await placeHold(db, {
        redemptionId: id,
        accountId: 'BENCH-SQL',
        request: { kind: 'digital-learning', credits: 2, requestedOn: today, paysFor: 'Cisco U.' },
        requestedBy: 'bench',
        redeemNow: false,
      });
      await settleRedemption(db, id, 'approved', 'bench', today);
      sqlLatency.push(performance.now() - start);
    });
    const sqlSeconds = (performance.now() - t0) / 1000;
    const sqlCpu = cpu.stop();

    // A stricter baseline: the same ledger writes plus what the API path also writes per redemption, each
    // notice row in the transaction of its ledger change (emails and Temporal excluded).
    log(`SQL baseline with notices: hold + notice, approval + notice, ${args.concurrency} at a time`);
    t0 = performance.now();
    await mapLimit(items, args.concurrency, async (i) => {
      const id = `SQL2-${i}`;
      const notice = (event: string, subject: string) => (trx: Db) =>
        enqueueNotice(trx, {
          id: `redemption-${id}:${event}`,
          accountId: 'BENCH-SQL2',
          kind: `redemption-${event}`,
          recipient: 'captain@bench.example',
          subject,
          body: subject,
        });
      await placeHold(
        db,
        {
          redemptionId: id,
          accountId: 'BENCH-SQL2',
          request: { kind: 'digital-learning', credits: 2, requestedOn: today, paysFor: 'Cisco U.' },
          requestedBy: 'bench',
          redeemNow: false,
        },
        (trx) => notice('waiting', `${id} waits`)(trx),
      );
      await settleRedemption(db, id, 'approved', 'bench', today, (trx) => notice('settled', `${id} approved`)(trx));
    });
    const sql2Rate = n / ((performance.now() - t0) / 1000);

    const balance = async (accountId: string) =>
      Number(
        (
          await db('ledger_entries as e')
            .join('credit_lots as l', 'l.id', 'e.lot_id')
            .where('l.account_id', accountId)
            .sum({ s: 'e.credits' })
        )[0]!.s,
      );
    const apiRate = n / apiSeconds;
    const sqlRate = n / sqlSeconds;
    apiLatency.sort((a, b) => a - b);
    sqlLatency.sort((a, b) => a - b);
    console.log(
      [
        `redemptions=${n} concurrency=${args.concurrency} workflow_task_pollers=${args.pollers} eager_activities=${args.eager === 1}`,
        `api_redemptions_per_s=${apiRate.toFixed(1)} api_p50_ms=${pct(apiLatency, 50).toFixed(1)} api_p99_ms=${pct(apiLatency, 99).toFixed(1)}`,
        `sql_redemptions_per_s=${sqlRate.toFixed(1)} sql_p50_ms=${pct(sqlLatency, 50).toFixed(1)} sql_p99_ms=${pct(sqlLatency, 99).toFixed(1)}`,
        `api_cpu ${apiCpu} (wall ${apiSeconds.toFixed(1)}s)`,
        `sql_cpu ${sqlCpu} (wall ${sqlSeconds.toFixed(1)}s)`,
        `api_overhead_x=${(sqlRate / apiRate).toFixed(2)} (target < 3; against the ledger writes alone)`,
        `sql_with_notices_per_s=${sql2Rate.toFixed(1)} api_overhead_vs_that_x=${(sql2Rate / apiRate).toFixed(2)}`,
        `emails_received=${smtp.stats.tracked} (two per API redemption: ${2 * (n + WARM_UP)} expected)`,
        `balances_after api=${await balance('BENCH-API')} sql=${await balance('BENCH-SQL')} (both ${4 * n * 5 - 2 * n}${' '}expected, api minus the ${WARM_UP} warm-up credits)`,
      ].join('\n'),
    );
  } finally {
    agent.destroy();
    server.close();
    apiMailer.close();
    await stopServers({ worker, env, smtp, stopDb });
  }
}

runBench(main);
