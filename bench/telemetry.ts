// `npm run bench:telemetry -- --engagements 1000 --readings 100000 --batch 500 --per-customer 50`
// Telemetry through the real API (Express → one multi-row INSERT → one signal per engagement per batch →
// engagement workflows on the dev server → payment activities → Postgres), with N engagements open, each
// for its own customer. A batch holds `per-customer` readings of each of `batch / per-customer` customers,
// as a collector posting for its customers' devices would. Along the way each customer's
// enrolled_users_pct reaches the next phase's threshold `phases` times, spread over the run; the latency of
// a phase change is from the start of the POST that carried the completing reading to its payment row
// (recorded_at, in the same transaction as the read model's new phase). The baseline is the same batches
// INSERTed straight into a copy of telemetry_readings, as many at a time, in the same process.
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import pino from 'pino';
import { createApp } from '../api/app';
import { SAMPLE_CATALOGUE } from '../domain/incentives';
import { engagementStateQuery, incentiveWorkflowId } from '../workflows/incentivesDefinitions';
import { startDevServer } from './devServer';
import { log, mapLimit, parseArgs, runBench, sleep, startBenchWorker, startCountingSmtp, startDatabase, stopServers, waitFor } from './lib';

const OPS = 'bench-ops-token';
const TELEMETRY = 'bench-telemetry-token';
const USE_CASE = SAMPLE_CATALOGUE.find((u) => u.id === 'security-mfa')!;
const GOAL = 'enrolled_users_pct';
// Each phase's threshold on GOAL (devices_reporting_pct >= 80 is met by every batch).
const THRESHOLDS = USE_CASE.phases.map((p) => p.goals.find((g) => g.metric === GOAL)!.threshold);
// What a customer's devices report: the two goal metrics among others that no goal watches.
const CYCLE = ['cpu_pct', 'auth_failures', 'active_sessions', 'firmware_current_pct', 'devices_reporting_pct', GOAL];
const EPOCH = Date.UTC(2026, 10, 24);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

interface Reading {
  readingId: string;
  customerId: string;
  metric: string;
  value: number;
  measuredAt: string;
}
interface Batch {
  readings: Reading[];
  /** Phase changes this batch should cause: engagement customer and phase index. */
  completes: { customer: number; phase: number }[];
}

/**
 * The batches, in posting order. A customer's k-th appearance (of `appearances`) completes a phase when k
 * is one of `phases` points spread evenly over the run; otherwise GOAL sits just under the next threshold,
 * a hair short, so only the completing reading moves the engagement.
 */
function makeBatches(args: { engagements: number; readings: number; batch: number; 'per-customer': number; phases: number }): Batch[] {
  const perCustomer = args['per-customer'];
  const customersPerBatch = Math.max(1, Math.floor(args.batch / perCustomer));
  const slices = Math.ceil(args.readings / perCustomer);
  const appearances = Math.ceil(slices / args.engagements);
  const completionAt = new Set(Array.from({ length: args.phases }, (_, p) => Math.floor(((p + 1) * appearances) / (args.phases + 1))));
  const done = new Array<number>(args.engagements).fill(0);
  const batches: Batch[] = [];
  for (let s = 0; s < slices; s++) {
    if (s % customersPerBatch === 0) batches.push({ readings: [], completes: [] });
    const batch = batches[batches.length - 1]!;
    const customer = s % args.engagements;
    const completing = completionAt.has(Math.floor(s / args.engagements)) && done[customer]! < THRESHOLDS.length;
    for (let j = 0; j < perCustomer; j++) {
      const last = j === perCustomer - 1;
      const metric = last ? GOAL : j === perCustomer - 2 ? 'devices_reporting_pct' : CYCLE[j % CYCLE.length]!;
      const next = THRESHOLDS[done[customer]!] ?? 0;
      const value = metric === GOAL ? (completing && last ? next : next - 1) : metric === 'devices_reporting_pct' ? 85 : (s * 7 + j) % 100;
      batch.readings.push({
        readingId: `r-${s}-${j}`,
        customerId: `C-${customer}`,
        metric,
        value,
        measuredAt: new Date(EPOCH + s * 1000 + j).toISOString(),
      });
    }
    if (completing) batch.completes.push({ customer, phase: done[customer]!++ });
  }
  return batches;
}

