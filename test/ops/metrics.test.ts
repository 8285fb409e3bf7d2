// Issue 14, what ops watch: the API's /metrics (requests by route and status, the outbox's backlog) and
// the real worker entry point's /metrics (the SDK core's own metrics, the award counter after an award),
// their liveness and readiness, and the worker's logs as JSON, on the real dev server, Postgres and SMTP.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createApp } from '../../api/app';
import { createApiMetrics, type ApiMetrics } from '../../api/metrics';
import { createMailer } from '../../services/mailer';
import { countNotices } from '../../services/noticeMetrics';
import { sendNotice } from '../../services/outbox';
import { FY22_TIER_TABLE, nextRetierDateAfter } from '../../domain/loyalty';
import { TASK_QUEUE } from '../../workflows/definitions';
import { loyaltyAccount } from '../../workflows/loyalty';
import { defaultLoyaltySettings, loyaltyWorkflowId } from '../../workflows/loyaltyDefinitions';
import { initialState } from '../../workflows/loyaltyState';
import { createWorkerMetrics, freeLocalPort, startWorkerHttp } from '../../worker/metrics';
import { tokens } from '../helpers/apiHarness';
import { createTestDatabase } from '../helpers/db';
import { nominationFor } from '../helpers/loyalty';
import { startSmtpServer } from '../helpers/smtp';
import { devServerEnv } from '../helpers/temporal';
import { eventually, startEntry, type RunningEntry } from './entryPoints';

const today = new Date().toISOString().slice(0, 10);
const OPS = 'tok-ops-0000';

/** An enrolled account whose award is due today, as an account-year run carries it (bench/awardsDev.ts). */
async function startAccountDueToday(env: TestWorkflowEnvironment, db: Awaited<ReturnType<typeof createTestDatabase>>['db'], id: string) {
  const nomination = nominationFor(today, { group: id });
  const args = { accountId: id, nomination, nominatedBy: 'account-manager:ops-test', nominatedOn: today, termsVersion: 'T1' };
  const nominated = initialState({ ...args, settings: defaultLoyaltySettings });
  await db('accounts').insert({
    id,
    corporate_group_id: id,
    state: 'enrolled',
    tier: nominated.tier,
    captain_name: nomination.teamCaptain.name,
    captain_email: nomination.teamCaptain.email,
    captain_cco_id: nomination.teamCaptain.ccoId,
    nominated_by: args.nominatedBy,
    nominated_on: today,
    terms_version: 'T1',
    next_award_date: today,
  });
  const carried = {
    ...nominated,
    state: 'enrolled' as const,
    lapsesOn: today,
    termsAccepted: { version: 'T1', acceptedBy: nomination.teamCaptain.ccoId, acceptedOn: today },
    quarterlyCredits: FY22_TIER_TABLE.bands.find((b) => b.tier === nominated.tier)!.quarterlyCredits,
    nextAwardDate: today,
    nextRetierOn: nextRetierDateAfter(today, defaultLoyaltySettings.retierDay),
  };
  await env.client.workflow.start(loyaltyAccount, {
    workflowId: loyaltyWorkflowId(id),
    taskQueue: TASK_QUEUE,
    args: [{ ...args, settings: defaultLoyaltySettings, carried }],
  });
}

/** The API's /metrics answers a scraper holding METRICS_TOKEN; the worker's port needs none. */
const METRICS_TOKEN = 'ops-test-metrics-token';
const scraper = { authorization: `Bearer ${METRICS_TOKEN}` };
const text = (url: string) => fetch(url, { headers: scraper }).then((r) => r.text());

