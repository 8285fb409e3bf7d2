// Issue 14, on the real Temporal server: four service processes on Postgres, mTLS on the frontend,
// two worker processes and two API processes. The Go builds happen in beforeAll when not cached.
import { DefaultLogger, NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { temporalConnectConfig } from '../../config/temporalConnection';
import { waitUntil } from '../../scripts/services/child';
import { nominationFor } from '../helpers/loyalty';
import { TASK_QUEUE } from '../../workflows/definitions';
import { loyaltyAccount } from '../../workflows/loyalty';
import { loyaltyWorkflowId } from '../../workflows/loyaltyDefinitions';
import { carriedAccount } from './carried';
import { call, clusterHarness, METRICS_TOKEN } from './clusterHarness';
import { metricAt, sampleSum, scrape } from './scrape';
import { timerDue } from './timerWorkflow';

type Harness = Awaited<ReturnType<typeof clusterHarness>>;
let h: Harness;
const today = () => new Date().toISOString().slice(0, 10);
// Ids unique per run: against a kept DATABASE_URL the cluster's databases, and the workflows in them, outlive a run.
const run = randomBytes(3).toString('hex').toUpperCase();
const count = async (q: Promise<{ n: string }[]>) => Number((await q)[0]!.n);

beforeAll(async () => {
  // The SDK core's retries while history is down are expected here: only errors are shown.
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  h = await clusterHarness();
}, 60 * 60_000);
afterAll(() => h?.stop(), 180_000);

describe('the Temporal cluster profile (issue 14)', () => {
  it('LOY-1, LOY-4, LOY-7: a nomination through API A is enrolled through API B; awards due land once each while a worker is killed', async () => {
    const group = `CLUS${run}`;
    const nominated = await call(h.apis[0], 'POST', '/v1/nominations', 'tok-account-manager', nominationFor(today(), { group }));
    expect(nominated.status).toBe(201);
    expect(nominated.body).toEqual({ accountId: group, workflowId: `loyalty-account-${group}` });
    await h.smtp.waitFor((m) => m.to.includes(`captain@${group.toLowerCase()}.example`), 120_000);
    const account = await call(h.apis[1], 'GET', `/v1/accounts/${group}`, 'tok-account-manager');
    const accepted = await call(h.apis[1], 'POST', `/v1/accounts/${group}/terms-acceptance`, 'tok-captain-dlee', {
      version: account.body.termsVersion,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.state).toBe('enrolled');

    // No clock skips on a real cluster: these accounts enter their award day as continue-as-new leaves them.
    const ids = Array.from({ length: 8 }, (_, i) => `CLAW${run}-${i}`);
    for (const id of ids) {
      const input = await carriedAccount(h.db, id, today());
      await h.client.workflow.start(loyaltyAccount, { workflowId: loyaltyWorkflowId(id), taskQueue: TASK_QUEUE, args: [input] });
    }
    const [workerA, workerB] = h.workers;
    workerB!.process.kill('SIGKILL');
    const awarded = () =>
      count(h.db('notifications').where({ kind: 'award' }).whereNotNull('sent_at').whereIn('account_id', ids).count({ n: '*' }));
    await waitUntil('8 award notices sent', async () => expect(await awarded()).toBe(8), 180_000);

    expect(workerB!.process.signalCode).toBe('SIGKILL');
    expect(workerA!.process.exitCode).toBeNull();
    const lots = await h.db('credit_lots').where({ source: 'award' }).whereIn('account_id', ids).select('account_id');
    expect(lots.map((l) => l.account_id).sort()).toEqual(ids);
    const lotIds = h.db('credit_lots').whereIn('account_id', ids).select('id');
    expect(await count(h.db('ledger_entries').where({ kind: 'award' }).whereIn('lot_id', lotIds).count({ n: '*' }))).toBe(8);
    // A crash between SMTP and marking a notice sent may resend it, with the same Message-ID (README).
    const awardMails = h.smtp.received.filter((m) =>
      ids.some((id) => String(m.headers.get('x-notice-key')).startsWith(`account-${id}:award-`)),
    );
    expect(new Set(awardMails.map((m) => m.messageId)).size).toBe(8);

    // Which worker wrote the 8 depends on how far B got before the kill; with only A alive, one more award
    // is A's, and A's own counters say so (the compiled worker: dist/worker/main.js).
    const metricsA = h.workerMetrics[0];
    const onA = async () => ({
      awards: await metricAt(metricsA, 'programs_awards_total'),
      lots: await metricAt(metricsA, 'programs_lots_opened_total', { origin: 'award' }),
    });
    const before = await onA();
    const extra = `CLAW${run}-X`;
    const extraInput = await carriedAccount(h.db, extra, today());
    await h.client.workflow.start(loyaltyAccount, { workflowId: loyaltyWorkflowId(extra), taskQueue: TASK_QUEUE, args: [extraInput] });
    await waitUntil(
      'the extra award counted on worker A',
      async () => expect(await onA()).toEqual({ awards: before.awards + 1, lots: before.lots + 1 }),
      180_000,
    );
    expect(await count(h.db('credit_lots').where({ source: 'award', account_id: extra }).count({ n: '*' }))).toBe(1);
    // The SDK core's own metrics come through the same page.
    expect((await scrape(metricsA)).text).toMatch(/^temporal_workflow_task_schedule_to_start_latency\w*\{/m);
    // API A (dist/api/main.js) counted the nomination it answered.
    const apiA = await scrape(`${h.apis[0]}/metrics`, METRICS_TOKEN);
    expect(apiA.status).toBe(200);
    expect(sampleSum(apiA.text, 'http_requests_total', { method: 'POST', route: '/v1/nominations', status: '201' })).toBe(1);
  }, 600_000);

  it('the production start: dist/ built, a blank database migrated by dist/scripts/migrate.js, compiled worker and API serving', async () => {
    // How long `npm run build` took in this run (0 when dist/ was current).
    console.log(`npm run build: ${h.build.built ? `${h.build.seconds.toFixed(0)} s` : 'dist/ was current'}`);
    expect(h.migrated).toMatch(/^applied \d+ migration\(s\): /);
    const [workerA] = h.workers;
    expect(workerA!.process.spawnargs.slice(1)).toEqual([join(__dirname, '..', '..', 'dist', 'worker', 'main.js')]);
    expect((await fetch(h.workerMetrics[0].replace('/metrics', '/health/ready'))).status).toBe(200);
    // The compiled worker polls the cluster's mTLS frontend (its certificate from TEMPORAL_TLS_* via envconfig).
    expect(Object.keys(h.cluster.clientEnv)).toContain('TEMPORAL_TLS_CLIENT_CERT_PATH');
    const queue = await h.client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: TASK_QUEUE } });
    expect((queue.pollers ?? []).map((p) => p.identity)).toContain(`${workerA!.process.pid}@${hostname()}`);
  }, 60_000);

  it('the frontend refuses a client without a certificate from the cluster CA (mTLS)', async () => {
    const ca = readFileSync(h.cluster.certs.caCert);
    const noCert = { serverNameOverride: h.cluster.certs.serverName, serverRootCACertificate: ca };
    const refused = Connection.connect({ address: h.cluster.address, tls: noCert, connectTimeout: 5000 }).then(async (c) => {
      await c.workflowService.getSystemInfo({});
      await c.close();
    });
    await expect(refused).rejects.toThrow();
    // The same connection with the client certificate is served: the certificate is the only difference.
    const withCert = {
      ...noCert,
      clientCertPair: { crt: readFileSync(h.cluster.certs.clientCert), key: readFileSync(h.cluster.certs.clientKey) },
    };
    const served = await Connection.connect({ address: h.cluster.address, tls: withCert, connectTimeout: 5000 });
    expect((await served.workflowService.getSystemInfo({})).serverVersion).toBe('1.29.1');
    await served.close();
  }, 60_000);

  it('timers due while the history service is down fire once each after it restarts', async () => {
    await h.db.schema.createTable('cluster_timer_fires', (t) => {
      t.text('workflow_id').notNullable();
      t.timestamp('fired_at', { useTz: true }).notNullable().defaultTo(h.db.fn.now());
    });
    const taskQueue = 'cluster-timers';
    const connection = await NativeConnection.connect(temporalConnectConfig(h.cluster.clientEnv).connectionOptions);
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: join(__dirname, 'timerWorkflow.ts'),
      activities: {
        recordTimerFired: async (workflowId: string) => void (await h.db('cluster_timer_fires').insert({ workflow_id: workflowId })),
      },
    });
    const running = worker.run();
    const ids = Array.from({ length: 12 }, (_, i) => `timer-${run}-${i}`);
    const dueAt = Date.now() + 25_000;
    const handles = await Promise.all(ids.map((id) => h.client.workflow.start(timerDue, { workflowId: id, taskQueue, args: [id, dueAt] })));
    const started = async (hd: (typeof handles)[number]) => (await hd.fetchHistory()).events!.some((e) => e.timerStartedEventAttributes);
    await waitUntil('every timer started', async () => expect((await Promise.all(handles.map(started))).every(Boolean)).toBe(true), 20_000);

    await h.cluster.stopService('history');
    await new Promise((r) => setTimeout(r, Math.max(0, dueAt - Date.now()) + 5_000));
    expect(await count(h.db('cluster_timer_fires').count({ n: '*' }))).toBe(0);
    h.cluster.startService('history');
    await h.cluster.ready();
    await Promise.all(handles.map((hd) => hd.result()));

    const fires = await h.db('cluster_timer_fires').select('workflow_id', 'fired_at');
    expect(fires.map((f) => f.workflow_id).sort()).toEqual([...ids].sort());
    for (const f of fires) expect(new Date(f.fired_at).getTime()).toBeGreaterThanOrEqual(dueAt);
    for (const hd of handles) {
      const events = (await hd.fetchHistory()).events!;
      expect(events.filter((e) => e.timerFiredEventAttributes).length).toBe(1);
    }
    worker.shutdown();
    await running;
    await connection.close();
  }, 600_000);
});
