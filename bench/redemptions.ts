// `npm run bench:redemptions -- --redemptions N --concurrency C`
// Redemptions with Team Captain approval through the real API (Express → Temporal update-with-start →
// redemption workflow → ledger activities → Postgres), against the same ledger writes done directly in SQL
// (db/credits.ts placeHold + settleRedemption, the functions the activities call) in the same process.
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../api/app';
import { placeHold, settleRedemption } from '../db/credits';
import { startDevServer } from './devServer';
import { log, mapLimit, parseArgs, startBenchWorker, startCountingSmtp, startDatabase } from './lib';
import type { Db } from '../db/connect';

const CAPTAIN = 'bench-captain-token';
const today = new Date().toISOString().slice(0, 10);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** One enrolled account with enough credits in several lots, written as the workflows would leave it. */
async function seedAccount(db: Db, accountId: string, lots: number, creditsPerLot: number) {
  await db('accounts').insert({ id: accountId, corporate_group_id: accountId, state: 'enrolled', captain_name: 'Bench Captain', captain_email: 'captain@bench.example', captain_cco_id: 'bench', nominated_by: 'bench', nominated_on: today, terms_version: 'T1' });
  for (let i = 0; i < lots; i++) {
    const id = `${accountId}-L${i}`;
    await db('credit_lots').insert({ id, account_id: accountId, owner_email: 'captain@bench.example', owner_name: 'Bench Captain', source: 'purchase', state: 'active', credits: creditsPerLot, issued_on: today, activates_on: today, expires_on: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}` });
    await db('ledger_entries').insert({ lot_id: id, kind: 'purchase', credits: creditsPerLot, actor: 'bench', reason: 'seed', idempotency_key: `${id}:purchase`, occurred_on: today });
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2), { redemptions: 300, concurrency: 20 });
  const { db, stop: stopDb } = await startDatabase({ pool: 20 });
  const smtp = await startCountingSmtp(/^redemption-/);
  const env = await startDevServer();
  const taskQueue = 'bench-redemptions';
  const worker = await startBenchWorker(env, { db, smtpUrl: smtp.url, taskQueue, tuning: undefined });
  const app = createApp({ temporal: env.client, db, logger: pino({ level: 'silent' }), config: { tokens: { [CAPTAIN]: { role: 'team-captain', ccoId: 'bench' } }, taskQueue, termsVersion: 'T1' }, today: () => today });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${CAPTAIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ redemptionId: string; status: string }>;
  };
  try {
    const n = args.redemptions;
    await seedAccount(db, 'BENCH-API', 4, n * 5);
    await seedAccount(db, 'BENCH-SQL', 4, n * 5);
    const items = Array.from({ length: n }, (_, i) => i);

    // Warm-up: the first requests pay for bundling caches and connections.
    await mapLimit(items.slice(0, 10), 5, async () => {
      const r = await post('/v1/redemptions', { accountId: 'BENCH-API', kind: 'digital-learning', credits: 1 });
      await post(`/v1/redemptions/${r.redemptionId}/decision`, { approve: true });
    });

    log(`API: ${n} redemptions (request + captain approval), ${args.concurrency} at a time`);
    const apiLatency: number[] = [];
    let t0 = performance.now();
    await mapLimit(items, args.concurrency, async () => {
      const start = performance.now();
      const r = await post('/v1/redemptions', { accountId: 'BENCH-API', kind: 'digital-learning', credits: 2 });
      const decided = await post(`/v1/redemptions/${r.redemptionId}/decision`, { approve: true });
      if (decided.status !== 'approved') throw new Error(`not approved: ${decided.status}`);
      apiLatency.push(performance.now() - start);
    });
    const apiSeconds = (performance.now() - t0) / 1000;

    log(`SQL baseline: the same hold + approval ledger writes, ${args.concurrency} at a time`);
    const sqlLatency: number[] = [];
    t0 = performance.now();
    await mapLimit(items, args.concurrency, async (i) => {
      const start = performance.now();
      const id = `SQL-${i}`;
      await placeHold(db, { redemptionId: id, accountId: 'BENCH-SQL', request: { kind: 'digital-learning', credits: 2, requestedOn: today }, requestedBy: 'bench', redeemNow: false });
      await settleRedemption(db, id, 'approved', 'bench', today);
      sqlLatency.push(performance.now() - start);
    });
    const sqlSeconds = (performance.now() - t0) / 1000;

    const balance = async (accountId: string) => Number((await db('ledger_entries as e').join('credit_lots as l', 'l.id', 'e.lot_id').where('l.account_id', accountId).sum({ s: 'e.credits' }))[0]!.s);
    const apiRate = n / apiSeconds;
    const sqlRate = n / sqlSeconds;
    apiLatency.sort((a, b) => a - b);
    sqlLatency.sort((a, b) => a - b);
    console.log(
      [
        `redemptions=${n} concurrency=${args.concurrency}`,
        `api_redemptions_per_s=${apiRate.toFixed(1)} api_p50_ms=${pct(apiLatency, 50).toFixed(1)} api_p99_ms=${pct(apiLatency, 99).toFixed(1)}`,
        `sql_redemptions_per_s=${sqlRate.toFixed(1)} sql_p50_ms=${pct(sqlLatency, 50).toFixed(1)} sql_p99_ms=${pct(sqlLatency, 99).toFixed(1)}`,
        `api_overhead_x=${(sqlRate / apiRate).toFixed(2)} (target < 3)`,
        `balances_after api=${await balance('BENCH-API')} sql=${await balance('BENCH-SQL')} (both ${4 * n * 5 - 2 * n}${' '}expected, api minus the 10 warm-up credits)`,
      ].join('\n'),
    );
  } finally {
    server.close();
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
