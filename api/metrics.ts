// What ops watch on the API: GET /metrics in Prometheus format (requests by route and status with their
// latency, the outbox's backlog, notices sent and failed) and, when tracing is on, a span per request.
import { Router, type Request, type RequestHandler } from 'express';
import type { Knex } from 'knex';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { HttpError } from './errors';
import { sameSecret } from './session';

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

export function createApiMetrics(db: Knex) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const labelNames = ['method', 'route', 'status'] as const;
  // A notice failed for good (a permanent SMTP refusal) waits for no one: ops see it in the failed-notices queue.
  const unsent = () => db('notifications').whereNull('sent_at').whereNull('failed_at');
  return {
    registry,
    requests: new Counter({ name: 'http_requests_total', help: 'API requests by route and status', labelNames, registers }),
    latency: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'API request latency by route and status',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    notices: new Counter({
      name: 'programs_notices_total',
      help: 'Notice emails handed to SMTP by this process, by kind and outcome (sent or failed)',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    // Read at each scrape: the backlog is the database's, shared by every API and worker process.
    outbox: new Gauge({
      name: 'programs_outbox_unsent_notices',
      help: 'Notices written to the outbox and not yet sent (all processes)',
      registers,
      async collect() {
        const row = await unsent().count<{ n: string }[]>({ n: '*' }).first();
        this.set(Number(row?.n ?? 0));
      },
    }),
    oldest: new Gauge({
      name: 'programs_outbox_oldest_unsent_age_seconds',
      help: 'Age of the oldest unsent notice (0 when none): a growing value means emails are stuck',
      registers,
      async collect() {
        const row = await unsent().min<{ at: Date | null }[]>({ at: 'created_at' }).first();
        this.set(row?.at ? Math.max(0, (Date.now() - new Date(row.at).getTime()) / 1000) : 0);
      },
    }),
  };
}

/** The route's pattern (`/v1/accounts/:id`), never the raw path: ids in labels would grow without bound. */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

/** Counts and times each request once its answer is sent. */
export function measureRequests(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.latency.startTimer();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeOf(req), status: String(res.statusCode) };
      metrics.requests.inc(labels);
      stop(labels);
    });
    next();
  };
}

/** A server span per request, continuing the caller's trace (W3C traceparent) when it sends one. */
export function traceRequests(tracer: Tracer): RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      `${req.method} ${req.path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      parent,
    );
    res.once('finish', () => {
      const route = routeOf(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/**
 * GET /metrics for a scraper holding METRICS_TOKEN (bearer): anyone else 401, and with no token
 * configured it is not served (404), since the page names every route's traffic and the outbox's backlog.
 */
export function metricsRoute(metrics: ApiMetrics, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', async (req, res, next) => {
    if (!token) return next(new HttpError(404, 'not_found', 'No such route'));
    const given = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
    if (!sameSecret(given, token)) return next(new HttpError(401, 'unauthorized', 'The metrics token is required (bearer)'));
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
