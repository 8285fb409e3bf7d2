// Issue 14: with OTEL_EXPORTER_OTLP_ENDPOINT set, one trace runs from the API request through the workflow
// to its activities, across the API and worker processes (their real entry points), exported over OTLP/HTTP
// to a collector, here a loopback HTTP server that keeps what it receives.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { freeLocalPort } from '../../worker/metrics';
import { createTestDatabase } from '../helpers/db';
import { nominationFor } from '../helpers/loyalty';
import { startSmtpServer } from '../helpers/smtp';
import { devServerEnv } from '../helpers/temporal';
import { eventually, startEntry, type RunningEntry } from './entryPoints';

interface Span {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}

/** An OTLP/HTTP collector for traces (JSON encoding, the exporter's default). */
async function startCollector() {
  const spans: Span[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (req.url === '/v1/traces') spans.push(...spansOf(JSON.parse(body)));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { endpoint, spans, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function spansOf(request: any): Span[] {
  return (request.resourceSpans ?? []).flatMap((rs: any) => {
    const service = rs.resource.attributes.find((a: any) => a.key === 'service.name')?.value.stringValue;
    return rs.scopeSpans.flatMap((ss: any) =>
      ss.spans.map((s: any) => ({
        service,
        name: s.name,
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId || undefined,
      })),
    );
  });
}

describe('traces (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let api: RunningEntry & { base: string };
  let worker: RunningEntry;

  beforeAll(async () => {
    [env, database, smtp, collector] = await Promise.all([devServerEnv(), createTestDatabase(), startSmtpServer(), startCollector()]);
    const common = {
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: env.address,
      SMTP_URL: smtp.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    };
    const port = await freeLocalPort();
    // The worker bundles the workflows from source with the tracing interceptors inside (no WORKFLOW_BUNDLE).
    [worker, api] = await Promise.all([
      startEntry('worker/main.ts', { ...common, WORKER_METRICS_PORT: '0' }, 'worker running'),
      startEntry(
        'api/main.ts',
        { ...common, PORT: String(port), API_TOKENS: '{"tok-am-00001":{"role":"account-manager","amId":"am-1"}}' },
        'API listening',
      ).then((e) => ({ ...e, base: `http://127.0.0.1:${port}` })),
    ]);
  }, 300_000);

  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
    await env?.teardown();
    await smtp?.close();
    await collector?.close();
    await database?.drop();
  });

  it('a nomination is one trace: the request, the workflow update it sends, the workflow, its activities', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const res = await fetch(`${api.base}/v1/nominations`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok-am-00001', 'content-type': 'application/json' },
      body: JSON.stringify(nominationFor(today, { group: 'TRACED' })),
    });
    expect(res.status).toBe(201);
    const named = (name: string) => collector.spans.find((s) => s.name === name);
    await eventually(
      'the request and activity spans',
      async () => collector.spans.map((s) => s.name).join(', '),
      // The API's request span ends when its answer is sent, and may be exported after the worker's spans.
      () => !!named('POST /v1/nominations') && !!named('RunActivity:recordNomination') && !!named('RunActivity:sendNotice'),
    );
    const request = named('POST /v1/nominations')!;
    expect(request).toMatchObject({ service: 'cisco-programs-api', parentSpanId: undefined });
    const update = named('UpdateWithStartWorkflow:nominationRecorded')!;
    expect(update).toMatchObject({ service: 'cisco-programs-api', traceId: request.traceId, parentSpanId: request.spanId });
    const handled = named('HandleUpdate:nominationRecorded')!;
    expect(handled).toMatchObject({ service: 'cisco-programs-worker', traceId: request.traceId, parentSpanId: update.spanId });
    for (const activity of ['recordNomination', 'sendNotice']) {
      const scheduled = named(`StartActivity:${activity}`)!;
      const ran = named(`RunActivity:${activity}`)!;
      expect(scheduled).toMatchObject({ service: 'cisco-programs-worker', traceId: request.traceId });
      expect(ran).toMatchObject({ service: 'cisco-programs-worker', traceId: request.traceId, parentSpanId: scheduled.spanId });
    }
  });
});