describe('metrics, health and logs (API and worker)', () => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let api: { base: string; close(): Promise<void> };
  let worker: RunningEntry & { base: string };
  let apiMetrics: ApiMetrics;

  beforeAll(async () => {
    [env, database, smtp] = await Promise.all([devServerEnv(), createTestDatabase(), startSmtpServer()]);
    const app = createApp({
      temporal: env.client,
      db: database.db,
      logger: pino({ level: 'silent' }),
      config: { tokens, taskQueue: TASK_QUEUE, termsVersion: 'T1', metricsToken: METRICS_TOKEN },
      today: () => today,
      metrics: (apiMetrics = createApiMetrics(database.db)),
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    api = {
      base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
    worker = await startWorkerProcess();
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await env?.teardown();
    await smtp?.close();
    await database?.drop();
  });

  async function startWorkerProcess() {
    const port = await freeLocalPort();
    const vars = {
      DATABASE_URL: database.url,
      SMTP_URL: smtp.url,
      TEMPORAL_ADDRESS: env.address,
      WORKER_METRICS_PORT: String(port),
      WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    };
    return { ...(await startEntry('worker/main.ts', vars, 'worker running')), base: `http://127.0.0.1:${port}` };
  }

  it('the API answers liveness and readiness, and /metrics shows requests by route and status and the outbox backlog', async () => {
    // A notice written and not sent (no workflow will send it): the outbox backlog ops watch.
    await database.db('notifications').insert({
      id: 'ops-test:stuck',
      kind: 'test',
      recipient: 'x@test.example',
      subject: 's',
      body: 'b',
      message_id: '<ops-test-stuck@test>',
    });
    expect(await fetch(`${api.base}/health/live`).then((r) => r.status)).toBe(200);
    const auth = { authorization: `Bearer ${OPS}` };
    const ready = await fetch(`${api.base}/health/ready`, { headers: auth });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', temporal: 'ok' } });
    expect((await fetch(`${api.base}/v1/accounts/NOPE`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${api.base}/v1/accounts/NOPE`, { headers: auth })).status).toBe(404);
    // Issue 24: the page is the scraper's: no token, another token (ops' own included) is 401.
    for (const headers of [{}, auth, { authorization: 'Bearer ops-test-metrics-tokeN' }])
      expect((await fetch(`${api.base}/metrics`, { headers })).status).toBe(401);
    const metrics = await fetch(`${api.base}/metrics`, { headers: scraper });
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const body = await metrics.text();
    expect(body).toContain('http_requests_total{method="GET",route="/v1/accounts/:id",status="404"} 2');
    expect(body).toContain('http_request_duration_seconds_count{method="GET",route="/v1/accounts/:id",status="404"} 2');
    expect(body).toContain('http_requests_total{method="GET",route="/health/ready",status="200"} 1');
    expect(body).toMatch(/^programs_outbox_unsent_notices 1$/m);
    expect(body).toMatch(/^programs_outbox_oldest_unsent_age_seconds \d/m);
  });

  it('notices sent and failed are counted by kind, at the mailer every email passes (here the API redemptions path)', async () => {
    const notice = (n: number) => ({
      id: `redemption-OPS${n}:approved`,
      kind: 'redemption-approved',
      recipient: 'buyer@test.example',
      subject: 'Your redemption is approved',
      body: 'b',
      message_id: `<ops-${n}@test>`,
    });
    await database.db('notifications').insert([notice(1), notice(2)]);
    const good = countNotices(createMailer(smtp.url), database.db, apiMetrics.notices);
    const dead = countNotices(createMailer('smtp://127.0.0.1:1'), database.db, apiMetrics.notices);
    const mailFrom = 'Programs <programs@test.example>';
    expect(await sendNotice({ db: database.db, mailer: good, mailFrom }, 'redemption-OPS1:approved')).toBe('sent');
    await expect(sendNotice({ db: database.db, mailer: dead, mailFrom }, 'redemption-OPS2:approved')).rejects.toThrow();
    good.close();
    dead.close();
    const body = await eventually(
      'notices counted',
      () => text(`${api.base}/metrics`),
      (m) => m.includes('programs_notices_total{kind="redemption-approved",outcome="failed"} 1'),
    );
    expect(body).toContain('programs_notices_total{kind="redemption-approved",outcome="sent"} 1');
  });

  it('the worker answers liveness and readiness, logs JSON, and /metrics shows the SDK core metrics and an award counter after an award', async () => {
    expect(await fetch(`${worker.base}/health/live`).then((r) => r.status)).toBe(200);
    const ready = await fetch(`${worker.base}/health/ready`);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', temporal: 'ok' } });
    expect(ready.status).toBe(200);
    // Every line the worker writes is a JSON object (pino): its own and the Temporal SDK's.
    for (const line of worker.logs) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(worker.logs.some((l) => (JSON.parse(l) as { component?: string }).component === 'temporal-sdk')).toBe(true);

    await startAccountDueToday(env, database.db, 'OPSMET');
    const body = await eventually(
      'award counted',
      () => text(`${worker.base}/metrics`),
      (m) => m.includes('programs_notices_total{kind="award",outcome="sent"} 1'),
    );
    expect(body).toMatch(/^programs_awards_total 1$/m);
    expect(body).toContain('programs_lots_opened_total{origin="award"} 1');
    const awardMails = smtp.received.filter((m) => String(m.headers.get('x-notice-key')).startsWith('account-OPSMET:award-'));
    expect(awardMails).toHaveLength(1);
    expect(awardMails[0]!.subject).toMatch(/^OPSMET Corp: \d+ Learning Credits awarded for FY\d{4}Q\d$/);
    // The SDK core's own metrics: workflow task latencies, schedule-to-start, the sticky cache.
    expect(body).toMatch(/^temporal_workflow_task_execution_latency_bucket\{/m);
    expect(body).toMatch(/^temporal_workflow_task_schedule_to_start_latency_bucket\{/m);
    expect(body).toMatch(/^temporal_sticky_cache_size\{/m);
  });

  it('a second worker on the machine takes any free metrics port when WORKER_METRICS_PORT is unset; set, a taken one stops it', async () => {
    const port = await freeLocalPort();
    const options = {
      metrics: createWorkerMetrics(),
      coreMetricsUrl: 'http://127.0.0.1:1/metrics',
      live: () => true,
      ready: async () => ({}),
    };
    const first = await startWorkerHttp({ ...options, port });
    await expect(startWorkerHttp({ ...options, port })).rejects.toThrow(`WORKER_METRICS_PORT: ${port} is in use`);
    const anyFree = await startWorkerHttp({ ...options, port: undefined });
    expect(anyFree.port).toBeGreaterThan(0);
    expect(await fetch(`http://127.0.0.1:${anyFree.port}/health/live`).then((r) => r.json())).toEqual({ status: 'ok' });
    first.close();
    anyFree.close();
  });
});