async function main() {
  // --rate paces the posting at that many readings/s (0: as fast as the API answers), so phase-change
  // latency can be measured at the target load as well as at the API's limit.
  const args = parseArgs(process.argv.slice(2), {
    engagements: 1000,
    readings: 100_000,
    batch: 500,
    'per-customer': 50,
    phases: 1,
    concurrency: 4,
    rate: 0,
  });
  const loadAtStart = loadavg()[0]!;
  if (args.phases > THRESHOLDS.length) throw new Error(`--phases is at most ${THRESHOLDS.length}`);
  if (args['per-customer'] < 2) throw new Error('--per-customer is at least 2: a slice carries devices_reporting_pct and the goal metric');
  const { db, stop: stopDb } = await startDatabase({ pool: 20 });
  const smtp = await startCountingSmtp(/:payment-/);
  const env = await startDevServer();
  const taskQueue = 'bench-telemetry';
  const worker = await startBenchWorker(env, { db, smtpUrl: smtp.url, taskQueue, tuning: undefined });
  const tokens = { [OPS]: { role: 'ops' as const, name: 'bench' }, [TELEMETRY]: { role: 'telemetry' as const } };
  const app = createApp({
    temporal: env.client,
    db,
    logger: pino({ level: 'silent' }),
    config: { tokens, taskQueue, termsVersion: 'T1' },
    today: () => new Date().toISOString().slice(0, 10),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async <T>(token: string, path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<T>;
  };
  try {
    await db('partners').insert({ id: 'BENCH-P', name: 'Bench Partner', email: 'partner@bench.example' });
    log(`opening ${args.engagements} engagements through the API`);
    const engagementOf = await mapLimit(
      Array.from({ length: args.engagements }, (_, i) => i),
      20,
      async (i) =>
        (
          await post<{ engagementId: string }>(OPS, '/v1/engagements', {
            partnerId: 'BENCH-P',
            customerId: `C-${i}`,
            useCaseId: USE_CASE.id,
          })
        ).engagementId,
    );
    const batches = makeBatches(args);
    const total = batches.reduce((n, b) => n + b.readings.length, 0);
    const expectedChanges = batches.reduce((n, b) => n + b.completes.length, 0);

    log(
      `API: ${total} readings in ${batches.length} batches, ${args.concurrency} at a time${args.rate ? `, paced at ${args.rate}/s` : ''}; ${expectedChanges} phase changes due`,
    );
    const postedAt = new Map<string, number>(); // `${engagement}:${phase}` → epoch ms the completing POST started
    const postLatency: number[] = [];
    let signals = 0;
    const t0 = performance.now();
    await mapLimit(batches, args.concurrency, async (b, i) => {
      if (args.rate > 0) await sleep(t0 + (i * args.batch * 1000) / args.rate - performance.now());
      const started = Date.now();
      for (const c of b.completes) postedAt.set(`${engagementOf[c.customer]}:${c.phase}`, started);
      const answer = await post<{ accepted: number; engagementsSignalled: number }>(TELEMETRY, '/v1/telemetry', { readings: b.readings });
      if (answer.accepted !== b.readings.length) throw new Error(`accepted ${answer.accepted} of ${b.readings.length}`);
      signals += answer.engagementsSignalled;
      postLatency.push(Date.now() - started);
    });
    const apiSeconds = (performance.now() - t0) / 1000;

    // Every signal was in its workflow's history when its POST returned; now wait for the workflows to
    // have acted on them: every phase change paid, and every engagement holding its newest reading.
    const paid = () =>
      db('incentive_payments')
        .count({ n: '*' })
        .then((r) => Number(r[0]!.n));
    await waitFor(`${expectedChanges} phase changes`, async () => (await paid()) >= expectedChanges, {
      timeoutMs: 180_000,
      everyMs: 200,
      check: worker.failure,
      progress: () => 'see incentive_payments',
    });
    const lastSent = new Map<string, string>();
    for (const b of batches) for (const r of b.readings) if (r.metric === GOAL) lastSent.set(r.customerId, r.measuredAt);
    let behind = args.engagements;
    await waitFor(
      'every engagement holding its newest reading',
      async () => {
        const states = await mapLimit(engagementOf, 50, (id) =>
          env.client.workflow.getHandle(incentiveWorkflowId(id)).query(engagementStateQuery),
        );
        behind = states.filter((s) => s.latest[GOAL]?.measuredAt !== lastSent.get(s.customerId)).length;
        return behind === 0;
      },
      { timeoutMs: 120_000, check: worker.failure, progress: () => `${behind} behind` },
    );
    const processedSeconds = (performance.now() - t0) / 1000;

    const payments: { engagement_id: string; phase_index: number; recorded_at: Date }[] = await db('incentive_payments').select(
      'engagement_id',
      'phase_index',
      'recorded_at',
    );
    const byPostTime = payments
      .map((p) => ({
        posted: postedAt.get(`${p.engagement_id}:${p.phase_index}`)!,
        ms: p.recorded_at.getTime() - postedAt.get(`${p.engagement_id}:${p.phase_index}`)!,
      }))
      .sort((a, b) => a.posted - b.posted);
    const changeLatency = byPostTime.map((c) => c.ms).sort((a, b) => a - b);
    // A lag that grows from the first to the last quarter is a backlog; a flat one is a fixed cost.
    const quarterP50 = (q: number) =>
      pct(
        byPostTime
          .slice(Math.floor((q * byPostTime.length) / 4), Math.floor(((q + 1) * byPostTime.length) / 4))
          .map((c) => c.ms)
          .sort((a, b) => a - b),
        50,
      );
    const unexpected = payments.filter((p) => !postedAt.has(`${p.engagement_id}:${p.phase_index}`)).length;

    log(`SQL baseline: the same ${batches.length} batches INSERTed into a copy of telemetry_readings, ${args.concurrency} at a time`);
    await db.raw('create table bench_readings (like telemetry_readings including all)');
    const t1 = performance.now();
    await mapLimit(batches, args.concurrency, (b) =>
      db('bench_readings').insert(
        b.readings.map((r) => ({
          reading_id: r.readingId,
          customer_id: r.customerId,
          metric: r.metric,
          value: r.value,
          measured_at: r.measuredAt,
        })),
      ),
    );
    const sqlSeconds = (performance.now() - t1) / 1000;

    const apiRate = total / apiSeconds;
    const sqlRate = total / sqlSeconds;
    postLatency.sort((a, b) => a - b);
    console.log(
      [
        `engagements=${args.engagements} readings=${total} batches=${batches.length} batch=${args.batch} per_customer=${args['per-customer']} concurrency=${args.concurrency} offered_rate=${args.rate || 'unpaced'}`,
        `api_accepted_readings_per_s=${apiRate.toFixed(0)} (target >= 5000; stored and signalled into their engagements' histories when the POST returns) signals=${signals} signals_per_s=${(signals / apiSeconds).toFixed(0)}`,
        `post_p50_ms=${pct(postLatency, 50)} post_p99_ms=${pct(postLatency, 99)} post_max_ms=${postLatency.at(-1)}`,
        `processed_readings_per_s=${(total / processedSeconds).toFixed(0)} (until every engagement held its newest reading, checked by querying all ${args.engagements})`,
        `sql_insert_readings_per_s=${sqlRate.toFixed(0)} api_overhead_x=${(sqlRate / apiRate).toFixed(2)}${args.rate ? ' (paced: the ratio says little; run unpaced for it)' : ''}`,
        `phase_changes=${changeLatency.length} of ${expectedChanges} expected (unexpected ${unexpected}) latency_p50_ms=${pct(changeLatency, 50)} p99_ms=${pct(changeLatency, 99)} max_ms=${changeLatency.at(-1)} over_2s=${changeLatency.filter((ms) => ms > 2000).length} (target 0)`,
        `phase_changes_per_s_offered=${byPostTime.length ? (byPostTime.length / Math.max(0.001, (byPostTime.at(-1)!.posted - byPostTime[0]!.posted) / 1000)).toFixed(0) : 0} (while their completing batches were posted)`,
        `phase_change_p50_ms_by_quarter_of_posting=${[0, 1, 2, 3].map(quarterP50).join(',')}`,
        `payment_emails_received=${smtp.stats.tracked}`,
        // On a shared machine other work slows the run: say how busy it was.
        `loadavg_1m_at_start=${loadAtStart.toFixed(1)} at_end=${loadavg()[0]!.toFixed(1)} cpus=${availableParallelism()}`,
      ].join('\n'),
    );
  } finally {
    server.close();
    await stopServers({ worker, env, smtp, stopDb });
  }
}

runBench(main);
